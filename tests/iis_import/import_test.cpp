// import-iis as pure functions: Windows path mapping, reading IIS XML, planning pools,
// extensions and script maps, and the YAML, which must load with the real config loader.
#include "iis_import/iis_import.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/loader.hpp"
#include "iis_import/config_writers.hpp"
#include "iis_import/filter_plan.hpp"
#include "iis_import/import_plan.hpp"
#include "iis_import/iis_reader.hpp"
#include "iis_import/pool_plan.hpp"
#include "iis_import/windows_paths.hpp"

namespace isapi_fcgi::iis_import {
namespace {

std::string read_config(const std::string& name) {
    std::ifstream in(std::string(ISAPI_IIS_CONFIGS) + "/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool has_warning(const import_result& r, const std::string& part) {
    for (const auto& w : r.warnings) {
        if (w.find(part) != std::string::npos) return true;
    }
    return false;
}

// web.config imported as the application at /app, C:\inetpub\app mapped to /opt/app.
import_options web_app_options() {
    import_options options;
    options.url_prefix = "/app";
    options.physical_dir = "C:\\inetpub\\app";
    options.maps = {{"C:\\inetpub\\app", "/opt/app"}};
    return options;
}

// web.config with `filters` (an <isapiFilters> element) inserted, imported as web_app_options.
import_result import_web_config_with_filters(const std::string& filters) {
    std::string web_config = read_config("web.config");
    web_config.replace(web_config.find("<httpErrors"), 0, filters);
    return import_iis(web_config, web_app_options());
}

TEST(windows_paths, variables_maps_and_the_default_root) {
    std::string unknown;
    EXPECT_EQ(expand_variables("%SystemDrive%\\inetpub\\x.dll", unknown), "C:\\inetpub\\x.dll");
    EXPECT_EQ(expand_variables("%WINDIR%\\System32", unknown), "C:\\Windows\\System32");
    EXPECT_EQ(expand_variables("%APPDATA%\\x", unknown), "%APPDATA%\\x");
    EXPECT_EQ(unknown, "APPDATA");
    const std::vector<path_mapping> maps{{"C:\\inetpub", "/srv/www"}, {"c:/INETPUB/scripts", "/opt/isapi/"}};
    auto mapped = map_windows_path("C:\\inetpub\\scripts\\App.dll", maps, "/srv/iis");
    EXPECT_EQ(mapped.path, "/opt/isapi/App.dll");  // the longest prefix, in any case
    EXPECT_FALSE(mapped.defaulted);
    EXPECT_EQ(map_windows_path("C:\\inetpub\\wwwroot", maps, "/srv/iis").path, "/srv/www/wwwroot");
    EXPECT_EQ(map_windows_path("C:\\inetpubs\\x", maps, "/srv/iis").path, "/srv/iis/c/inetpubs/x");
    mapped = map_windows_path("D:\\Apps\\Shop\\Bin\\shop.dll", maps, "/srv/iis/");
    EXPECT_TRUE(mapped.defaulted);
    EXPECT_EQ(mapped.path, "/srv/iis/d/Apps/Shop/Bin/shop.dll");
    EXPECT_EQ(dll_to_so("/a/Report.DLL"), "/a/Report.so");
    EXPECT_EQ(dll_to_so("/a/readme.txt"), "/a/readme.txt");
    EXPECT_TRUE(windows_path_under("C:\\A\\b.dll", "c:\\a\\"));
    EXPECT_FALSE(windows_path_under("C:\\AB\\b.dll", "c:\\a"));
    // Found by iis_import_fuzzer (an isapiCgiRestriction <add path="">): read d.back() of "".
    EXPECT_FALSE(windows_path_under("C:\\a\\b.dll", ""));
    EXPECT_FALSE(windows_path_under("", ""));
    EXPECT_EQ(windows_relative("C:\\a\\sub\\b.dll", "C:\\a"), "sub/b.dll");
}

TEST(iis_reader, bad_xml_and_other_roots_are_errors_with_a_place) {
    auto broken = read_iis_config("<configuration>\n<system.webServer>\n<handlers>\n</configuration>");
    EXPECT_FALSE(broken.ok);
    EXPECT_EQ(broken.error.rfind("line ", 0), 0u) << broken.error;
    auto other = read_iis_config("<?xml version=\"1.0\"?><project/>");
    EXPECT_FALSE(other.ok);
    EXPECT_NE(other.error.find("<configuration>"), std::string::npos);
    auto empty = import_iis("<configuration/>", {});
    ASSERT_TRUE(empty.ok);
    EXPECT_TRUE(has_warning(empty, "no ISAPI extension was found"));
    EXPECT_NO_THROW(config::load_string(empty.yaml, "empty.yaml"));
}

TEST(import, application_host_pools_extensions_urls_and_warnings) {
    import_options options;
    options.maps = {{"C:\\inetpub", "/srv/www"}};
    options.socket_dir = "/run/test";
    const auto r = import_iis(read_config("applicationHost.config"), options);
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 2u) << r.yaml;
    const auto& scripts = settings.pools[0];
    EXPECT_EQ(scripts.name, "Scripts-Pool");
    EXPECT_EQ(scripts.listen.at(0).path, "/run/test/Scripts-Pool.sock");
    EXPECT_EQ(scripts.isapi.document_root, "/srv/www/wwwroot");
    EXPECT_EQ(scripts.isapi.max_request_body, 52428800u);
    EXPECT_EQ(scripts.isapi.upload_read_ahead, 65536u);
    ASSERT_EQ(scripts.isapi.extensions.size(), 3u);  // hello, ReportGen, and shop (script maps only)
    EXPECT_EQ(scripts.isapi.extensions[0].name, "hello");
    EXPECT_EQ(scripts.isapi.extensions[0].path, "/srv/www/scripts/hello.so");
    EXPECT_EQ(scripts.isapi.extensions[0].urls, std::vector<std::string>{"/scripts/hello.dll"});
    EXPECT_EQ(scripts.isapi.extensions[1].urls, std::vector<std::string>{"/scripts/Reports/ReportGen.DLL"});
    EXPECT_EQ(scripts.isapi.extensions[2].name, "shop");
    EXPECT_TRUE(scripts.isapi.extensions[2].urls.empty());
    const auto& legacy = settings.pools[1];
    EXPECT_EQ(legacy.name, "Legacy32");
    ASSERT_EQ(legacy.isapi.extensions.size(), 1u);
    EXPECT_EQ(legacy.isapi.extensions[0].urls, std::vector<std::string>{"/legacy.dll"});
    // A refused DLL is not imported; a DLL outside Execute directories is not either.
    EXPECT_EQ(r.yaml.find("old.so"), std::string::npos);
    EXPECT_TRUE(has_warning(r, "requires Execute but accessPolicy is 'Read, Script'"));
    // The script map is a real script_maps entry, which the loader reads; its extension is
    // listed with no URLs of its own.
    EXPECT_NE(r.yaml.find("      - { extension: \"shop\", path: \"*.isa\", url_prefix: \"/shop\", verbs: [\"GET\", \"POST\"] }"),
              std::string::npos)
        << r.yaml;
    ASSERT_EQ(scripts.isapi.script_maps.size(), 1u) << r.yaml;
    EXPECT_EQ(scripts.isapi.script_maps[0].extension, "shop");
    EXPECT_EQ(scripts.isapi.script_maps[0].path, "*.isa");
    EXPECT_EQ(scripts.isapi.script_maps[0].url_prefix, "/shop");
    EXPECT_EQ(scripts.isapi.script_maps[0].verbs, (std::vector<std::string>{"GET", "POST"}));
    EXPECT_FALSE(has_warning(r, "script map 'ShopPages'"));
    // The server-wide filter is loaded by both pools.
    EXPECT_NE(r.yaml.find("    filters:\n      - name: \"UrlRewriter\"\n        path: \"/srv/iis/c/filters/rewrite.so\""),
              std::string::npos)
        << r.yaml;
    for (const char* expected : {"enable32BitAppOnWin64", "identity (NetworkService)",
                                 "security/authentication", "https binding *:443:", "'net.tcp'", "handler 'CGI-exe'",
                                 "not under any --map directory: placed at /srv/iis/e/intranet/legacy.dll"}) {
        EXPECT_TRUE(has_warning(r, expected)) << expected;
    }
    // nginx: an upstream per pool, a server per site, listen/server_name from the bindings.
    EXPECT_NE(r.nginx.find("upstream isapi_Scripts_Pool {\n    server unix:/run/test/Scripts-Pool.sock;"),
              std::string::npos);
    EXPECT_NE(r.nginx.find("location ~* \"^/scripts/hello\\.dll(/|$)\""), std::string::npos) << r.nginx;
    EXPECT_NE(r.nginx.find("listen 10.0.0.5:8080;\n    server_name intranet.example.com;"), std::string::npos);
    EXPECT_NE(r.nginx.find("client_max_body_size 52428800;"), std::string::npos);
    EXPECT_NE(r.nginx.find("\n    location ~* \"^/shop/(.*/)?[^/]*\\.isa(/|$)\""), std::string::npos) << r.nginx;
}

TEST(import, a_dll_copied_over_without_a_rebuilt_so_runs_under_wine) {
    const auto root = std::filesystem::temp_directory_path() / ("isapi-import-wine-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "scripts");
    std::ofstream(root / "scripts" / "hello.dll") << "MZ";  // only its existence matters here
    import_options options;
    options.maps = {{"C:\\inetpub", root.string()}};
    options.socket_dir = "/run/test";
    const auto r = import_iis(read_config("applicationHost.config"), options);
    std::filesystem::remove_all(root);
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    const auto& hello = settings.pools.at(0).isapi.extensions.at(0);
    EXPECT_EQ(hello.name, "hello");
    EXPECT_EQ(hello.path, (root / "scripts" / "hello.dll").string()) << r.yaml;
    EXPECT_EQ(hello.runtime, config::extension_runtime::wine) << r.yaml;
    EXPECT_TRUE(has_warning(r, "runs unmodified under Wine"));
    // DLLs with neither file stay native .so entries, as before.
    EXPECT_EQ(settings.pools.at(0).isapi.extensions.at(1).runtime, config::extension_runtime::native);
}

TEST(import, site_option_selects_one_site) {
    import_options options;
    options.site = "intranet";
    const auto r = import_iis(read_config("applicationHost.config"), options);
    ASSERT_TRUE(r.ok);
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 1u);
    EXPECT_EQ(settings.pools[0].name, "Legacy32");
    EXPECT_EQ(r.nginx.find("Default Web Site"), std::string::npos);
    options.site = "Nowhere";
    EXPECT_TRUE(has_warning(import_iis(read_config("applicationHost.config"), options), "no site named 'Nowhere'"));
}

TEST(import, web_config_with_clear_wildcard_script_map_and_prefix) {
    const auto r = import_iis(read_config("web.config"), web_app_options());
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 1u);
    ASSERT_EQ(settings.pools[0].isapi.extensions.size(), 2u);
    EXPECT_EQ(settings.pools[0].isapi.extensions[0].path, "/opt/app/app.so");
    EXPECT_EQ(settings.pools[0].isapi.extensions[0].urls, std::vector<std::string>{"/app/app.dll"});
    EXPECT_EQ(settings.pools[0].isapi.max_request_body, 30000000u);  // IIS's default limit
    ASSERT_EQ(settings.pools[0].isapi.script_maps.size(), 1u) << r.yaml;
    EXPECT_EQ(settings.pools[0].isapi.script_maps[0].extension, "router");
    EXPECT_EQ(settings.pools[0].isapi.script_maps[0].path, "*");
    EXPECT_EQ(settings.pools[0].isapi.script_maps[0].url_prefix, "/app");
    EXPECT_TRUE(has_warning(r, "system.web (ASP.NET settings)"));
    EXPECT_TRUE(has_warning(r, "system.webServer/httpErrors"));
    EXPECT_NE(r.nginx.find("listen 80;"), std::string::npos);
}

// Found by iis_import_fuzzer: a URL the configuration cannot hold made YAML the loader refused.
TEST(import, urls_the_configuration_cannot_hold_are_warned_about_and_the_yaml_loads) {
    import_options options;
    options.url_prefix = "/my app";
    options.physical_dir = "C:\\inetpub\\app";
    const auto spaced = import_iis(read_config("web.config"), options);
    ASSERT_TRUE(spaced.ok) << spaced.error;
    EXPECT_TRUE(has_warning(spaced, "'/my app/app.dll': isapi-fcgi takes a URL path starting with '/' and without space"));
    EXPECT_TRUE(has_warning(spaced, "at '/my app': isapi-fcgi takes a URL path starting with '/' and without space"));
    EXPECT_NO_THROW(config::load_string(spaced.yaml, "imported.yaml")) << spaced.yaml;

    options.url_prefix = "/caf\xc3\xa9";  // UTF-8 is a URL path like any other
    const auto accented = import_iis(read_config("web.config"), options);
    ASSERT_TRUE(accented.ok) << accented.error;
    const auto settings = config::load_string(accented.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 1u) << accented.yaml;
    EXPECT_EQ(settings.pools[0].isapi.extensions[0].urls, std::vector<std::string>{"/caf\xc3\xa9/app.dll"});

    // The same for a script map path the sidecar does not take (it takes "*" and "*.ext").
    std::string xml = read_config("web.config");
    const std::string wildcard = "path=\"*\" verb=\"*\" modules=\"IsapiModule\" scriptProcessor";
    ASSERT_NE(xml.find(wildcard), std::string::npos);
    xml.replace(xml.find(wildcard), wildcard.size(), "path=\"r*.isa\" verb=\"*\" modules=\"IsapiModule\" scriptProcessor");
    options.url_prefix = "/app";
    const auto pattern = import_iis(xml, options);
    ASSERT_TRUE(pattern.ok) << pattern.error;
    EXPECT_TRUE(has_warning(pattern, "has the path 'r*.isa': isapi-fcgi takes only")) << pattern.yaml;
    EXPECT_NO_THROW(config::load_string(pattern.yaml, "imported.yaml")) << pattern.yaml;

    // Found by iis_import_fuzzer: the verb NULL was written bare, which YAML reads as null.
    xml = read_config("web.config");
    xml.replace(xml.find(wildcard), wildcard.size(), "path=\"*\" verb=\"GET,NULL\" modules=\"IsapiModule\" scriptProcessor");
    const auto null_verb = import_iis(xml, options);
    ASSERT_TRUE(null_verb.ok) << null_verb.error;
    const auto with_null = config::load_string(null_verb.yaml, "imported.yaml");
    ASSERT_EQ(with_null.pools[0].isapi.script_maps.size(), 1u) << null_verb.yaml;
    EXPECT_EQ(with_null.pools[0].isapi.script_maps[0].verbs, (std::vector<std::string>{"GET", "NULL"}));

    // And for a verb the sidecar does not take: the whole map, since fewer verbs would widen it.
    xml = read_config("web.config");
    xml.replace(xml.find(wildcard), wildcard.size(), "path=\"*\" verb=\"GET,+\" modules=\"IsapiModule\" scriptProcessor");
    const auto verb = import_iis(xml, options);
    ASSERT_TRUE(verb.ok) << verb.error;
    EXPECT_TRUE(has_warning(verb, "has the verb '+': isapi-fcgi takes")) << verb.yaml;
    const auto loaded = config::load_string(verb.yaml, "imported.yaml");
    ASSERT_EQ(loaded.pools.size(), 1u) << verb.yaml;
    EXPECT_TRUE(loaded.pools[0].isapi.script_maps.empty()) << verb.yaml;
}

TEST(import, dll_handlers_without_a_restriction_list_ask_for_manual_entries) {
    const std::string xml =
        "<configuration><system.webServer><handlers accessPolicy=\"Read, Execute\">"
        "<add name=\"dlls\" path=\"*.dll\" modules=\"IsapiModule\" requireAccess=\"Execute\"/>"
        "</handlers></system.webServer></configuration>";
    const auto r = import_iis(xml, {});
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "no isapiCgiRestriction lists them"));
}

