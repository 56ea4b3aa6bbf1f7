// libFuzzer driver for the YAML configuration loader (config::load_sources, what load_file and
// --check-config run on the file's text once it is read; without included files, since
// expanding `include` patterns reads the file system, which a fuzzer must not). Operator input, but a typo must still end in one
// config_error naming the place, never in a crash, a hang or another exception type: anything
// but config_error escaping counts as a bug (libFuzzer reports the uncaught exception).
//
// Input layout: the file's text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "fuzz_check.hpp"

using isapi_fcgi::fuzz::check;
namespace config = isapi_fcgi::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const config::settings loaded = config::load_sources({{"fuzz.yaml", std::string(text)}});
        check(loaded.source == "fuzz.yaml", "settings lost their source");
    } catch (const config::config_error& e) {
        check(e.source() == "fuzz.yaml", "config_error names another source");
        check(!e.reason().empty(), "config_error without a reason");
        check(e.line() >= 0 && e.column() >= 0, "config_error with a negative position");
        const std::string what = e.what();
        check(what.starts_with("fuzz.yaml"), "config_error's message does not start with the file");
    }
    return 0;
}
