// libFuzzer driver for `isapi-fcgi import-iis` (iis_import::import_iis): applicationHost.config
// or web.config XML in, sidecar YAML + nginx configuration out. The importer promises a readable
// error for text that is not IIS configuration, and YAML the real loader accepts otherwise; a
// site, pool or path name taken from the XML must not be able to break out of its YAML value.
//
// Input layout: [0] options selector (bit 0: web.config mode with a URL prefix and a Windows
// directory; bit 1: only the site "Default Web Site"; bit 2: a drive mapping), then the XML.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "fuzz_check.hpp"
#include "iis_import/iis_import.hpp"

using isapi_fcgi::fuzz::check;
namespace iis = isapi_fcgi::iis_import;
namespace config = isapi_fcgi::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t selector = data[0];
    const std::string_view xml(reinterpret_cast<const char*>(data + 1), size - 1);

    iis::import_options options;
    options.source_name = "fuzz.config";
    if (selector & 1) {
        options.url_prefix = "/app";
        options.physical_dir = "C:\\inetpub\\wwwroot\\app";
    }
    if (selector & 2) options.site = "Default Web Site";
    if (selector & 4) options.maps.push_back({"C:\\inetpub", "/srv/inetpub"});

    const iis::import_result result = iis::import_iis(xml, options);
    if (!result.ok) {
        check(!result.error.empty(), "refused without a reason");
        return 0;
    }
    check(!result.yaml.empty(), "imported without YAML");
    try {
        (void)config::load_string(result.yaml, "imported.yaml");
    } catch (const config::config_error& e) {
        std::fprintf(stderr, "%s\n--- imported YAML ---\n%s\n", e.what(), result.yaml.c_str());
        isapi_fcgi::fuzz::broken("the imported YAML does not load");
    }
    return 0;
}
