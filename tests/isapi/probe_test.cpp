// ServerSupportFunction codes and GetServerVariable through real nginx and the shipped snippet,
// with the probe fixture performing each call and reporting return values, GetLastError, sizes
// and canaries (ISAPI.md §2.4, §3.1, §5 tests 1, 12, 13 and 15). The rows of
// docs/compatibility.md name these tests.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

// Built a second time (tests/wine_worker) with probe.c as a PE DLL served by the Windows worker
// under Wine: the tests that apply there run with the same assertions.
#ifdef ISAPI_WINE_TEST_PREFIX
constexpr bool under_wine = true;
#else
constexpr bool under_wine = false;
#endif

/// A self-signed P-256 client certificate, and its DER as hex (openssl x509 -outform der).
constexpr const char* client_pem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhTCCASugAwIBAgIUZkWSxBVniEgBE+WPRnehlxt6mIswCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMcHJvYmUgY2xpZW50MCAXDTI2MTIwMjE3NDUyNFoYDzIxMjYx\n"
    "MTA4MTc0NTI0WjAXMRUwEwYDVQQDDAxwcm9iZSBjbGllbnQwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAASj0o1UvQB2YDn5oqjJ/kxhB9qxSXo8asnVPiMGOgcjH6xh\n"
    "oLBogvKZ2zim5/ixsfvIbu7fHpsOMirqPaUW3BGFo1MwUTAdBgNVHQ4EFgQU7M64\n"
    "vqNdj+7+WDrW+tqZ7xBZu0EwHwYDVR0jBBgwFoAU7M64vqNdj+7+WDrW+tqZ7xBZ\n"
    "u0EwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBThYZE6gKEJEzz\n"
    "NU++D6rYsbq+2JQ7ucBgZTucKlZ83AIhAIZ4LfvYBeVhtDBAW77qh3ULp/3UpU63\n"
    "vwC30LKkJRjX\n"
    "-----END CERTIFICATE-----\n";
constexpr const char* client_der_hex =
    "308201853082012ba0030201020214664592c4156788480113e58f4677a1971b7a988b300a06082a8648ce3d0403"
    "0230173115301306035504030c0c70726f626520636c69656e743020170d3236313230323137343532345a180f32"
    "313236313130383137343532345a30173115301306035504030c0c70726f626520636c69656e74305930130607"
    "2a8648ce3d020106082a8648ce3d03010703420004a3d28d54bd00766039f9a2a8c9fe4c6107dab1497a3c6ac9d5"
    "3e23063a07231fac61a0b06882f299db38a6e7f8b1b1fbc86eeedf1e9b0e322aea3da516dc1185a3533051301d06"
    "03551d0e04160414ecceb8bea35d8feefe583ad6fada99ef1059bb41301f0603551d23041830168014ecceb8bea35d"
    "8feefe583ad6fada99ef1059bb41300f0603551d130101ff040530030101ff300a06082a8648ce3d04030203480030"
    "45022053858644ea0284244cf3354fbe0faad8b1babed8943bb9c060653b9c2a567cdc02210086782dfbd805e561b4"
    "30405bbeea87750ba7fdd4a54eb7bf00b7d0b2a42518d7";

/// "key=value" lines as a map.
std::map<std::string, std::string> report_of(const http_result& result)
{
    EXPECT_EQ(result.status, 200) << result.describe();
    std::map<std::string, std::string> fields;
    std::istringstream in(result.body);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return fields;
}

/// What curl's --data-urlencode would make of `text`, for query values.
std::string url_escape(const std::string& text)
{
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string hex_of(const std::string& bytes)
{
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

class isapi_probe : public isapi_behind_nginx {
protected:
    void SetUp() override
    {
        std::filesystem::create_directories(work().file("docroot/scripts"));
        std::ofstream(work().file("docroot/scripts/a.txt")) << "a";
    }

    /// The standard extensions and the probe (also under /certs/, where a location of this
    /// file's server block forwards a client certificate from request headers), with
    /// docroot/ of the work dir as document root.
    isapi_sidecar_options probe_options(const std::string& pool_extra = "") const
    {
        auto options = standard_options();
        options.extensions.push_back(
            {"probe", ISAPI_EXT_PROBE, {"/scripts/probe.dll", "/certs/probe.dll"}, false, false, under_wine});
        options.env.push_back("ISAPI_PROBE_LOG=" + probe_log().string());
#ifdef ISAPI_WINE_TEST_PREFIX
        options.env.push_back("WINEPREFIX=" ISAPI_WINE_TEST_PREFIX);
#endif
        options.pool_extra = "    document_root: " + root() + "\n" + pool_extra;
        return options;
    }

    /// nginx passes the client certificate as $ssl_client_escaped_cert in SSL_CLIENT_CERT; here
    /// the test's header stands in for the TLS handshake.
    static std::string cert_server_extra()
    {
        return standard_server_extra() +
               "        location ^~ /certs/ {\n"
               "            include /etc/nginx/fastcgi_params;\n"
               "            fastcgi_param SSL_CLIENT_CERT $http_x_client_cert;\n"
               "            fastcgi_param SSL_CLIENT_VERIFY $http_x_client_verify;\n"
               "            fastcgi_param SSL_CLIENT_S_DN $http_x_client_dn;\n"
               "            fastcgi_param HTTPS $http_x_https;\n"
               "            fastcgi_pass isapi_fcgi;\n"
               "        }\n";
    }

    std::string root() const { return work().file("docroot").string(); }
    /// The document root as the extension sees it: the Linux path, or on Wine's drive Z:.
    std::string mapped_root() const
    {
        std::string mapped = root();
        if (!under_wine) return mapped;
        std::replace(mapped.begin(), mapped.end(), '/', separator);
        return "Z:" + mapped;
    }
    /// The separator of the paths the mappings hand out.
    static constexpr char separator = under_wine ? '\\' : '/';
    std::filesystem::path probe_log() const { return work_.file("probe.log"); }

    std::map<std::string, std::string> probe(const std::string& query, std::vector<std::string> headers = {})
    {
        return report_of(get("/scripts/probe.dll?" + query, std::move(headers)));
    }

    std::map<std::string, std::string> probe_at(const std::string& url) { return report_of(get(url)); }

    /// MAP_URL_TO_PATH_EX of a file, with a NULL size, and of a path too long for MAX_PATH, under
    /// `url_flags: [read, execute, script]`, the path as the extension sees it (mapped_root()).
    void expect_map_ex_of_a_file()
    {
        const std::string root_seen = mapped_root();
        const std::string file = root_seen + separator + "scripts" + separator + "a.txt";
        auto r = probe("op=mapex&url=/scripts/a.txt");
        EXPECT_EQ(r["ret"], "1");
        EXPECT_EQ(r["path"], file);
        EXPECT_EQ(r["size"], std::to_string(file.size() + 1));  // PHP's ISAPI SAPI reads it
        EXPECT_EQ(r["flags"], std::to_string(0x001 | 0x004 | 0x200));
        EXPECT_EQ(r["matching_path"], std::to_string(root_seen.size()));
        EXPECT_EQ(r["matching_url"], "0");
        EXPECT_EQ(r["canary"], "ok");
        r = probe("op=mapex&url=/scripts/a.txt&size=null");
        EXPECT_EQ(r["ret"], "1");
        // A path longer than MAX_PATH cannot fit lpszPath: FALSE/122 with the size needed.
        const std::string deep = "/" + std::string(300, 'd');
        r = probe("op=mapex&url=" + deep);
        EXPECT_EQ(r["ret"] + "/" + r["err"], "0/122");
        EXPECT_EQ(r["size"], std::to_string(root_seen.size() + deep.size() + 1));
        EXPECT_EQ(r["canary"], "ok");
    }
};

/// The probe's tests that need nginx's own configuration: script-map and certificate locations
/// in the server block, X-Accel-Redirect, error_page. The sidecar's side of each is front-end
/// neutral; docs/front-ends.md shows the Apache and HAProxy equivalents of the routing.
using isapi_probe_nginx_only = isapi_behind_only<front_kind::nginx, isapi_probe>;

// ---- GetServerVariable (§5 test 1) --------------------------------------------------------

TEST_F(isapi_probe, get_server_variable_follows_the_size_protocol_and_utf16_sizes_are_bytes)
{
    start(probe_options());
    // The size probe: NULL buffer, *lpdwSize 0.
    auto r = probe("op=gsv&name=QUERY_STRING&size=null&a=1");
    const std::string query = "op=gsv&name=QUERY_STRING&size=null&a=1";
    EXPECT_EQ(r["ret"], "0");
    EXPECT_EQ(r["err"], "122");
    EXPECT_EQ(r["size"], std::to_string(query.size() + 1));
    // Exactly the size asked for: TRUE, the value and its NUL, *lpdwSize counting the NUL.
    const std::string exact = "op=gsv&name=QUERY_STRING&size=40&p=xxxx";
    ASSERT_EQ(exact.size() + 1, 40u);
    r = probe(exact);
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["size"], "40");
    EXPECT_EQ(r["hex"], hex_of(exact + '\0'));
    EXPECT_EQ(r["canary"], "ok");
    // One byte short: FALSE/122, the size needed, nothing written past the buffer.
    r = probe("op=gsv&name=QUERY_STRING&size=39&p=xxxx");
    EXPECT_EQ(r["ret"], "0");
    EXPECT_EQ(r["err"], "122");
    EXPECT_EQ(r["size"], "40");
    EXPECT_EQ(r["canary"], "ok");
    r = probe("op=gsv&name=NO_SUCH_VAR");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/1413");
    r = probe("op=gsv&name=HTTP_X_ABSENT");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/1413");
    r = probe("op=gsv&name=UNICODE_HTTP_ACCEPT");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/1413");
    // UNICODE_<VAR>: UTF-16LE, sizes in bytes, a two-byte terminator.
    r = probe("op=gsv&name=UNICODE_REQUEST_METHOD");
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["size"], "8");
    EXPECT_EQ(r["hex"], "4700450054000000");
    r = probe("op=gsv&name=UNICODE_REQUEST_METHOD&size=7");
    EXPECT_EQ(r["ret"] + "/" + r["err"] + "/" + r["size"], "0/122/8");
    EXPECT_EQ(r["canary"], "ok");
}