registry_source reg_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return {path, std::vector<std::uint8_t>(text.begin(), text.end())};
}

TEST(import, registry_files_go_to_every_pool_and_windows_paths_in_values_are_warned_about) {
    const std::string path = ::testing::TempDir() + "iis_import_app.reg";
    import_options options;
    options.maps = {{"C:\\inetpub", "/srv/www"}};
    options.registry.push_back(reg_file(path,
                                        "Windows Registry Editor Version 5.00\r\n\r\n"
                                        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Reports]\r\n"
                                        "\"Threads\"=dword:00000004\r\n"
                                        "\"DataDir\"=\"C:\\\\inetpub\\\\data\"\r\n"));
    const auto r = import_iis(read_config("applicationHost.config"), options);
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 2u) << r.yaml;
    for (const auto& pool : settings.pools) {
        EXPECT_TRUE(pool.registry.enabled) << pool.name;
        EXPECT_EQ(pool.registry.files, std::vector<std::string>{path}) << pool.name;
    }
    EXPECT_TRUE(has_warning(r, path + ":5: registry value HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Reports\\DataDir "
                               "holds the Windows path 'C:\\inetpub\\data', which is '/srv/www/data' here"))
        << r.yaml;
    EXPECT_FALSE(has_warning(r, "Threads"));
    std::remove(path.c_str());
}

