// import-iis end to end on a realistic server (configs/contoso/applicationHost.config): its
// Windows directories rebuilt below a temp dir, with the example extension `hello` under the
// names IIS gave the DLLs (orders.so, catalog.so, reports.so). The real `--check-config` accepts
// the printed YAML as it is (every extension loads, every document root is readable), and nginx
// running the printed site serves the DLL named by its own handler, the script-mapped pool, the
// site's static files from the mapped root and a virtual directory, and refuses the binaries.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <unistd.h>

#include "isapi/isapi_fixture.hpp"
#include "support/engine_instance.hpp"
#include "support/nginx_front.hpp"

namespace isapi_fcgi::test {
namespace {

class order_system_served : public ::testing::Test {
protected:
    void SetUp() override {
        namespace fs = std::filesystem;
        const auto hello = extension_library("hello");
        for (const char* dir : {"contoso/wwwroot", "contoso/orders/bin", "contoso/reports", "catalog/bin", "media/images"})
            fs::create_directories(work_.path() / dir);
        fs::create_symlink(hello, work_.path() / "contoso/orders/bin/orders.so");
        fs::create_symlink(hello, work_.path() / "catalog/bin/catalog.so");
        fs::create_symlink(hello, work_.path() / "contoso/reports/reports.so");
        std::ofstream(work_.path() / "contoso/wwwroot/index.htm") << "<h1>Contoso</h1>\n";
        std::ofstream(work_.path() / "media/images/logo.txt") << "logo\n";
    }

    std::string root(const char* dir) const { return (work_.path() / dir).string(); }

    process_end run(std::vector<std::string> argv, const std::string& name, std::string& output) {
        spawn_options options;
        options.stdout_path = work_.file(name + ".out");
        test_process process(std::move(argv), options);
        auto end = process.wait(deadline_after(scaled(std::chrono::seconds(60))));
        if (!end) end = process.stop();
        output = process.output();
        return *end;
    }

    /// import-iis as an operator runs it; the YAML's path.
    std::filesystem::path import() {
        const auto yaml = work_.file("imported.yaml");
        std::string output;
        const auto end = run({engine_instance::binary().string(), "import-iis", "--map",
                              "C:\\inetpub\\contoso=" + root("contoso"), "--map", "D:\\catalog=" + root("catalog"),
                              "--map", "E:\\media=" + root("media"), "--socket-dir", work_.path().string(), "--yaml",
                              yaml.string(), "--nginx", work_.file("imported.conf").string(),
                              std::string(ISAPI_IIS_CONFIGS) + "/contoso/applicationHost.config"},
                             "import", output);
        EXPECT_TRUE(end.exited && end.exit_code == 0) << output;
        return yaml;
    }

    /// The YAML to run: as root, the sidecar wants `user` or allow_root, which IIS had no word for.
    std::filesystem::path runnable(const std::filesystem::path& yaml) {
        return work_.write_file("runnable.yaml", (::geteuid() == 0 ? "allow_root: true\n" : "") + read_file(yaml));
    }