/// The value GetServerVariable gave, decoded from the probe's hex.
std::string value_of(std::map<std::string, std::string> report)
{
    EXPECT_EQ(report["ret"], "1") << report["err"];
    const std::string& hex = report["hex"];
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    if (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
    return bytes;
}

TEST_F(isapi_probe, server_variables_come_from_the_front_ends_params_and_the_pools_overrides)
{
    start(probe_options("    all_http_line_end: crlf\n"
                        "    server_variables: {INSTANCE_ID: \"7\", SERVER_SOFTWARE: Microsoft-IIS/6.0}\n"));
    const auto var = [this](const std::string& name, std::vector<std::string> headers = {}) {
        SCOPED_TRACE(name);
        return value_of(probe("op=gsv&name=" + url_escape(name), std::move(headers)));
    };
    EXPECT_EQ(var("INSTANCE_ID"), "7");
    EXPECT_EQ(var("INSTANCE_META_PATH"), "/LM/W3SVC/7");
    EXPECT_EQ(var("APPL_MD_PATH"), "/LM/W3SVC/7/ROOT");
    EXPECT_EQ(var("SERVER_SOFTWARE"), "Microsoft-IIS/6.0");
    EXPECT_EQ(var("APPL_PHYSICAL_PATH"), root() + "/");
    EXPECT_EQ(var("APP_POOL_ID"), "default");
    EXPECT_EQ(var("URL"), "/scripts/probe.dll");
    EXPECT_EQ(var("HTTP_VERSION"), "HTTP/1.1");
    EXPECT_EQ(var("SERVER_PORT_SECURE"), "0");
    EXPECT_EQ(var("HTTPS"), "off");
    EXPECT_EQ(var("LOCAL_ADDR"), "127.0.0.1");
    const auto server_name = var("SERVER_NAME");
    EXPECT_EQ(server_name.find(':'), std::string::npos) << server_name;
    EXPECT_EQ(var("CACHE_URL"), "http://" + server_name + ":" + std::to_string(front().port()) +
                                    "/scripts/probe.dll?op=gsv&name=CACHE_URL");
    EXPECT_EQ(var("CERT_SUBJECT"), "");
    // Any other param by its own name: one that each front end sends and IIS does not know.
    switch (kind()) {
    case front_kind::nginx: EXPECT_EQ(var("DOCUMENT_URI"), "/scripts/probe.dll"); break;
    case front_kind::apache:
    case front_kind::apache_sethandler: EXPECT_EQ(var("REQUEST_SCHEME"), "http"); break;
    case front_kind::haproxy: EXPECT_FALSE(var("REQUEST_ID").empty()); break;
    }
    EXPECT_EQ(var("HEADER_X-Foo", {"X-Foo: 1"}), "1");
    EXPECT_EQ(var("HTTP_X_FOO", {"X-Foo: 1"}), "1");
    const auto all_http = var("ALL_HTTP", {"X-Foo: 1"});
    EXPECT_NE(all_http.find("HTTP_X_FOO:1\r\n"), std::string::npos) << all_http;
    const auto all_raw = var("ALL_RAW", {"X-Foo: 1"});
    EXPECT_NE(all_raw.find("X-Foo: 1\r\n"), std::string::npos) << all_raw;
    EXPECT_EQ(var("UNICODE_INSTANCE_ID"), std::string("7\0\0", 3));  // "7", then the 2-byte NUL less the one value_of drops
}

// ---- script maps ------------------------------------------------------------------------------

/// The nginx locations docs/config.md tells users to add for script maps: a file extension
/// (split after the mapped file as the shipped snippet splits after .dll) and a wildcard prefix.
std::string script_map_locations()
{
    const std::string fastcgi = "            include /etc/nginx/fastcgi_params;\n"
                                "            fastcgi_param PATH_INFO $fastcgi_path_info;\n"
                                "            fastcgi_param REQUEST_ID $request_id;\n"
                                "            fastcgi_pass isapi_fcgi;\n"
                                "            fastcgi_keep_conn on;\n"
                                "            fastcgi_request_buffering off;\n";
    return "        location ~* \\.isa(/|$) {\n"
           "            fastcgi_split_path_info ^(.+?\\.(?i:isa))(/.*)?$;\n" + fastcgi +
           "        }\n"
           "        location ^~ /files/ {\n" + fastcgi +
           "        }\n";
}

/// The probe as a wildcard map under /w in front of hello's `*.isa` map there, so only EXEC_URL
/// with IGNORE_CURRENT_INTERCEPTOR reaches hello: the pool's maps, then nginx's locations.
std::string wildcard_interceptor_maps()
{
    return "    script_maps:\n"
           "      - { extension: hello, path: \"*.isa\", url_prefix: /w }\n"
           "      - { extension: probe, path: \"*\", url_prefix: /w }\n";
}

std::string wildcard_interceptor_locations()
{
    return script_map_locations() +
           "        location ^~ /w/ {\n"
           "            include /etc/nginx/fastcgi_params;\n"
           "            fastcgi_pass isapi_fcgi;\n"
           "        }\n";
}

TEST_F(isapi_probe_nginx_only, script_maps_serve_a_file_extension_and_a_wildcard_with_iis_script_name_and_path_info)
{
    start(probe_options("    script_maps:\n"
                        "      - { extension: probe, path: \"*.isa\", url_prefix: /shop, verbs: [GET, POST] }\n"
                        "      - { extension: probe, path: \"*\", url_prefix: /files }\n"),
          standard_server_extra() + script_map_locations());
    auto result = get("/Shop/Cart.ISA/items/3?op=echo");
    EXPECT_EQ(result.status, 200) << result.describe();
    // IIS (AllowPathInfoForScriptMappings false): PATH_INFO is the whole URL.
    EXPECT_NE(result.body.find("echo method=GET url=/Shop/Cart.ISA/items/3 script_name=/Shop/Cart.ISA "
                               "path_info=/Shop/Cart.ISA/items/3 query=op=echo "),
              std::string::npos)
        << result.body;
    EXPECT_EQ(value_of(probe_at("/shop/cart.isa/x?op=gsv&name=PATH_TRANSLATED")), root() + "/shop/cart.isa/x");
    result = post("/shop/cart.isa?op=echo", "posted");
    EXPECT_NE(result.body.find("body=posted"), std::string::npos) << result.describe();
    // A verb the map does not list is not mapped: the sidecar's 404.
    result = curl("/shop/cart.isa?op=echo", {"-X", "DELETE"});
    EXPECT_EQ(result.status, 404) << result.describe();
    result = get("/files/a/b.txt?op=echo");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("url=/files/a/b.txt script_name=/files/a/b.txt path_info=/files/a/b.txt "),
              std::string::npos)
        << result.body;
    // Direct .dll URLs keep their own split.
    result = get("/scripts/probe.dll/extra?op=echo");
    EXPECT_NE(result.body.find("script_name=/scripts/probe.dll path_info=/extra "), std::string::npos) << result.body;
}