TEST(import, a_registry_file_with_a_syntax_error_stops_the_import_with_file_and_line) {
    import_options options;
    options.registry.push_back({"/etc/isapi-fcgi/app.reg",
                                [] {
                                    const std::string text = "REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n\"N\"=dword:xyz\n";
                                    return std::vector<std::uint8_t>(text.begin(), text.end());
                                }()});
    const auto r = import_iis(read_config("applicationHost.config"), options);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error.rfind("/etc/isapi-fcgi/app.reg:4: ", 0), 0u) << r.error;
}

// <isapiFilters> into each pool's `filters:`, in IIS's order (the server's list, then the
// site's, <clear/> and <remove> applied); the golden file holds every pool's block.
TEST(import, isapi_filters_become_each_pools_filters_in_iis_order) {
    import_options options;
    options.maps = {{"C:\\filters", "/opt/filters"}, {"C:\\sites", "/srv/sites"}};
    options.socket_dir = "/run/test";
    const auto r = import_iis(read_config("filters.config"), options);
    ASSERT_TRUE(r.ok) << r.error;
    std::string blocks;
    for (const auto& pool : plan_import(read_iis_config(read_config("filters.config")).config, options).pools)
        blocks += "# pool " + pool.name + "\n" + filters_yaml(pool);
    EXPECT_EQ(blocks, read_config("filters.expected.yaml"));
    // The YAML holds the same blocks and loads with the real loader.
    EXPECT_NE(r.yaml.find(filters_yaml(plan_import(read_iis_config(read_config("filters.config")).config, options).pools.at(0))),
              std::string::npos)
        << r.yaml;
    EXPECT_NO_THROW(config::load_string(r.yaml, "imported.yaml")) << r.yaml;
    for (const char* expected :
         {"ISAPI filter 'SsoAgent' is listed twice", "ISAPI filter 'Compression' is disabled",
          "ISAPI filter 'Logger' has preCondition bitness32", "ISAPI filter 'SsoAgent': enableCache",
          "isapiFilters under location 'Shop/admin' are not carried over",
          "pool 'SharedPool' serves sites 'Partners' and 'Intranet', whose ISAPI filters differ",
          "site 'Brochure' has ISAPI filters ('SsoAgent', 'Compression', 'Logger') but no ISAPI extension"}) {
        EXPECT_TRUE(has_warning(r, expected)) << expected;
    }
    // A web.config's own <isapiFilters> are its application's.
    const auto web = import_web_config_with_filters(
        "<isapiFilters><filter name=\"Sso\" path=\"C:\\inetpub\\app\\sso.dll\"/></isapiFilters>");
    ASSERT_TRUE(web.ok) << web.error;
    EXPECT_NE(web.yaml.find("    filters:\n      - name: \"Sso\"\n        path: \"/opt/app/sso.so\""), std::string::npos)
        << web.yaml;
    EXPECT_FALSE(has_warning(web, "isapiFilters"));
}