    temp_dir work_{"isapi-fcgi-import-contoso"};
};

TEST_F(order_system_served, check_config_accepts_the_imported_yaml_as_it_is) {
    const auto yaml = import();
    std::string output;
    const auto end = run({engine_instance::binary().string(), "--check-config", "--config", yaml.string()}, "check", output);
    if (::geteuid() == 0) {
        // Running extensions as root needs the pool's `user` (no IIS identity maps to one): the
        // only complaint, once per pool; with allow_root the same file passes.
        EXPECT_TRUE(end.exited && end.exit_code == 1) << output;
        std::istringstream lines(output);
        std::string line;
        int problems = 0;
        while (std::getline(lines, line)) {
            if (line.find("test failed") != std::string::npos) continue;
            EXPECT_NE(line.find("would run extensions as root: set the pool's 'user'"), std::string::npos) << line;
            ++problems;
        }
        EXPECT_EQ(problems, 3) << output;
        const auto again = run({engine_instance::binary().string(), "--check-config", "--config", runnable(yaml).string()},
                               "check-root", output);
        EXPECT_TRUE(again.exited && again.exit_code == 0) << output;
        EXPECT_NE(output.find("test is successful"), std::string::npos) << output;
        return;
    }
    EXPECT_TRUE(end.exited && end.exit_code == 0) << output;
    EXPECT_NE(output.find("test is successful"), std::string::npos) << output;
}

TEST_F(order_system_served, nginx_serves_the_extensions_the_script_map_and_the_static_files) {
    const auto yaml = import();
    spawn_options options;
    options.stdout_path = work_.file("sidecar.log");
    test_process sidecar({engine_instance::binary().string(), "--config", runnable(yaml).string()}, options);
    ASSERT_TRUE(sidecar.wait_for_log_count(std::regex("listening on unix:"), 3,
                                           deadline_after(scaled(std::chrono::seconds(20)))))
        << sidecar.error_output();

    // The printed "Contoso Shop" server, from its root to its last location, its upstreams named
    // by their sockets (the test nginx defines only its own upstream).
    const std::string text = read_file(work_.file("imported.conf"));
    const auto server = text.find("# IIS site \"Contoso Shop\"");
    ASSERT_NE(server, std::string::npos) << text;
    const auto first = text.find("    root ", server);
    const auto end = text.find("\n}\n", server);
    ASSERT_LT(first, end) << text;
    const std::string body = std::regex_replace(text.substr(first, end - first), std::regex("fastcgi_pass isapi_(\\w+);"),
                                                "fastcgi_pass unix:" + work_.path().string() + "/$1.sock;");
    nginx_front_options front;
    front.upstream_address = "unix:" + (work_.path() / "OrdersPool.sock").string();
    front.snippet = work_.write_file("contoso-shop.conf", body + "\n");
    nginx_front nginx(front);

    const auto get = [&](const std::string& path) { return http_get(nginx.dir(), nginx.url(path)); };
    auto orders = get("/orders/orders.dll");  // its own handler (path="orders.dll"), OrdersPool
    EXPECT_EQ(orders.status, 200) << orders.describe();
    EXPECT_EQ(orders.body, "Hello from ISAPI!\r\n");
    EXPECT_EQ(get("/Orders/ORDERS.DLL/list").status, 200);  // any case, with PATH_INFO
    auto catalog = get("/catalog/spring/shoes.cat");     // CatalogPool, through its script map
    EXPECT_EQ(catalog.status, 200) << catalog.describe();
    EXPECT_EQ(catalog.body, "Hello from ISAPI!\r\n");
    auto page = get("/index.htm");  // the site's root, mapped
    EXPECT_EQ(page.status, 200) << page.describe();
    EXPECT_EQ(page.body, "<h1>Contoso</h1>\n");
    auto logo = get("/images/logo.txt");  // a virtual directory on another drive
    EXPECT_EQ(logo.status, 200) << logo.describe();
    EXPECT_EQ(logo.body, "logo\n");
    // Binaries are not static content: the rebuilt .so, a DLL IIS did not run by URL.
    EXPECT_EQ(get("/orders/bin/orders.so").status, 404);
    EXPECT_EQ(get("/catalog/bin/catalog.dll").status, 404);
    EXPECT_EQ(get("/reports/reports.so").status, 404);

    EXPECT_TRUE(nginx.error_log_problems().empty()) << nginx.error_log();
    const auto nginx_end = nginx.stop();
    EXPECT_TRUE(ended_cleanly(nginx_end, nginx.error_log()));
    const auto sidecar_end = sidecar.stop();
    EXPECT_TRUE(ended_cleanly(sidecar_end, sidecar.error_output()));
}

}  // namespace
}  // namespace isapi_fcgi::test