TEST_F(isapi_probe_nginx_only, allow_path_info_for_script_mappings_gives_only_what_follows_the_mapped_file)
{
    start(probe_options("    allow_path_info_for_script_mappings: true\n"
                        "    script_maps: [{ extension: probe, path: \"*.isa\" }]\n"),
          standard_server_extra() + script_map_locations());
    const auto result = get("/shop/cart.isa/items/3?op=echo");
    EXPECT_NE(result.body.find("url=/shop/cart.isa/items/3 script_name=/shop/cart.isa path_info=/items/3 "),
              std::string::npos)
        << result.describe();
}

// ---- EXEC_URL -----------------------------------------------------------------------------------

TEST_F(isapi_probe, exec_url_runs_a_child_whose_response_becomes_this_one_then_completes)
{
    start(probe_options());
    auto result = get("/scripts/probe.dll?op=exec&url=" + url_escape("/scripts/probe.dll/sub?op=echo"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("content-type").value_or(""), "text/plain");
    EXPECT_EQ(result.body, "echo method=GET url=/scripts/probe.dll/sub script_name=/scripts/probe.dll path_info=/sub "
                           "query=op=echo header=- total=0 body=\n"
                           "exec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n");
    // The Unicode form, with a method, replaced headers and an entity of the parent's choosing.
    result = get("/scripts/probe.dll?op=uexec&method=PUT&entity=hello&url=" + url_escape("/scripts/probe.dll?op=echo") +
                     "&headers=" + url_escape("X-Probe: child\r\nContent-Type: text/plain\r\n"),
                 {"X-Probe: parent"});
    EXPECT_NE(result.body.find("echo method=PUT url=/scripts/probe.dll script_name=/scripts/probe.dll path_info= "
                               "query=op=echo header=child total=5 body=hello\n"),
              std::string::npos)
        << result.describe();
}

TEST_F(isapi_probe, exec_url_no_headers_appends_the_childs_body_after_the_parents_headers)
{
    start(probe_options());
    const auto result = get("/scripts/probe.dll?op=exec&flags=2&write_first=1&url=" +
                            url_escape("/scripts/probe.dll?op=echo"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body.rfind("parent first\necho method=GET ", 0), 0u) << result.body;
    EXPECT_NE(result.body.find("\nexec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n"), std::string::npos);
    EXPECT_EQ(result.body.find("Content-Type"), std::string::npos) << result.body;  // not as body text
}

TEST_F(isapi_probe, exec_url_reads_the_parents_unread_body_when_no_entity_is_given)
{
    start(probe_options("    upload_read_ahead: 0\n"));
    const auto result = post("/scripts/probe.dll?op=exec&url=" + url_escape("/scripts/probe.dll?op=echo"), "the body");
    EXPECT_NE(result.body.find("echo method=POST "), std::string::npos) << result.describe();
    EXPECT_NE(result.body.find("body=the body\n"), std::string::npos) << result.body;
}

/// `bytes`' size and FNV-1a 64 as probe's rest=1 reports them.
std::string rest_line(const std::string& bytes)
{
    auto lines = fnv1a64_lines(bytes);  // "bytes=<n>\nfnv1a64=<hex>\n"
    lines[lines.find('\n')] = ' ';
    return "rest " + lines;
}

/// A body larger than the Windows worker buffers (1 MiB), no stretch of it like another.
std::string patterned_body(std::size_t size)
{
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
    return body;
}

#ifndef ISAPI_EXT_PROBE_NATIVE
#define ISAPI_EXT_PROBE_NATIVE ISAPI_EXT_PROBE
#endif

// A child without an entity reads what its parent had not read (CONTENT_LENGTH what is left),
// and what the child leaves is the parent's, read after the child in order. Under Wine also a
// native child (nprobe, the same source built for Linux), run by the Linux worker with the body
// the Windows worker lent it, and a child of another Wine extension (probe2, relayed to its own
// Windows worker) (docs/wine.md, "The link").
TEST_F(isapi_probe, exec_url_reads_the_parents_unread_body_a_child_reading_part_leaves_the_rest_to_the_parent)
{
    auto options = probe_options("    upload_read_ahead: 0\n");
    std::vector<std::string> children = {"/scripts/probe.dll"};
    if (under_wine) {
        options.extensions.push_back({"nprobe", ISAPI_EXT_PROBE_NATIVE, {"/scripts/nprobe.dll"}, false});
        children.push_back("/scripts/nprobe.dll");
        // And another Wine extension's, relayed to its own Windows worker, which reads ahead of it.
        options.extensions.push_back({"probe2", ISAPI_EXT_PROBE, {"/scripts/probe2.dll"}, false, false, true});
        children.push_back("/scripts/probe2.dll");
    }
    start(options);
    const std::string body = patterned_body(3 << 20);
    std::size_t children_done = 0;
    for (const auto& child : children) {
        SCOPED_TRACE(child);
        // NO_HEADERS and a child that writes nothing: no response has begun while the parent
        // reads the rest (nginx stops sending a body once a response's headers reached it).
        const auto result = post("/scripts/probe.dll?op=exec&flags=2&read_first=100&rest=1&url=" +
                                     url_escape(child + "?op=peek"),
                                 body);
        ASSERT_EQ(result.status, 200) << result.describe();
        // peek reads 1023 bytes of the 3 MiB less 100 it is told of: the 1023 after the 100
        // (its line was logged before it ended, so before the parent's response).
        const std::string peek = "peek total=" + std::to_string(body.size() - 100) + " body=" + body.substr(100, 1023);
        std::ifstream log(probe_log());
        std::size_t peeks = 0;
        std::string last;
        for (std::string line; std::getline(log, line);) {
            peeks += line == peek;
            if (line.starts_with("peek ")) last = line;
        }
        EXPECT_EQ(peeks, ++children_done) << "the child's last line: " << last.substr(0, 120) << " for "
                                          << peek.substr(0, 120);
        // The parent reads the rest, in order, after the child.
        EXPECT_EQ(result.body, "exec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n" +
                                   rest_line(body.substr(100 + 1023)));
    }
}

// A child reading the parent's unread body to its end (formdump, native in both hosts) gets
// exactly those bytes, and the parent then finds nothing left.
TEST_F(isapi_probe, exec_url_reads_the_parents_unread_body_to_its_end_in_a_child_reading_all_of_it)
{
    start(probe_options());
    const std::string body = patterned_body(3 << 20);
    // formdump's Content-Length ends the response: the parent's reports go to the log only.
    const auto result = post("/scripts/probe.dll?op=exec&quiet=1&read_first=100&rest=1&url=" +
                                 url_escape("/scripts/formdump.dll"),
                             body);
    ASSERT_EQ(result.status, 200) << result.describe();
    // The parent's read-ahead (lpbData) and the 100 bytes it read are its own; formdump gets
    // the rest, exactly.
    ASSERT_EQ(result.body.rfind("bytes=", 0), 0u) << result.body;
    const std::size_t read = std::stoul(result.body.substr(6));
    EXPECT_GE(read, body.size() - 100 - 64 * 1024) << result.body;
    EXPECT_LE(read, body.size() - 100) << result.body;
    EXPECT_EQ(result.body, fnv1a64_lines(body.substr(body.size() - read)) + "complete=yes\n");
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^rest bytes=0 fnv1a64=cbf29ce484222325$"), soon()));
}

// Each child writes its own access-log line, with its URL, its extension and its own outcome,
// before its parent's line.
TEST_F(isapi_probe, exec_url_writes_one_access_line_per_child_with_its_url_and_extension)
{
    start(probe_options());
    const auto mark = sidecar().log_mark();
    const auto result = post("/scripts/probe.dll?op=exec&entity=four&url=" + url_escape("/scripts/probe.dll/sub?op=echo"),
                             "parent body");
    ASSERT_EQ(result.status, 200) << result.describe();
    const auto parent = sidecar().wait_for_log(
        std::regex(R"("POST /scripts/probe\.dll\?op=exec&entity=four&url=[^"]+" 200 .* ext=probe )"), soon(), mark);
    ASSERT_TRUE(parent);
    const auto child = sidecar().log_lines(std::regex(R"("POST /scripts/probe\.dll/sub\?op=echo" 200 [0-9]+ in=4 out=[1-9][0-9]* [0-9]+us ext=probe )"), mark);
    ASSERT_EQ(child.size(), 1u) << testing::PrintToString(sidecar().log_lines(std::regex("ext="), mark));
    // The child's line comes first: it ended inside its parent.
    const auto lines = sidecar().log_lines(std::regex("ext=probe "), mark);
    ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
    EXPECT_EQ(lines.front(), child.front());
}

/// probe.c's BigByte: the n-th byte of a big header value (letters) or entity (any byte).
std::string big_pattern(std::size_t n, bool binary)
{
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t v = i * 131 + i / 65521;
        out[i] = static_cast<char>(binary ? (v & 0xff) : 'a' + v % 26);
    }
    return out;
}

/// probe.c's "bigecho" line for `header` and `body`.
std::string bigecho_line(const std::string& header, const std::string& body)
{
    const auto fnv = [](const std::string& bytes) {
        std::uint64_t h = 1469598103934665603ULL;
        for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
        char text[17];
        std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
        return std::string(text);
    };
    return "bigecho header=" + std::to_string(header.size()) + ":" + fnv(header) + " body=" +
           std::to_string(body.size()) + ":" + fnv(body) + " pattern=11\n";
}

// A child's headers and entity of any size reach it byte for byte: beyond a FastCGI record
// (64 KiB) and the engine's default PARAMS bound, in the extension itself, a native one and
// (under Wine) another Wine extension, whose children cross the link in an "exec" message of
// several records (docs/wine.md, "The link").
TEST_F(isapi_probe, exec_url_passes_a_child_headers_and_an_entity_over_64_kib_byte_for_byte)
{
    auto options = probe_options("    limits:\n      max_params_bytes: 1MiB\n");
    std::vector<std::string> children = {"/scripts/probe.dll"};
    if (under_wine) {
        options.extensions.push_back({"nprobe", ISAPI_EXT_PROBE_NATIVE, {"/scripts/nprobe.dll"}, false, false, false});
        options.extensions.push_back({"probe2", ISAPI_EXT_PROBE, {"/scripts/probe2.dll"}, false, false, true});
        children.insert(children.end(), {"/scripts/nprobe.dll", "/scripts/probe2.dll"});
    }
    start(options);
    const std::size_t header_bytes = 100000, entity_bytes = 300000;
    const auto expected = bigecho_line(big_pattern(header_bytes, false), big_pattern(entity_bytes, true));
    for (const auto& child : children) {
        const auto result = get("/scripts/probe.dll?op=exec&big_headers=" + std::to_string(header_bytes) +
                                "&big_entity=" + std::to_string(entity_bytes) + "&url=" +
                                url_escape(child + "?op=bigecho"));
        EXPECT_EQ(result.status, 200) << child << " " << result.describe();
        EXPECT_EQ(result.body, expected + "exec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n") << child;
    }
}

// A child to a URL no extension serves gets the host's 404, and the parent's completion says so.
TEST_F(isapi_probe, exec_url_to_an_unserved_url_answers_404_and_get_exec_url_status_reports_it)
{
    start(probe_options());
    const auto result = get("/scripts/probe.dll?op=exec&url=/nowhere/page.htm");
    EXPECT_EQ(result.status, 404) << result.describe();
    EXPECT_EQ(result.body.rfind("404 Not Found: the child request's URL is not served here\n", 0), 0u) << result.body;
    EXPECT_NE(result.body.find("exec cbIO=0 error=0 status_ret=1 status=404.0 win32=2\n"), std::string::npos);
    // Without IO_COMPLETION, or with a relative URL: FALSE/87.
    const auto relative = get("/scripts/probe.dll?op=exec&url=relative.htm");
    EXPECT_NE(relative.body.find("exec ret=0 err=87"), std::string::npos) << relative.describe();
}

// A wildcard map intercepts every URL under it (IIS runs wildcard maps first); re-running the
// request with IGNORE_CURRENT_INTERCEPTOR reaches the handler the URL would have had without it.
TEST_F(isapi_probe_nginx_only, exec_url_ignore_current_interceptor_passes_a_wildcard_mapped_request_on)
{
    start(probe_options(wildcard_interceptor_maps()), standard_server_extra() + wildcard_interceptor_locations());
    const auto mark = sidecar().log_mark();
    auto result = get("/w/page.isa?op=exec&url=-&flags=4&quiet=1");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "Hello from ISAPI!\r\n");
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^exec cbIO=0 error=0 status_ret=1 status=200\\.0 win32=0$"),
                               soon()));
    // One access line per request: the child's (hello's) first, then its parent's (the probe's).
    ASSERT_TRUE(sidecar().wait_for_log(std::regex(R"("GET /w/page\.isa\?op=exec&url=-&flags=4&quiet=1" 200 .* ext=probe )"),
                                       soon(), mark));
    const auto lines = sidecar().log_lines(std::regex(R"("GET /w/page\.isa\?op=exec&url=-&flags=4&quiet=1" )"), mark);
    ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
    EXPECT_NE(lines.front().find(" 200 "), std::string::npos) << lines.front();
    EXPECT_NE(lines.front().find(" ext=hello "), std::string::npos) << lines.front();
    // Without the flag the wildcard gets the child again, and again: the nesting stops at 8.
    result = get("/w/page.isa?op=exec&url=-");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("exec ret=0 err=87\n"), std::string::npos) << result.body;
    std::size_t completions = 0;
    for (std::size_t at = 0; (at = result.body.find("status=200.0 win32=0\n", at)) != std::string::npos; ++at)
        ++completions;
    EXPECT_EQ(completions, 8u) << result.body;
}