// IIS filter names may hold anything; the sidecar's are 1 to 64 of A-Z a-z 0-9 _ . - (found by
// the iis_import fuzzer: a name with '<' and a filter without a path made YAML that did not load).
TEST(import, filter_names_become_configuration_names_and_a_filter_without_a_path_is_skipped) {
    const auto web = import_web_config_with_filters(
        "<isapiFilters><filter name=\"Url Rewriter &lt;v2&gt;\" path=\"C:\\inetpub\\app\\rw.dll\"/>"
        "<filter name=\"NoPath\" path=\"\"/></isapiFilters>");
    ASSERT_TRUE(web.ok) << web.error;
    EXPECT_NE(web.yaml.find("      - name: \"Url-Rewriter--v2-\"\n        path: \"/opt/app/rw.so\""), std::string::npos)
        << web.yaml;
    EXPECT_EQ(web.yaml.find("NoPath\"\n"), std::string::npos) << web.yaml;
    EXPECT_TRUE(has_warning(web, "ISAPI filter 'NoPath' has no path: not imported"));
    EXPECT_TRUE(has_warning(web, "ISAPI filter 'Url Rewriter <v2>' is named 'Url-Rewriter--v2-' here"));
    EXPECT_NO_THROW(config::load_string(web.yaml, "imported.yaml")) << web.yaml;
}

