// import-iis end to end: an applicationHost.config naming two example extensions is imported;
// the real binary loads the YAML it printed (also through --check-config), and nginx runs the
// locations it printed (nginx -t accepts the whole file), serving the same URLs IIS did.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "isapi/isapi_fixture.hpp"
#include "support/engine_instance.hpp"
#include "support/free_port.hpp"
#include "support/nginx_front.hpp"

namespace isapi_fcgi::test {
namespace {

struct imported {
    std::filesystem::path yaml;
    std::filesystem::path nginx;
};

process_end run(std::vector<std::string> argv, const temp_dir& dir, const std::string& name, std::string& output) {
    spawn_options options;
    options.stdout_path = dir.file(name + ".out");
    test_process process(std::move(argv), options);
    auto end = process.wait(deadline_after(scaled(std::chrono::seconds(30))));
    if (!end) end = process.stop();
    output = process.output();
    return *end;
}

class import_served : public ::testing::Test {
protected:
    imported import_config(const std::vector<std::string>& extra = {}, int expected_exit = 0,
                           std::string* output_out = nullptr) {
        const auto examples = extension_library("hello").parent_path();
        imported files{work_.file("imported.yaml"), work_.file("imported.conf")};
        std::string output;
        std::vector<std::string> argv{engine_instance::binary().string(), "import-iis", "--map",
                                      "C:\\inetpub\\scripts=" + examples.string(), "--socket-dir",
                                      work_.path().string(), "--yaml", files.yaml.string(), "--nginx",
                                      files.nginx.string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(std::string(ISAPI_IIS_CONFIGS) + "/served.config");
        const auto end = run(argv, work_, "import", output);
        EXPECT_TRUE(end.exited && end.exit_code == expected_exit) << output;
        if (output_out != nullptr) *output_out = output;
        return files;
    }

    temp_dir work_{"isapi-fcgi-import-served"};
};

TEST_F(import_served, check_config_accepts_the_printed_yaml) {
    // The site's root mapped to a directory that exists: the check reads every document_root.
    const auto files = import_config({"--map", "C:\\inetpub\\wwwroot=" + work_.path().string()});
    std::string output;
    const auto end = run({engine_instance::binary().string(), "--check-config", "--config", files.yaml.string()},
                         work_, "check", output);
    if (::geteuid() == 0) {
        // An IIS pool identity has no Unix equivalent the importer could pick: as root, the
        // check asks for the pool's `user` (or allow_root), and that is its only complaint.
        EXPECT_TRUE(end.exited && end.exit_code == 1) << output;
        EXPECT_NE(output.find("would run extensions as root: set the pool's 'user'"), std::string::npos) << output;
        EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 2) << output;
        const auto allowed = work_.write_file("allowed.yaml", "allow_root: true\n" + read_file(files.yaml));
        const auto again = run({engine_instance::binary().string(), "--check-config", "--config", allowed.string()},
                               work_, "check-allowed", output);
        EXPECT_TRUE(again.exited && again.exit_code == 0) << output;
        return;
    }
    EXPECT_TRUE(end.exited && end.exit_code == 0) << output;
    EXPECT_NE(output.find("test is successful"), std::string::npos) << output;
}

TEST_F(import_served, registry_files_reach_every_pool_and_a_broken_one_stops_the_import_with_its_line) {
    const auto good = work_.write_file("settings.reg",
                                       "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Greeter]\r\n"
                                       "\"Greeting\"=\"hi\"\r\n");
    // (The site's document root mapped to a directory that exists, which --check-config checks.)
    const auto files = import_config(
        {"--registry", good.string(), "--map", "C:\\inetpub\\wwwroot=" + work_.path().string()});
    const std::string yaml = read_file(files.yaml);
    EXPECT_NE(yaml.find("    registry:"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("        - \"" + good.string() + "\""), std::string::npos) << yaml;
    // The sidecar reads the files it was given when it loads the configuration.
    const auto config = work_.write_file("registry.yaml", "allow_root: true\n" + yaml);
    std::string output;
    const auto check = run({engine_instance::binary().string(), "--check-config", "--config", config.string()},
                           work_, "check-registry", output);
    EXPECT_TRUE(check.exited && check.exit_code == 0) << output;

    const auto broken = work_.write_file("broken.reg", "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"
                                                       "\"Count\"=dword:not-hex\r\n");
    std::string refused;
    import_config({"--registry", broken.string()}, 1, &refused);
    EXPECT_NE(refused.find(broken.string() + ":4: "), std::string::npos) << refused;
}

TEST_F(import_served, nginx_accepts_the_printed_configuration) {
    const auto files = import_config();
    std::string text = read_file(files.nginx);
    // The binding's port 80, moved to a free loopback port for the test.
    text = std::regex_replace(text, std::regex("listen 80;"),
                              "listen 127.0.0.1:" + std::to_string(free_loopback_port()) + ";");
    const auto conf = work_.write_file("nginx-test.conf",
                                       "pid " + work_.file("nginx.pid").string() + ";\nerror_log " +
                                           work_.file("error.log").string() + ";\nevents {}\nhttp {\n" + text + "}\n");
    std::string output;
    const auto end = run({"nginx", "-t", "-c", conf.string()}, work_, "nginx-t", output);
    EXPECT_TRUE(end.exited && end.exit_code == 0) << output << "\n" << text;
}

TEST_F(import_served, the_imported_urls_are_served_through_nginx) {
    const auto files = import_config();
    // The tests run as root, which the sidecar refuses for extensions unless told.
    const auto config = work_.write_file("served.yaml", "allow_root: true\n" + read_file(files.yaml));
    spawn_options options;
    options.stdout_path = work_.file("sidecar.log");
    test_process sidecar({engine_instance::binary().string(), "--config", config.string()}, options);
    ASSERT_TRUE(sidecar.wait_for_log_line(std::regex("listening on unix:"), deadline_after(scaled(std::chrono::seconds(10)))))
        << sidecar.error_output();

    // The printed locations, unchanged but for the upstream name the test nginx defines.
    const std::string text = read_file(files.nginx);
    const auto first = text.find("    location ");
    const auto last = text.rfind("    }\n");
    ASSERT_NE(first, std::string::npos) << text;
    std::string locations = text.substr(first, last + 6 - first);
    locations = std::regex_replace(locations, std::regex("fastcgi_pass isapi_DefaultAppPool;"), "fastcgi_pass isapi_fcgi;");
    const auto snippet = work_.write_file("locations.conf", locations);
    nginx_front_options front;
    front.upstream_address = "unix:" + (work_.path() / "DefaultAppPool.sock").string();
    front.snippet = snippet;
    nginx_front nginx(front);

    http_request request;
    request.url = nginx.url("/scripts/hello.dll");
    auto hello = http_fetch(nginx.dir(), request);
    EXPECT_EQ(hello.status, 200) << hello.describe();
    EXPECT_EQ(hello.body, "Hello from ISAPI!\r\n");
    request.url = nginx.url("/SCRIPTS/Hello.DLL/path/info");  // IIS matches URLs in any case
    EXPECT_EQ(http_fetch(nginx.dir(), request).status, 200);
    request.url = nginx.url("/scripts/formdump.dll");
    request.method = "POST";
    request.body = "abc";
    auto form = http_fetch(nginx.dir(), request);
    EXPECT_EQ(form.status, 200) << form.describe();
    EXPECT_NE(form.body.find("bytes=3\n"), std::string::npos) << form.body;
    request.url = nginx.url("/scripts/old.dll");
    request.method = "GET";
    EXPECT_EQ(http_fetch(nginx.dir(), request).status, 404);  // not imported: no extension location, and the binaries denial

    EXPECT_TRUE(nginx.error_log_problems().empty()) << nginx.error_log();
    const auto nginx_end = nginx.stop();
    EXPECT_TRUE(ended_cleanly(nginx_end, nginx.error_log()));
    const auto end = sidecar.stop();
    EXPECT_TRUE(ended_cleanly(end, sidecar.error_output()));
}

}  // namespace
}  // namespace isapi_fcgi::test
