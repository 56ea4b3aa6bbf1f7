// libFuzzer driver for the URL code that sees client input: percent_decode, is_dot_segment,
// normalize_url (HSE_REQ_NORMALIZE_URL), url_map (which extension answers, SCRIPT_NAME and
// PATH_INFO) and map_url_to_path (PATH_TRANSLATED, HSE_REQ_MAP_URL_TO_PATH). The configured
// URL paths and script maps are fuzzed too (operator input): add() may refuse them with
// std::invalid_argument, which is its documented start-up error; anything else escaping is a bug.
//
// Input layout (FuzzedDataProvider): option bits, up to four configured paths, a script map,
// then REQUEST_URI, SCRIPT_NAME, PATH_INFO, method and a document root; the rest is the URL
// given to normalize_url.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "isapi/normalize_url.hpp"
#include "isapi/path_mapping.hpp"
#include "isapi/percent_decoding.hpp"
#include "isapi/url_map.hpp"

using isapi_fcgi::fuzz::check;
namespace isapi = isapi_fcgi::isapi;

namespace {

bool has_dot_segment(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view piece = path.substr(start, end - start);
        if (piece == "." || piece == "..") return true;
        start = end + 1;
    }
    return false;
}

/// An independent percent-decoder: whether `in` decodes, and to what.
bool reference_decode(std::string_view in, std::string& out) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
        } else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
            out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
            i += 2;
        } else {
            return false;
        }
    }
    return true;
}

void check_decoding(std::string_view text) {
    std::string got;
    std::string expected;
    const bool ok = isapi::percent_decode(text, got);
    check(ok == reference_decode(text, expected), "percent_decode accepts differently");
    if (ok) check(got == expected, "percent_decode decodes differently");
    check(got.size() <= text.size(), "decoding grew the text");
    const bool dot = isapi::is_dot_segment(text);
    check(dot == (ok && (expected == "." || expected == "..")), "is_dot_segment is wrong");
}

void check_normalize(std::string_view url) {
    const auto normalized = isapi::normalize_url(url);
    if (!normalized) return;
    check(normalized->size() <= url.size(), "normalize_url made the URL longer");
    // The query is kept as it is; the path before it may hold a decoded '?' ("%3F").
    const std::string_view query = url.find('?') == std::string_view::npos ? std::string_view() : url.substr(url.find('?'));
    check(std::string_view(*normalized).ends_with(query), "query changed");
    const std::string_view path = std::string_view(*normalized).substr(0, normalized->size() - query.size());
    check(path.starts_with('/'), "normalized path does not start with '/'");
    check(path.find("//") == std::string_view::npos, "normalized path has an empty segment");
    check(path.find('\\') == std::string_view::npos, "normalized path has a backslash");
    check(path.find('\0') == std::string_view::npos, "normalized path has a NUL");
    check(!has_dot_segment(path), "normalized path has a dot segment");
    // Normalising again changes nothing when decoding cannot (no '%' left in the path) and no
    // decoded '?' would now start a query.
    if (path.find_first_of("%?") == std::string_view::npos) {
        const auto again = isapi::normalize_url(*normalized);
        check(again && *again == *normalized, "normalize_url is not idempotent");
    }
}

void check_mapping(const isapi::url_map& map, std::size_t extensions, std::string_view request_uri,
                   bool send_request_uri, std::string_view script_name, std::string_view path_info,
                   std::string_view method) {
    const auto result = map.map(send_request_uri ? std::optional(request_uri) : std::nullopt,
                                script_name, path_info, method);
    switch (result.status) {
    case isapi::url_map_status::not_found: break;
    case isapi::url_map_status::bad_request:
        check(!result.reason.empty(), "bad_request without a reason");
        break;
    case isapi::url_map_status::matched: {
        const auto& m = result.match;
        check(m.extension < extensions, "matched an extension never added");
        check(m.script_name.empty() || m.script_name.starts_with('/'), "SCRIPT_NAME not rooted");
        check(m.path_info.empty() || m.path_info.starts_with('/'), "PATH_INFO not rooted");
        check(!has_dot_segment(m.script_name), "SCRIPT_NAME holds a dot segment");
        check(!has_dot_segment(m.path_info), "PATH_INFO holds a dot segment");
        if (!m.script_mapped) check(m.url() == m.script_name + m.path_info, "URL is not SCRIPT_NAME + PATH_INFO");
        break;
    }
    }
    // With the same map, SCRIPT_NAME + PATH_INFO alone must not crash either.
    (void)map.map(std::nullopt, script_name, path_info, method);
}

void check_path_mapping(std::string_view root, std::string_view url_path, bool directories) {
    isapi::path_mapping_options options;
    if (directories) options.is_directory = [](const std::string& p) { return p.size() % 2 == 0; };
    const auto result = isapi::map_url_to_path(root, url_path, options);
    if (result.error != isapi::path_mapping_error::none) return;
    const std::string normalized_root = isapi::normalize_document_root(root);
    const std::string& path = result.value.path;
    check(!root.empty(), "mapped without a document root");
    check(normalized_root == "/" || path.starts_with(normalized_root), "mapped path left the root");
    check(result.value.matching_path_length <= path.size(), "matching path longer than the path");
    const std::string_view below = std::string_view(path).substr(normalized_root == "/" ? 0 : normalized_root.size());
    check(below.empty() || below.starts_with('/'), "mapped path glued onto the root");
    check(!has_dot_segment(below), "mapped path climbs with a dot segment");
    check(below.find('\\') == std::string_view::npos, "mapped path kept a backslash");
    check(below.find('\0') == std::string_view::npos, "mapped path has a NUL");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    isapi::url_map_options options;
    options.case_sensitive = in.ConsumeBool();
    options.allow_path_info_for_script_mappings = in.ConsumeBool();
    const bool send_request_uri = in.ConsumeBool();
    const bool directories = in.ConsumeBool();

    isapi::url_map map(options);
    std::size_t extensions = 0;
    const int paths = in.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < paths; ++i) {
        try {
            map.add(in.ConsumeRandomLengthString(64), extensions);
            ++extensions;
        } catch (const std::invalid_argument&) {
        }
    }
    if (in.ConsumeBool()) {
        const std::string pattern = in.ConsumeRandomLengthString(16);
        const std::string prefix = in.ConsumeRandomLengthString(32);
        std::vector<std::string> verbs;
        if (in.ConsumeBool()) verbs = {"GET", "POST"};
        try {
            map.add_script_map(pattern, prefix, verbs, extensions);
            ++extensions;
        } catch (const std::invalid_argument&) {
        }
    }
    const std::string request_uri = in.ConsumeRandomLengthString(256);
    const std::string script_name = in.ConsumeRandomLengthString(128);
    const std::string path_info = in.ConsumeRandomLengthString(128);
    const std::string method = in.ConsumeRandomLengthString(8);
    const std::string root = in.ConsumeRandomLengthString(32);
    const std::string rest = in.ConsumeRemainingBytesAsString();

    for (const std::string* text : {&request_uri, &script_name, &path_info, &rest}) {
        check_decoding(*text);
        check_normalize(*text);
        check_path_mapping(root, *text, directories);
    }
    check_mapping(map, extensions, request_uri, send_request_uri, script_name, path_info, method);
    return 0;
}