// ---- response forms (§5 tests 3, 4, 5 and 14) -------------------------------------------------

TEST_F(isapi_probe, send_response_header_ex_accepts_every_status_and_header_form)
{
    start(probe_options());
    const auto header = [this](const std::string& args) { return get("/scripts/probe.dll?op=header&" + args); };
    auto result = header("status=" + url_escape("404 Not Found") + "&body=x");
    EXPECT_EQ(result.status, 404) << result.describe();
    EXPECT_EQ(result.head.header("content-type").value_or(""), "text/plain");
    EXPECT_EQ(header("status=" + url_escape("HTTP/1.1 301 Moved") + "&headers=" +
                     url_escape("Location: /x\r\n\r\n")).status, 301);
    EXPECT_EQ(header("status=200&body=x").status, 200);
    EXPECT_EQ(header("status=null&body=x").status, 200);
    // 500 from the extension reaches the client with the extension's body (mod_isapi refuses it).
    result = header("status=" + url_escape("500 Server Error") + "&body=own%20page");
    EXPECT_EQ(result.status, 500) << result.describe();
    EXPECT_EQ(result.body, "own page");
    // cchStatus far past the string: bounded by its NUL (ASan would see an over-read).
    EXPECT_EQ(header("status=" + url_escape("200 OK") + "&cch=200&body=x").status, 200);
    result = header("headers=" + url_escape("X-A : b\r\nContent-Type: text/plain\r\n\r\n") + "&body=x");
    EXPECT_EQ(result.head.header("x-a").value_or(""), "b") << result.describe();
    result = header("headers=" + url_escape("Content-Type: text/plain\r\n\r\nHELLO"));
    EXPECT_EQ(result.body, "HELLO") << result.describe();
}

TEST_F(isapi_probe, a_first_write_client_without_headers_is_parsed_never_refused)
{
    start(probe_options());
    const auto write = [this](const std::string& args) { return get("/scripts/probe.dll?op=write&" + args); };
    auto result = write("data=" + url_escape("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n"));
    EXPECT_EQ(result.status, 302) << result.describe();
    EXPECT_EQ(result.head.header("location").value_or(""), "/x");
    EXPECT_EQ(result.body.find("HTTP/1.1"), std::string::npos);
    result = write("data=" + url_escape("Content-Type: text/plain\r\n\r\nok"));
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "ok");
    result = write("data=" + url_escape("<html>hi</html>"));
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.head.header("content-type").value_or(""), "text/html");
    EXPECT_EQ(result.body, "<html>hi</html>");
    // A header block split over two writes is buffered until its blank line.
    result = write("data=" + url_escape("Content-Type: text/plain\r\nX-Split: 1\r\n") + "&data2=" +
                   url_escape("\r\nbody"));
    EXPECT_EQ(result.head.header("x-split").value_or(""), "1") << result.describe();
    EXPECT_EQ(result.body, "body");
    // Headers sent, then HSE_STATUS_ERROR: the client keeps what it got.
    result = write("data=" + url_escape("Content-Type: text/plain\r\n\r\npartial") + "&ret=4");
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "partial");
}