// The golden files hold the whole output. ISAPI_UPDATE_GOLDEN=1 rewrites them from what the
// importer prints now (then read the diff before committing it).
void expect_golden(const std::string& actual, const std::string& name) {
    const std::string path = std::string(ISAPI_IIS_CONFIGS) + "/" + name;
    if (std::getenv("ISAPI_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
    EXPECT_EQ(actual, read_config(name)) << "golden file " << path << " (ISAPI_UPDATE_GOLDEN=1 rewrites it)";
}

import_options contoso_options() {
    import_options options;
    options.maps = {{"C:\\inetpub\\contoso", "/srv/contoso"}, {"D:\\catalog", "/srv/catalog"}, {"E:\\media", "/srv/media"}};
    options.socket_dir = "/run/test";
    return options;
}

const config::pool_settings& pool_named(const config::settings& settings, const std::string& name) {
    for (const auto& pool : settings.pools) {
        if (pool.name == name) return pool;
    }
    throw std::runtime_error("no pool " + name);
}

// The whole output for a realistic server (configs/contoso/applicationHost.config): the cases
// below each check their part of it through the real loader.
TEST(import_golden, order_system_application_host) {
    const auto r = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    ASSERT_TRUE(r.ok) << r.error;
    expect_golden(r.yaml, "contoso/applicationHost.expected.yaml");
    expect_golden(r.nginx, "contoso/applicationHost.expected.nginx");
    EXPECT_NO_THROW(config::load_string(r.yaml, "imported.yaml")) << r.yaml;
}

// A handler for one DLL by its name (path="orders.dll" scriptProcessor="...\orders.dll") is the
// DLL's own URL, not a script map the configuration refuses; from a web.config as from a
// <location>, and matched before the server's "*.dll" handler as in IIS.
TEST(import_golden, a_handler_for_one_dll_becomes_its_url) {
    import_options options = contoso_options();
    options.url_prefix = "/orders";
    options.physical_dir = "C:\\inetpub\\contoso\\orders";
    const auto web = import_iis(read_config("contoso/orders.web.config"), options);
    ASSERT_TRUE(web.ok) << web.error;
    expect_golden(web.yaml, "contoso/orders.web.expected.yaml");
    expect_golden(web.nginx, "contoso/orders.web.expected.nginx");
    const auto settings = config::load_string(web.yaml, "imported.yaml");
    ASSERT_EQ(settings.pools.size(), 1u);
    const auto& isapi = settings.pools[0].isapi;
    ASSERT_EQ(isapi.extensions.size(), 1u) << web.yaml;
    EXPECT_EQ(isapi.extensions[0].name, "orders");
    EXPECT_EQ(isapi.extensions[0].path, "/srv/contoso/orders/bin/orders.so");
    EXPECT_EQ(isapi.extensions[0].urls, std::vector<std::string>{"/orders/orders.dll"});
    EXPECT_TRUE(isapi.script_maps.empty()) << web.yaml;
    // The web.config's own request limit is its application's, so the pool's.
    EXPECT_EQ(isapi.max_request_body, 1048576u);
    EXPECT_FALSE(has_warning(web, "orders.dll")) << web.yaml;

    const auto host = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    const auto orders = pool_named(config::load_string(host.yaml, "imported.yaml"), "OrdersPool");
    ASSERT_EQ(orders.isapi.extensions.size(), 1u) << host.yaml;
    EXPECT_EQ(orders.isapi.extensions[0].urls, std::vector<std::string>{"/orders/orders.dll"});
    EXPECT_TRUE(orders.isapi.script_maps.empty());
    EXPECT_TRUE(has_warning(host, "handler 'OrdersIsapi' allows only the verbs GET,POST for /orders/orders.dll"));
}

TEST(import_golden, pool_recycling_workers_and_rapid_fail_carry_over) {
    const auto r = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    const auto& orders = pool_named(settings, "OrdersPool").process;
    EXPECT_EQ(orders.workers, 2u);                                         // maxProcesses
    EXPECT_EQ(orders.max_requests, 100000u);                               // periodicRestart requests
    EXPECT_EQ(orders.max_rss, 1048576u * 1024u);                           // privateMemory, in KB
    EXPECT_EQ(orders.recycle_interval, std::chrono::hours(24));            // 29h, clamped
    EXPECT_EQ(orders.rapid_fail_max_crashes, 10u);
    EXPECT_EQ(orders.rapid_fail_interval, std::chrono::minutes(10));
    const auto& catalog = pool_named(settings, "CatalogPool").process;
    EXPECT_EQ(catalog.recycle_interval, std::chrono::hours(12));
    EXPECT_EQ(catalog.rapid_fail_max_crashes, 0u);                         // rapidFailProtection="false"
    const auto& reports = pool_named(settings, "ReportsPool").process;
    EXPECT_EQ(reports.max_rss, 2097152u * 1024u);                          // virtual memory, warned
    EXPECT_EQ(reports.rapid_fail_interval, std::chrono::minutes(5));       // applicationPoolDefaults
    EXPECT_EQ(reports.workers, 1u);
    for (const char* expected :
         {"'OrdersPool': recycling/periodicRestart time=\"1.05:00:00\" is longer than the 24h recycle_interval takes",
          "'OrdersPool': the daily recycle at 03:00:00 (recycling/periodicRestart/schedule) has no equivalent",
          "'OrdersPool': queueLength=\"5000\" (requests HTTP.sys queues for the pool) has no equivalent",
          "'OrdersPool': recycling/periodicRestart memory=\"4194304\" (a virtual-memory limit) has no equivalent",
          "'OrdersPool': cpu limit=\"50000\" has no equivalent",
          "'OrdersPool': cpu action=\"Throttle\", processModel pingInterval=\"00:01:00\", processModel "
          "pingResponseTime=\"00:02:00\" have no equivalent",
          "'ReportsPool': recycling/periodicRestart memory=\"2097152\" limited virtual memory",
          "'ReportsPool': processModel idleTimeout=\"00:45:00\" has no equivalent"}) {
        EXPECT_TRUE(has_warning(r, expected)) << expected;
    }
    // IIS's defaults that are the sidecar's behaviour too need no warning.
    EXPECT_FALSE(has_warning(r, "idleTimeout=\"00:00:00\""));
    EXPECT_FALSE(has_warning(r, "startMode"));
    EXPECT_FALSE(has_warning(r, "logEventOnRecycle"));
}

// Values beyond the sidecar's ranges are clamped with a warning, malformed ones warned about, IIS's
// 0 (off) left to the default, a secret never echoed; the YAML loads whatever the values.
TEST(import_golden, pool_settings_beyond_the_sidecars_ranges) {
    import_options options;
    options.maps = {{"C:\\garden", "/srv/garden"}};
    options.socket_dir = "/run/test";
    const auto r = import_iis(read_config("pools.config"), options);
    ASSERT_TRUE(r.ok) << r.error;
    expect_golden(r.yaml, "pools.expected.yaml");
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    const auto& numa = pool_named(settings, "NumaGarden").process;
    EXPECT_EQ(numa.workers, 1u);  // maxProcesses="0" (per NUMA node): warned, default kept
    EXPECT_EQ(numa.recycle_interval, std::chrono::milliseconds(0));
    EXPECT_EQ(numa.rapid_fail_max_crashes, 1000u);
    EXPECT_EQ(numa.rapid_fail_interval, std::chrono::hours(24));
    const auto& big = pool_named(settings, "BigGarden").process;
    EXPECT_EQ(big.workers, 256u);
    EXPECT_EQ(big.max_requests, 0u);
    EXPECT_EQ(big.max_rss, std::size_t{1} << 50);
    const auto& precise = pool_named(settings, "Precise").process;
    EXPECT_EQ(precise.workers, 4u);
    EXPECT_EQ(precise.recycle_interval, std::chrono::milliseconds(90250));
    EXPECT_TRUE(has_warning(r, "'NumaGarden': the daily recycle at 13:00:00"));
    EXPECT_TRUE(has_warning(r, "'BigGarden': the daily recycle at 02:30:00"));  // inherited
    EXPECT_FALSE(has_warning(r, "'Precise': the daily recycle"));              // <clear/>
    EXPECT_TRUE(has_warning(r, "<environmentVariables>"));
    EXPECT_EQ(r.yaml.find("c2VjcmV0"), std::string::npos);
    EXPECT_FALSE(has_warning(r, "c2VjcmV0"));
}

// Settings deeper than IIS has any are named, not walked: a deeply nested pool cannot exhaust
// the stack, and still gets its warning.
TEST(pool_plan, deeply_nested_pool_elements_are_named_not_walked) {
    std::string nested;
    for (int i = 0; i < 200000; ++i) nested += "<x>";
    for (int i = 0; i < 200000; ++i) nested += "</x>";
    const std::string xml = "<configuration><system.applicationHost><applicationPools><add name=\"P\"><recycling><a><b>" +
                            nested + "</b></a></recycling></add></applicationPools><sites><site name=\"S\">"
                            "<application path=\"/\" applicationPool=\"P\"><virtualDirectory path=\"/\" "
                            "physicalPath=\"C:\\s\"/></application></site></sites></system.applicationHost>"
                            "<system.webServer><handlers accessPolicy=\"Read, Execute\"><add name=\"d\" path=\"*.dll\" "
                            "modules=\"IsapiModule\" requireAccess=\"Execute\"/></handlers><security><isapiCgiRestriction>"
                            "<add path=\"C:\\s\\p.dll\" allowed=\"true\"/></isapiCgiRestriction></security>"
                            "</system.webServer></configuration>";
    const auto r = import_iis(xml, {});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(has_warning(r, "application pool 'P': <recycling/a/b/x> has no equivalent")) << r.yaml;
    EXPECT_NO_THROW(config::load_string(r.yaml, "imported.yaml"));
}

// An XML character reference (&#10;) puts a newline in an attribute: text from the file must
// not end a comment line and start a key of the YAML or a directive of nginx.
TEST(import, text_from_the_file_cannot_end_a_comment_or_a_directive) {
    const std::string xml =
        "<configuration><system.applicationHost><applicationPools><add name=\"P\" foo=\"x&#10;log: {level: debug}\"/>"
        "</applicationPools><sites><site name=\"S&#10;server { listen 1; }\"><application path=\"/\" applicationPool=\"P\">"
        "<virtualDirectory path=\"/\" physicalPath=\"C:\\s\"/></application><bindings>"
        "<binding protocol=\"http\" bindingInformation=\"*:80:a; include /etc/passwd\"/>"
        "<binding protocol=\"http\" bindingInformation=\"*:81:ok.example\"/></bindings></site></sites>"
        "</system.applicationHost><system.webServer><handlers accessPolicy=\"Read, Execute\"><add name=\"d\" "
        "path=\"*.dll\" modules=\"IsapiModule\" requireAccess=\"Execute\"/></handlers><security><isapiCgiRestriction>"
        "<add path=\"C:\\s\\p.dll\" allowed=\"true\"/></isapiCgiRestriction></security></system.webServer></configuration>";
    const auto r = import_iis(xml, {});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.yaml.find("\nlog:"), std::string::npos) << r.yaml;
    EXPECT_EQ(config::load_string(r.yaml, "imported.yaml").log.level, config::log_settings{}.level);
    EXPECT_EQ(r.nginx.find("\nserver { listen 1; }"), std::string::npos) << r.nginx;
    EXPECT_EQ(r.nginx.find("include /etc/passwd;"), std::string::npos) << r.nginx;
    EXPECT_NE(r.nginx.find("listen 81;\n    server_name ok.example;"), std::string::npos) << r.nginx;
    EXPECT_TRUE(has_warning(r, "binding '*:80:a; include /etc/passwd' of site"));
}

TEST(pool_plan, time_spans_and_durations) {
    EXPECT_EQ(parse_timespan("1.05:00:00"), std::chrono::hours(29));
    EXPECT_EQ(parse_timespan("00:05:00"), std::chrono::minutes(5));
    EXPECT_EQ(parse_timespan("00:00:01.5"), std::chrono::milliseconds(1500));
    EXPECT_EQ(parse_timespan("00:00:00"), std::chrono::milliseconds(0));
    for (const char* bad : {"", "5", "00:61:00", "00:00", "-00:05:00", "1.x:00:00", "00:00:01.", "00:00:01.12345678"}) {
        EXPECT_FALSE(parse_timespan(bad)) << bad;
    }
    EXPECT_EQ(duration_text(std::chrono::hours(29)), "29h");
    EXPECT_EQ(duration_text(std::chrono::minutes(90)), "90m");
    EXPECT_EQ(duration_text(std::chrono::seconds(45)), "45s");
    EXPECT_EQ(duration_text(std::chrono::milliseconds(1500)), "1500ms");
}

// isapiCgiRestriction allowed="false" is reported, once per DLL, whether a script map names it or
// not; a DLL refused at one URL and imported at another gets one warning that says both.
TEST(import_golden, refused_dlls_are_reported_and_each_dll_gets_one_warning) {
    const auto r = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    ASSERT_TRUE(r.ok) << r.error;
    const auto count = [&r](const std::string& part) {
        return std::count_if(r.warnings.begin(), r.warnings.end(),
                             [&](const std::string& w) { return w.find(part) != std::string::npos; });
    };
    EXPECT_EQ(count("checkout.dll"), 1) << r.yaml;
    EXPECT_TRUE(has_warning(r, "'C:\\inetpub\\contoso\\legacy\\checkout.dll' is refused by isapiCgiRestriction "
                               "(allowed=\"false\", 'Retired in 2019'): IIS does not run it; not imported"));
    EXPECT_TRUE(has_warning(r, "aspnet_isapi.dll' is refused by isapiCgiRestriction"));
    EXPECT_EQ(r.yaml.find("checkout\""), std::string::npos);
    EXPECT_EQ(r.yaml.find("*.chk"), std::string::npos);
    // reports.dll: not run in the shop site (no Execute), run in the intranet site.
    EXPECT_EQ(count("reports.dll'"), 1) << r.yaml;
    EXPECT_TRUE(has_warning(r, "'C:\\inetpub\\contoso\\reports\\reports.dll': IIS does not run it at "
                               "/reports/reports.dll: handler 'ISAPI-dll' requires Execute but accessPolicy is "
                               "'Read, Script'; imported for the URLs IIS ran it at"));
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    EXPECT_EQ(pool_named(settings, "ReportsPool").isapi.extensions.at(0).urls, std::vector<std::string>{"/reports.dll"});
    EXPECT_EQ(count("orders.dll'"), 1);
    EXPECT_EQ(count("catalog.dll'"), 1);
}

// A pool reached only through script maps gets its site's document_root, like any other.
TEST(import_golden, a_pool_reached_only_through_script_maps_gets_the_sites_document_root) {
    const auto r = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    ASSERT_TRUE(r.ok) << r.error;
    const auto settings = config::load_string(r.yaml, "imported.yaml");
    const auto& catalog = pool_named(settings, "CatalogPool");
    ASSERT_EQ(catalog.isapi.script_maps.size(), 1u);
    EXPECT_EQ(catalog.isapi.script_maps[0].path, "*.cat");
    EXPECT_TRUE(catalog.isapi.extensions.at(0).urls.empty());
    EXPECT_EQ(catalog.isapi.document_root, "/srv/contoso/wwwroot");
    EXPECT_EQ(pool_named(settings, "OrdersPool").isapi.document_root, "/srv/contoso/wwwroot");
}

// nginx serves the site's static files from the mapped root, virtual directories elsewhere by
// alias, and never the binaries or configuration IIS kept from clients.
TEST(import_golden, the_nginx_server_serves_the_sites_static_files_from_the_mapped_root) {
    const auto r = import_iis(read_config("contoso/applicationHost.config"), contoso_options());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_NE(r.nginx.find("server_name shop.contoso.com;\n    client_max_body_size 10485760;\n"
                           "    root \"/srv/contoso/wwwroot\";"),
              std::string::npos)
        << r.nginx;
    EXPECT_NE(r.nginx.find("    location \"/images/\" {   # virtual directory\n        alias \"/srv/media/images/\";"),
              std::string::npos)
        << r.nginx;
    EXPECT_EQ(r.nginx.find("/help/"), std::string::npos) << r.nginx;  // below the root: root serves it
    EXPECT_NE(r.nginx.find("    root \"/srv/contoso/reports\";"), std::string::npos) << r.nginx;
    // The denial comes after every extension location (nginx tries regex locations in order).
    const auto denial = r.nginx.find("\\.(dll|so|exe|reg|config)$\" {\n        return 404;");
    ASSERT_NE(denial, std::string::npos) << r.nginx;
    EXPECT_LT(r.nginx.find("location ~* \"^/orders/orders\\.dll(/|$)\""), denial);
    EXPECT_LT(r.nginx.find("location ~* \"^/catalog/(.*/)?[^/]*\\.cat(/|$)\""), denial);
}

TEST(config_writers, quoting_and_regex_escaping) {
    EXPECT_EQ(yaml_quoted("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(regex_escaped("/a.b/(x)+?"), "/a\\.b/\\(x\\)\\+\\?");
}

}  // namespace
}  // namespace isapi_fcgi::iis_import
