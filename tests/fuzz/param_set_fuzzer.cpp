// libFuzzer driver for the PARAMS decoding: fcgi::for_each_pair (name-value pairs, FastCGI 1.0
// §3.4) and fcgi::param_set::parse, which the engine runs on every request's PARAMS stream.
// Checked against a model built from the pairs: duplicates merged into the first occurrence
// ("; " for HTTP_COOKIE, ", " otherwise), arrival order kept, every name found; and the pairs
// re-encoded with append_pair decode to the same pairs.
//
// Input layout: the raw PARAMS stream, as the demultiplexer hands it over.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fcgi/name_value.hpp"
#include "fcgi/param_set.hpp"
#include "fuzz_check.hpp"

using isapi_fcgi::fuzz::check;
namespace fcgi = isapi_fcgi::fcgi;

namespace {

using pair_list = std::vector<std::pair<std::string, std::string>>;

std::error_code decode(std::string_view stream, pair_list& out) {
    return fcgi::for_each_pair(stream, [&](std::string_view name, std::string_view value) {
        check(name.data() >= stream.data() && value.data() + value.size() <= stream.data() + stream.size(),
              "a pair points outside its stream");
        out.emplace_back(name, value);
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string raw(reinterpret_cast<const char*>(data), size);

    pair_list pairs;
    const std::error_code pairs_ec = decode(raw, pairs);

    fcgi::param_set params;
    const std::error_code parse_ec = fcgi::param_set::parse(raw, params);
    check(static_cast<bool>(pairs_ec) == static_cast<bool>(parse_ec), "parse and for_each_pair disagree");
    if (parse_ec) {
        check(parse_ec == fcgi::errc::name_value_truncated, "an unexpected parse error");
        check(params.empty(), "a failed parse left params behind");
    }

    // Whatever was decoded re-encodes into a stream that decodes to the same pairs.
    std::string encoded;
    for (const auto& [name, value] : pairs) {
        fcgi::append_pair(encoded, name, value);
    }
    check(encoded.size() <= raw.size(), "the shortest encoding is longer than the input");
    pair_list again;
    check(!decode(encoded, again), "a re-encoded stream does not decode");
    check(again == pairs, "a re-encoded stream decodes differently");
    if (parse_ec) return 0;

    // The model: first-arrival order, merged values.
    std::vector<std::string> order;
    std::map<std::string, std::string, std::less<>> merged;
    for (const auto& [name, value] : pairs) {
        auto [it, fresh] = merged.try_emplace(name, value);
        if (fresh) {
            order.push_back(name);
        } else {
            it->second += name == "HTTP_COOKIE" ? "; " : ", ";
            it->second += value;
        }
    }
    check(params.size() == order.size(), "param count differs from the distinct names");
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto p = params[i];
        check(p.name == order[i], "arrival order lost");
        check(p.value == merged.find(order[i])->second, "merged value differs");
        const auto found = params.find(order[i]);
        check(found && *found == p.value, "find() misses a name");
    }
    check(params.memory_bytes() >= raw.size(), "memory_bytes() under-counts");
    return 0;
}