TEST_F(isapi_probe, extension_chunked_output_is_dechunked_and_hop_by_hop_headers_dropped)
{
    start(probe_options());
    const auto result = get("/scripts/probe.dll?op=header&keep=1&headers=" +
                            url_escape("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                                       "Connection: keep-alive\r\n\r\n") +
                            "&body=" + url_escape("5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.curl_exit, 0);  // fKeepConn without Content-Length: the response still ends
    EXPECT_EQ(result.body, "hello");
    // That no Transfer-Encoding or Connection line reaches FCGI_STDOUT is asserted on the bytes
    // themselves by ResponseTranslator unit tests; nginx adds its own Connection header here.
}

// §5 test 15: on a graceful stop TerminateExtension comes once, with HSE_TERM_MUST_UNLOAD (2;
// mod_isapi passes 1), and only after the pending requests have called DONE_WITH_SESSION. What
// their clients receive is the engine's drain (issue 5): today the stop aborts the requests'
// FastCGI connections at once, so nginx answers them 502; this test does not assert that part.
TEST_F(isapi_probe, a_graceful_stop_calls_terminate_extension_once_with_must_unload_after_the_pending_requests)
{
    auto options = probe_options();
    const auto release = work().file("release.fifo");
    options.env.push_back("ISAPI_PROBE_RELEASE=" + release.string());
    ::mkfifo(release.c_str(), 0600);
    const int release_fd = ::open(release.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(release_fd, 0);
    start(options);
    allow_nginx_problems("upstream prematurely closed connection");
    std::vector<std::future<http_result>> held;
    for (int i = 0; i < 3; ++i)
        held.push_back(std::async(std::launch::async, [this] {
            http_request request;
            request.url = nginx().url("/scripts/probe.dll?op=hold");
            request.max_time = 30s;
            return http_fetch(nginx().dir(), request);
        }));
    ASSERT_TRUE(wait_file_line(probe_log(), std::regex("^hold 3$"), soon()));
    ASSERT_EQ(::kill(sidecar().process().pid(), SIGTERM), 0);
    ASSERT_EQ(::write(release_fd, "xyz", 3), 3);
    for (auto& h : held) h.get();
    ::close(release_fd);
    EXPECT_TRUE(sidecar().process().wait(soon()));
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^terminate flags=2 released=3$"), soon()));
    std::ifstream in(probe_log());
    int terminations = 0;
    for (std::string line; std::getline(in, line);) terminations += line.starts_with("terminate");
    EXPECT_EQ(terminations, 1);
}

// ---- MAP_URL_TO_PATH and its variants (§5 test 13) ----------------------------------------

TEST_F(isapi_probe, map_url_to_path_counts_the_nul_marks_directories_and_never_leaves_the_root)
{
    start(probe_options());
    const std::string file = mapped_root() + separator + "scripts" + separator + "a.txt";
    auto r = probe("op=map&url=/scripts/a.txt&size=256");
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["path"], file);
    EXPECT_EQ(r["size"], std::to_string(file.size() + 1));
    r = probe("op=map&url=/scripts/a.txt&size=5");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/122");
    EXPECT_EQ(r["size"], std::to_string(file.size() + 1));
    EXPECT_EQ(r["unchanged"], "1");
    EXPECT_EQ(r["canary"], "ok");
    r = probe("op=map&url=/scripts");
    EXPECT_EQ(r["path"], mapped_root() + separator + "scripts" + separator);
    r = probe("op=map&url=/../etc/passwd");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/87");
    r = probe("op=map&url=/scripts/%2e%2e/%2e%2e/etc");
    EXPECT_EQ(r["ret"], "0");
}

TEST_F(isapi_probe, map_url_to_path_ex_reports_the_configured_flags_and_match_lengths)
{
    start(probe_options("    url_flags: [read, execute, script]\n"));
    expect_map_ex_of_a_file();
}

TEST_F(isapi_probe, unicode_mappings_count_bytes_and_never_write_past_the_532_byte_struct)
{
    start(probe_options());
    const std::string scripts = mapped_root() + separator + "scripts" + separator;
    const std::string file = scripts + "\xc3\xa9t\xc3\xa9.txt";  // "été"
    auto r = probe("op=umap&url=" + url_escape("/scripts/\xc3\xa9t\xc3\xa9.txt"));
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["path"], file);
    EXPECT_EQ(r["size"], std::to_string((mapped_root().size() + 16 + 1) * 2));  // UTF-16 units, NUL included
    EXPECT_EQ(r["canary"], "ok");
    r = probe("op=umap&url=/scripts/a.txt&size=8");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/122");
    EXPECT_EQ(r["size"], std::to_string((mapped_root().size() + 14 + 1) * 2));
    EXPECT_EQ(r["canary"], "ok");

    r = probe("op=umapex&url=/scripts/a.txt");
    EXPECT_EQ(r["struct_size"], "532");
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["path"], scripts + "a.txt");
    EXPECT_EQ(r["flags"], std::to_string(0x001 | 0x200));
    EXPECT_EQ(r["matching_path"], std::to_string(mapped_root().size()));
    EXPECT_EQ(r["canary"], "ok");
    // Too long for the struct's MAX_PATH units: FALSE/122 and the canary right after the 532
    // bytes intact.
    r = probe("op=umapex&url=/" + std::string(300, 'u'));
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/122");
    EXPECT_EQ(r["canary"], "ok");
}

// ---- GET_CERT_INFO_EX -------------------------------------------------------------------------

TEST_F(isapi_probe_nginx_only, get_cert_info_ex_hands_out_the_forwarded_certificate_as_der)
{
    start(probe_options(), cert_server_extra());
    const std::vector<std::string> cert_headers{"X-Client-Cert: " + url_escape(client_pem),
                                                "X-Client-Verify: SUCCESS"};
    auto r = report_of(get("/certs/probe.dll?op=cert", cert_headers));
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["cb"], "393");
    EXPECT_EQ(r["hex"], client_der_hex);
    EXPECT_EQ(r["flags"], "1");
    EXPECT_EQ(r["encoding"], std::to_string(0x00010001));
    EXPECT_EQ(r["canary"], "ok");
    // Too small: FALSE/122 with the size needed in cbCertEncoded, nothing written past it.
    r = report_of(get("/certs/probe.dll?op=cert&alloc=100", cert_headers));
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/122");
    EXPECT_EQ(r["cb"], "393");
    EXPECT_EQ(r["canary"], "ok");
    // A certificate the front end could not verify: bit 1 (issuer not trusted) as well.
    r = report_of(get("/certs/probe.dll?op=cert", {"X-Client-Cert: " + url_escape(client_pem),
                                                    "X-Client-Verify: FAILED:unable to get issuer"}));
    EXPECT_EQ(r["flags"], "3");
    // The CERT_* and HTTPS_* variables come from the same params, in IIS's formats.
    const auto var = [this](const std::string& name, std::vector<std::string> headers) {
        return value_of(report_of(get("/certs/probe.dll?op=gsv&name=" + name, std::move(headers))));
    };
    const std::vector<std::string> tls{"X-Client-Cert: " + url_escape(client_pem), "X-Client-Verify: SUCCESS",
                                       "X-Client-Dn: CN=probe client,O=Example,C=US", "X-Https: on"};
    EXPECT_EQ(var("CERT_SUBJECT", tls), "C=US, O=Example, CN=probe client");
    EXPECT_EQ(var("CERT_FLAGS", tls), "1");
    EXPECT_EQ(var("HTTPS", tls), "on");
    EXPECT_EQ(var("SERVER_PORT_SECURE", tls), "1");
    EXPECT_EQ(var("CERT_COOKIE", tls).size(), 16u);
    // Plain HTTP, no certificate: TRUE with nothing in it, as IIS answers anonymous requests.
    r = probe("op=cert");
    EXPECT_EQ(r["ret"] + "/" + r["cb"] + "/" + r["flags"], "1/0/0");
}

// ---- responses the host makes (§5 test 12) ----------------------------------------------------

TEST_F(isapi_probe, send_url_and_redirect_answer_302_and_fail_once_a_body_went_out)
{
    start(probe_options());
    auto result = get("/scripts/probe.dll?op=redirect&url=http://h/x");
    EXPECT_EQ(result.status, 302) << result.describe();
    EXPECT_EQ(result.head.header("location").value_or(""), "http://h/x");
    result = get("/scripts/probe.dll?op=send_url&url=/local/page");
    EXPECT_EQ(result.status, 302) << result.describe();
    EXPECT_EQ(result.head.header("location").value_or(""), "/local/page");
    for (const std::string op : {"redirect", "send_url"}) {
        result = get("/scripts/probe.dll?op=" + op + "&url=/x&after_body=1");
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_NE(result.body.find("send_url ret=0 err=87"), std::string::npos) << op << ": " << result.body;
    }
}

TEST_F(isapi_probe_nginx_only, send_url_internal_serves_the_local_url_in_place_through_x_accel_redirect)
{
    start(probe_options("    send_url: internal\n"));
    auto result = get("/scripts/probe.dll?op=send_url&url=" + url_escape("/scripts/hello.dll"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "Hello from ISAPI!\r\n");
    EXPECT_FALSE(result.head.header("x-accel-redirect"));
    result = get("/scripts/probe.dll?op=send_url&url=http://elsewhere/");
    EXPECT_NE(result.status, 302) << result.describe();  // only a local URL can be served in place
}

TEST_F(isapi_probe, send_custom_error_sends_its_status_with_an_empty_body_sync_and_async)
{
    start(probe_options());
    auto result = get("/scripts/probe.dll?op=custom_error&status=" + url_escape("404 Not Found"));
    EXPECT_EQ(result.status, 404) << result.describe();
    EXPECT_EQ(result.body, "");
    result = get("/scripts/probe.dll?op=custom_error&async=1&status=" + url_escape("403 Forbidden"));
    EXPECT_EQ(result.status, 403) << result.describe();
    EXPECT_EQ(result.body, "");
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^custom_error_async cbIO=0 error=0$"), soon()));
    result = get("/scripts/probe.dll?op=custom_error&after_body=1&status=500");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("custom_error ret=0 err=87"), std::string::npos) << result.body;
}

// The front end's own error page takes the empty body's place once it intercepts errors.
TEST_F(isapi_probe_nginx_only, send_custom_error_lets_nginx_render_its_error_page)
{
    start(probe_options(), standard_server_extra() +
                               "        fastcgi_intercept_errors on;\n"
                               "        error_page 404 = @custom;\n"
                               "        location @custom { return 200 \"front end page\\n\"; }\n");
    auto result = get("/scripts/probe.dll?op=custom_error&status=" + url_escape("404 Not Found"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "front end page\n");
}

// ---- CLOSE_CONNECTION and CANCEL_IO with a read pending --------------------------------------

/// Why the pending-read tests are skipped through HAProxy.
constexpr const char* haproxy_holds_a_streamed_body =
    "HAProxy 2.6 sends a chunked request on only once it has the whole body (its FastCGI mux "
    "needs CONTENT_LENGTH), so no read is ever pending on a body still to come";

class fifo_upload {
public:
    explicit fifo_upload(const std::filesystem::path& path) : path_(path)
    {
        ::mkfifo(path.c_str(), 0600);
        // Read-write: never blocks, and holds the write end open until close().
        fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);  // curl must not hold it open too
    }
    ~fifo_upload() { close(); }
    void write(const std::string& bytes) { EXPECT_EQ(::write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
    void close()
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

TEST_F(isapi_probe, cancel_io_completes_the_pending_read_with_operation_aborted_and_the_body_stays_readable)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_holds_a_streamed_body;
    start(probe_options("    upload_read_ahead: 0\n"));
    fifo_upload body(work().file("cancel.fifo"));
    auto upload = std::async(std::launch::async, [&] {
        return curl("/scripts/probe.dll?op=cancel",
                    {"-X", "POST", "-H", "Transfer-Encoding: chunked", "-T", body.path().string()}, 30s);
    });
    // Nothing of the body was sent yet, so the read was pending when CANCEL_IO came.
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^cancel_completion error=995 cbIO=0$"), soon()));
    body.write("hello");
    body.close();
    const auto result = upload.get();
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "cancel error=995 cbIO=0 then_read=hello");
}

TEST_F(isapi_probe, close_connection_completes_the_pending_read_with_netname_deleted_and_ends_the_response)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_holds_a_streamed_body;
    start(probe_options("    upload_read_ahead: 0\n"));
    fifo_upload body(work().file("close.fifo"));
    auto upload = std::async(std::launch::async, [&] {
        return curl("/scripts/probe.dll?op=close",
                    {"-X", "POST", "-H", "Transfer-Encoding: chunked", "-T", body.path().string()}, 30s);
    });
    // The completion comes with ERROR_NETNAME_DELETED; afterwards writes fail with it and
    // IS_CONNECTED says FALSE, as on IIS after the socket closed.
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^close error=64 cbIO=0 write=0/64 connected=0$"), soon()));
    body.close();
    const auto result = upload.get();
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "");
    auto after = get("/scripts/hello.dll");
    EXPECT_EQ(after.status, 200) << after.describe();
}

// ---- the small codes ----------------------------------------------------------------------------

TEST_F(isapi_probe, small_codes_answer_as_iis_and_meaningless_ones_fail_with_invalid_parameter_logged_once)
{
    start(probe_options());
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/probe.dll?op=misc");
    ASSERT_EQ(result.status, 200) << result.describe();
    const auto& body = result.body;
    const auto has = [&body](const std::string& line) { return body.find(line + "\n") != std::string::npos; };
    EXPECT_TRUE(has("code=1030 ret=1 err=0 value=0 canary=ok")) << body;     // IS_IN_PROCESS
    EXPECT_TRUE(has("code=1008 ret=1 err=0 value=1 canary=ok")) << body;     // IS_KEEP_CONN: 4 bytes
    EXPECT_TRUE(has("code=1042 ret=1 err=0 trace=0")) << body;               // GET_TRACE_INFO
    EXPECT_TRUE(has("code=1040 ret=1 err=0 callback=set result=0")) << body; // cache invalidation
    EXPECT_TRUE(has("code=1007 ret=1 err=0")) << body;                       // REFRESH_ISAPI_ACL
    EXPECT_TRUE(has("code=1014 ret=1 err=0")) << body;                       // ABORTIVE_CLOSE
    EXPECT_TRUE(has("code=1043 ret=1 err=0")) << body;                       // SET_FLUSH_FLAG
    EXPECT_TRUE(has("code=1003 ret=1 err=0")) << body;                       // APPEND_LOG_PARAMETER
    // lpszLogData and the appended parameter reach the access log, as IIS logs them.
    const auto access = wait_access_line("GET /scripts/probe.dll?op=misc", mark);
    ASSERT_TRUE(access);
    EXPECT_NE(access->find("log=\"probe-logdata probe-param\""), std::string::npos) << *access;
    for (const int code : {1002, 1011, 1020, 1038, 1041, 1044, 1045, 1046, 1047, 1048, 1050, 9999})
        EXPECT_TRUE(has("code=" + std::to_string(code) + " ret=0 err=87")) << code << "\n" << body;
    for (const int code : {1030, 1042, 1040, 1008, 1018, 1033, 1015, 1028, 1012, 1023, 1024, 1027, 1026})
        EXPECT_TRUE(has("code=" + std::to_string(code) + " ret=0 err=87 null=1")) << code << "\n" << body;
    EXPECT_TRUE(sidecar().wait_for_log(std::regex(R"(ServerSupportFunction\(1002\), which is not supported)"), soon(), mark));
    // A supported code refusing a NULL buffer says so once too.
    EXPECT_TRUE(sidecar().wait_for_log(std::regex(R"(ServerSupportFunction\(1030\) with arguments or at a time it refuses)"),
                                       soon(), mark));
    // Logged once per code and extension: a second request adds no line.
    ASSERT_EQ(get("/scripts/probe.dll?op=misc").status, 200);
    ASSERT_EQ(get("/scripts/hello.dll").status, 200);  // a later request: the log has caught up
    ASSERT_TRUE(wait_access_line("GET /scripts/hello.dll", mark));
    const auto lines_1002 = sidecar().log_lines(std::regex(R"(ServerSupportFunction\(1002\))"), 0);
    EXPECT_EQ(lines_1002.size(), 1u) << lines_1002.front() << "\n" << lines_1002.back();
    EXPECT_EQ(sidecar().log_lines(std::regex(R"(ServerSupportFunction\(1030\))"), 0).size(), 1u);
}

// The reason reaches the log and the supervisor, which recycles the worker (issue 5's tests
// cover what the recycling does).
TEST_F(isapi_probe, report_unhealthy_hands_the_reason_on_and_answers_true)
{
    start(probe_options());
    const auto mark = sidecar().log_mark();
    const auto result = get("/scripts/probe.dll?op=unhealthy");
    EXPECT_EQ(result.body, "code=1032 ret=1\n") << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("reports this worker unhealthy: probe asked"), soon(), mark));
}

// A report after CLOSE_CONNECTION ended the response still reaches the log and the supervisor
// (under Wine the request's link id is free again by then: docs/wine.md).
TEST_F(isapi_probe, report_unhealthy_after_close_connection_still_reaches_the_log)
{
    start(probe_options());
    const auto mark = sidecar().log_mark();
    get("/scripts/probe.dll?op=close_unhealthy");
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^close_unhealthy ret=1$"), soon()));
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("reports this worker unhealthy: probe asked after closing"), soon(),
                                       mark));
}

#ifdef ISAPI_WINE_TEST_PREFIX
// Under Wine a child another (native) extension serves runs in the Linux worker: its output
// reaches the parent's response in the Windows worker, its access line is its own, and its body
// is the entity the parent gave, else the parent's unread body (docs/wine.md, "Child requests").
TEST_F(isapi_probe, exec_url_under_wine_gives_a_native_child_the_entity_or_no_body_and_its_own_access_line)
{
    start(probe_options());
    const auto mark = sidecar().log_mark();
    // formdump's Content-Length ends the response: the completion's report goes to the log only.
    auto result = post("/scripts/probe.dll?op=exec&quiet=1&entity=four&url=" + url_escape("/scripts/formdump.dll"),
                       "the parent's body");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("content-type").value_or(""), "text/plain");
    EXPECT_EQ(result.body.rfind("bytes=4\nfnv1a64=", 0), 0u) << result.body;
    EXPECT_NE(result.body.find("\ncomplete=yes\n"), std::string::npos) << result.body;
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^exec cbIO=0 error=0 status_ret=1 status=200\\.0 win32=0$"),
                               soon()));
    const auto child = wait_access_line("POST /scripts/formdump.dll", mark);
    ASSERT_TRUE(child);
    EXPECT_NE(child->find("\" 200 200 in=4 "), std::string::npos) << *child;
    EXPECT_NE(child->find(" ext=formdump log=\"formdump bytes=4\""), std::string::npos) << *child;
    // No entity: the parent's unread body, none here (the parent's read-ahead took it all).
    result = post("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/formdump.dll"), "the parent's body");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body.rfind("bytes=0\n", 0), 0u) << result.body;
    // A parent body larger than the Windows worker buffers (1 MiB) holds neither the answer nor
    // the child's output, which cross the link behind it.
    const auto started = std::chrono::steady_clock::now();
    result = post("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/hello.dll"),
                  std::string(3 << 20, 'b'));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "Hello from ISAPI!\r\n");
    EXPECT_LT(std::chrono::steady_clock::now() - started, scaled(10s));
}

// A child another Wine extension serves is relayed by the Linux worker to that extension's own
// Windows worker, as a request of its own: the native tests' assertions, with a second Wine
// extension built from the same probe source (docs/wine.md, "Child requests").
TEST_F(isapi_probe, exec_url_under_wine_runs_a_child_another_wine_extension_serves_in_its_windows_worker)
{
    auto options = probe_options();
    options.extensions.push_back({"probe2", ISAPI_EXT_PROBE, {"/scripts/probe2.dll"}, false, false, true});
    start(options);
    auto result = get("/scripts/probe.dll?op=exec&url=" + url_escape("/scripts/probe2.dll/sub?op=echo"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("content-type").value_or(""), "text/plain");
    EXPECT_EQ(result.body, "echo method=GET url=/scripts/probe2.dll/sub script_name=/scripts/probe2.dll path_info=/sub "
                           "query=op=echo header=- total=0 body=\n"
                           "exec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n");
    // The Unicode form, with a method, replaced headers and an entity of the parent's choosing.
    result = get("/scripts/probe.dll?op=uexec&method=PUT&entity=hello&url=" + url_escape("/scripts/probe2.dll?op=echo") +
                     "&headers=" + url_escape("X-Probe: child\r\nContent-Type: text/plain\r\n"),
                 {"X-Probe: parent"});
    EXPECT_NE(result.body.find("echo method=PUT url=/scripts/probe2.dll script_name=/scripts/probe2.dll path_info= "
                               "query=op=echo header=child total=5 body=hello\n"),
              std::string::npos)
        << result.describe();
    // NO_HEADERS after the parent's own output: only the child's body follows.
    result = get("/scripts/probe.dll?op=exec&flags=2&write_first=1&url=" + url_escape("/scripts/probe2.dll?op=echo"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body.rfind("parent first\necho method=GET url=/scripts/probe2.dll ", 0), 0u) << result.body;
    EXPECT_NE(result.body.find("\nexec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n"), std::string::npos);
    EXPECT_EQ(result.body.find("Content-Type"), std::string::npos) << result.body;
    // One access line per child, with its URL, its extension and its outcome, before its parent's.
    const auto mark = sidecar().log_mark();
    result = post("/scripts/probe.dll?op=exec&entity=four&url=" + url_escape("/scripts/probe2.dll/sub?op=echo"),
                  "parent body");
    ASSERT_EQ(result.status, 200) << result.describe();
    const auto parent = sidecar().wait_for_log(
        std::regex(R"("POST /scripts/probe\.dll\?op=exec&entity=four&url=[^"]+" 200 .* ext=probe )"), soon(), mark);
    ASSERT_TRUE(parent);
    const auto child = sidecar().log_lines(
        std::regex(R"("POST /scripts/probe2\.dll/sub\?op=echo" 200 [0-9]+ in=4 out=[1-9][0-9]* [0-9]+us ext=probe2 )"),
        mark);
    ASSERT_EQ(child.size(), 1u) << testing::PrintToString(sidecar().log_lines(std::regex("ext="), mark));
    const auto lines = sidecar().log_lines(std::regex("ext=probe2? "), mark);
    ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
    EXPECT_EQ(lines.front(), child.front());
    // The nesting bound of 8 counts across the workers: the first child is at 1 in probe2's
    // worker, which re-runs its own URL until the 9th level is refused.
    result = get("/scripts/probe.dll?op=exec&url=" + url_escape("/scripts/probe2.dll?op=exec"));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("exec ret=0 err=87\n"), std::string::npos) << result.body;
    std::size_t completions = 0;
    for (std::size_t at = 0; (at = result.body.find("status=200.0 win32=0\n", at)) != std::string::npos; ++at)
        ++completions;
    EXPECT_EQ(completions, 8u) << result.body;
}

// A child another extension serves gets params up to the pool's max_params_bytes and an entity
// up to max_request_body (16 MiB at most) over the link; beyond, it is answered as the Linux
// host answers a request over those bounds: 431 or 413, which GET_EXEC_URL_STATUS reports.
TEST_F(isapi_probe, exec_url_under_wine_answers_a_child_over_the_link_bounds_431_or_413)
{
    auto options = probe_options("    max_request_body: 256KiB\n    limits:\n      max_params_bytes: 128KiB\n");
    options.extensions.push_back({"nprobe", ISAPI_EXT_PROBE_NATIVE, {"/scripts/nprobe.dll"}, false, false, false});
    options.extensions.push_back({"probe2", ISAPI_EXT_PROBE, {"/scripts/probe2.dll"}, false, false, true});
    start(options);
    const auto mark = sidecar().log_mark();
    for (const std::string child : {"/scripts/nprobe.dll", "/scripts/probe2.dll"}) {
        const auto exec = "/scripts/probe.dll?op=exec&url=" + url_escape(child + "?op=bigecho");
        // At the bounds: through.
        auto result = get(exec + "&big_headers=120000&big_entity=262144");
        EXPECT_EQ(result.body, bigecho_line(big_pattern(120000, false), big_pattern(262144, true)) +
                                   "exec cbIO=0 error=0 status_ret=1 status=200.0 win32=0\n")
            << child;
        result = get(exec + "&big_headers=140000");
        EXPECT_EQ(result.status, 431) << child << " " << result.describe();
        EXPECT_EQ(result.body, "431 Request Header Fields Too Large: the child request's headers and parameters "
                               "exceed this server's limit\n"
                               "exec cbIO=0 error=0 status_ret=1 status=431.0 win32=122\n")
            << child;
        result = get(exec + "&big_entity=262145");
        EXPECT_EQ(result.status, 413) << child << " " << result.describe();
        EXPECT_EQ(result.body, "413 Payload Too Large: the child request's entity exceeds this server's limit\n"
                               "exec cbIO=0 error=0 status_ret=1 status=413.0 win32=122\n")
            << child;
    }
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("HSE_REQ_EXEC_URL child for '/scripts/nprobe\\.dll\\?op=bigecho' of "
                                                  "extension 'probe' maps to a native extension, but its params exceed "
                                                  "max_params_bytes \\(131072\\); the child answers 431"),
                                       soon(), mark));
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("HSE_REQ_EXEC_URL child for '/scripts/probe2\\.dll\\?op=bigecho' of "
                                                  "extension 'probe' maps to another Wine extension, but its entity "
                                                  "exceeds 262144 bytes"),
                                       soon(), mark));
}

/// Connects to the front end on 127.0.0.1:`port` and sends `request`; the caller closes it.
int send_request(std::uint16_t port, const std::string& request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
        throw std::runtime_error("cannot send the request to the front end");
    return fd;
}

// The parent's client leaving while the native child runs: the child's writes fail, it ends
// (its access line says 499, as its parent's does), the parent's operation completes in the
// Windows worker, and the pool serves on with the same Windows worker.
TEST_F(isapi_probe, exec_url_under_wine_a_client_leaving_mid_child_ends_the_child_and_nothing_else)
{
    auto options = probe_options();
    options.extensions.push_back({"sleeper", ISAPI_EXT_SLEEPER, {"/scripts/sleeper.dll"}, false});
    const auto sleeper_log = work().file("sleeper-entries.log");
    options.env.push_back("ISAPI_SLEEPER_LOG=" + sleeper_log.string());
    start(options);
    allow_front_problems("client prematurely closed|broken pipe|reset by peer");
    const auto mark = sidecar().log_mark();
    const int fd = send_request(front().port(), "GET /scripts/probe.dll?op=exec&quiet=1&url=" +
                                                    url_escape("/scripts/sleeper.dll?ms=2000") +
                                                    " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const bool entered = wait_file_line(sleeper_log, std::regex("^enter ms=2000$"), soon()).has_value();
    ::close(fd);
    ASSERT_TRUE(entered) << tail(sidecar().log());
    const auto child = wait_access_line("GET /scripts/sleeper.dll?ms=2000", mark);
    ASSERT_TRUE(child);
    EXPECT_NE(child->find("\" 499 "), std::string::npos) << *child;
    EXPECT_NE(child->find(" ext=sleeper "), std::string::npos) << *child;
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^exec cbIO=0 error=[0-9]+ status_ret=1 status=200\\.0 win32=[0-9]+$"),
                               soon()));
    const auto parent = sidecar().wait_for_log(std::regex(R"("GET /scripts/probe\.dll\?op=exec&quiet=1&url=[^"]+" 499 )"),
                                               soon(), mark);
    ASSERT_TRUE(parent) << tail(sidecar().log());
    // Nothing else lost: the next child runs through the same Windows worker.
    const auto next = get("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/hello.dll"));
    EXPECT_EQ(next.status, 200) << next.describe();
    EXPECT_EQ(next.body, "Hello from ISAPI!\r\n");
    EXPECT_TRUE(sidecar().log_lines(std::regex("Windows worker \\(pid [0-9]+\\) (exited|was killed)"), mark).empty());
}

// The parent's request_timeout while a native child holds the parent's body, lent to it (3 MiB,
// beyond the Windows worker's buffer): the client gets 504, the child's reads would fail, its
// end still completes the parent's operation in the Windows worker, and that worker serves on.
TEST_F(isapi_probe, exec_url_under_wine_a_timeout_while_a_native_child_holds_the_lent_body_ends_cleanly)
{
    auto options = probe_options("    request_timeout: 1s\n");
    options.extensions.push_back({"sleeper", ISAPI_EXT_SLEEPER, {"/scripts/sleeper.dll"}, false});
    const auto sleeper_log = work().file("sleeper-entries.log");
    options.env.push_back("ISAPI_SLEEPER_LOG=" + sleeper_log.string());
    start(options);
    const auto mark = sidecar().log_mark();
    const auto result = post("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/sleeper.dll?ms=2000"),
                             patterned_body(3 << 20));
    EXPECT_EQ(result.status, 504) << result.describe();
    EXPECT_TRUE(wait_file_line(sleeper_log, std::regex("^enter ms=2000$"), soon()));
    EXPECT_TRUE(wait_file_line(
        probe_log(), std::regex("^exec cbIO=0 error=[0-9]+ status_ret=1 status=[0-9]+\\.0 win32=[0-9]+$"), soon()))
        << tail(sidecar().log());
    const auto next = get("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/hello.dll"));
    EXPECT_EQ(next.status, 200) << next.describe();
    EXPECT_EQ(next.body, "Hello from ISAPI!\r\n");
    EXPECT_TRUE(sidecar().log_lines(std::regex("Windows worker \\(pid [0-9]+\\) (exited|was killed)"), mark).empty());
}

// The parent's client leaving while a child another Wine extension serves is held in that
// extension's Windows worker: the child is aborted there (its access line says 499, as its
// parent's does), its end completes the parent's operation, and both workers serve on.
TEST_F(isapi_probe, exec_url_under_wine_a_client_leaving_aborts_a_child_in_another_windows_worker)
{
    auto options = probe_options();
    options.extensions.push_back({"probe2", ISAPI_EXT_PROBE, {"/scripts/probe2.dll"}, false, false, true});
    const auto release = work().file("release.fifo");
    options.env.push_back("ISAPI_PROBE_RELEASE=" + release.string());
    ::mkfifo(release.c_str(), 0600);
    const int release_fd = ::open(release.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(release_fd, 0);
    start(options);
    allow_front_problems("client prematurely closed|broken pipe|reset by peer");
    const auto mark = sidecar().log_mark();
    const int fd = send_request(front().port(), "GET /scripts/probe.dll?op=exec&quiet=1&url=" +
                                                    url_escape("/scripts/probe2.dll?op=hold") +
                                                    " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const bool held = wait_file_line(probe_log(), std::regex("^hold 1$"), soon()).has_value();
    ::close(fd);
    ASSERT_TRUE(held) << tail(sidecar().log());
    const auto child = wait_access_line("GET /scripts/probe2.dll?op=hold", mark);
    ASSERT_TRUE(child) << tail(sidecar().log());
    EXPECT_NE(child->find("\" 499 "), std::string::npos) << *child;
    EXPECT_NE(child->find(" ext=probe2 "), std::string::npos) << *child;
    EXPECT_TRUE(wait_file_line(probe_log(), std::regex("^exec cbIO=0 error=[0-9]+ status_ret=1 status=[0-9]+\\.0 win32=[0-9]+$"),
                               soon()));
    const auto parent = sidecar().wait_for_log(std::regex(R"("GET /scripts/probe\.dll\?op=exec&quiet=1&url=[^"]+" 499 )"),
                                               soon(), mark);
    ASSERT_TRUE(parent) << tail(sidecar().log());
    // The held request ends in probe2's worker once released, its writes failing.
    ASSERT_EQ(::write(release_fd, "x", 1), 1);
    ::close(release_fd);
    const auto next = get("/scripts/probe.dll?op=exec&quiet=1&url=" + url_escape("/scripts/probe2.dll?op=echo"));
    EXPECT_EQ(next.status, 200) << next.describe();
    EXPECT_EQ(next.body.rfind("echo method=GET url=/scripts/probe2.dll ", 0), 0u) << next.body;
    EXPECT_TRUE(sidecar().log_lines(std::regex("Windows worker \\(pid [0-9]+\\) (exited|was killed)"), mark).empty());
}
#endif

#ifdef ISAPI_WINE_TEST_PREFIX
// The native test's assertions with the path as a Windows DLL sees it: on Wine's drive Z:.
TEST_F(isapi_probe, map_url_to_path_ex_under_wine_reports_the_z_drive_path_flags_and_match_lengths)
{
    start(probe_options("    url_flags: [read, execute, script]\n"));
    const std::string z_root = mapped_root();
    expect_map_ex_of_a_file();
    // A directory keeps its trailing separator; no climbing out of the root.
    auto r = probe("op=mapex&url=/scripts");
    EXPECT_EQ(r["path"], z_root + "\\scripts\\");
    r = probe("op=mapex&url=/../etc");
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/87");
}
#endif

TEST_F(isapi_probe, normalize_url_decodes_and_resolves_dot_segments_in_place)
{
    start(probe_options());
    auto r = probe("op=normalize&url=" + url_escape("/a/./b/../c%2541/d%20e"));
    EXPECT_EQ(r["ret"], "1");
    EXPECT_EQ(r["url"], "/a/c%41/d e");
    r = probe("op=normalize&url=" + url_escape("/a/../../etc"));
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/87");
    r = probe("op=normalize&url=" + url_escape("/a%00b"));
    EXPECT_EQ(r["ret"] + "/" + r["err"], "0/87");
}

}  // namespace
}  // namespace isapi_fcgi::test
