// libFuzzer driver for isapi::chunked_decoder, which removes an extension's own chunked framing.
// Two modes, picked by the first byte:
//   even: the rest is a chunked body as an extension might write it, fed whole and again in
//         slices; both runs must give the same status and bytes (framing split anywhere parses
//         the same), and never more data than was given;
//   odd:  the rest is payload, framed here in chunks of fuzzed sizes (with CRLF or bare LF,
//         extensions and a trailer); decoding must give back exactly the payload and `done`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "fuzz_check.hpp"
#include "isapi/chunked_decoder.hpp"

using isapi_fcgi::fuzz::check;
using isapi_fcgi::isapi::chunked_decoder;

namespace {

chunked_decoder::status decode(std::span<const char> in, std::size_t slice, std::string& out) {
    chunked_decoder decoder;
    auto status = chunked_decoder::status::need_more;
    for (std::size_t at = 0; at < in.size() || at == 0; at += slice) {
        status = decoder.feed(in.subspan(at, std::min(slice, in.size() - at)), out);
        check(decoder.done() == (status == chunked_decoder::status::done), "done() disagrees");
        check(decoder.failed() == (status == chunked_decoder::status::error), "failed() disagrees");
        if (in.empty()) break;
    }
    return status;
}

std::string frame(std::span<const char> payload, std::uint8_t seed) {
    std::string out;
    std::uint32_t state = seed * 2654435761u + 7;
    const char* eol = seed & 2 ? "\n" : "\r\n";
    std::size_t at = 0;
    while (at < payload.size()) {
        state = state * 1103515245u + 12345u;
        const std::size_t n = std::min<std::size_t>(1 + (state >> 16) % 300, payload.size() - at);
        char size_line[32];
        std::snprintf(size_line, sizeof size_line, seed & 4 ? "%zX" : "%zx", n);
        out += size_line;
        if (seed & 8) out += " ;name=value";
        out += eol;
        out.append(payload.data() + at, n);
        out += eol;
        at += n;
    }
    out += seed & 16 ? "000" : "0";
    out += eol;
    if (seed & 32) (out += "Trailer-Field: x") += eol;
    out += eol;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t mode = data[0];
    const std::span<const char> rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((mode & 1) == 0) {
        std::string whole;
        std::string sliced;
        const auto a = decode(rest, rest.size() + 1, whole);
        const auto b = decode(rest, 1 + mode / 2 % 17, sliced);
        check(a == b, "slicing changed the status");
        check(whole == sliced, "slicing changed the data");
        check(whole.size() <= rest.size(), "decoded more than was given");
        return 0;
    }
    const std::string framed = frame(rest, mode);
    std::string decoded;
    const auto status = decode(framed, 1 + mode / 2 % 64, decoded);
    check(status == chunked_decoder::status::done, "a well-formed body did not end");
    check(decoded.size() == rest.size() && std::equal(rest.begin(), rest.end(), decoded.begin()),
          "a well-formed body decoded differently");
    return 0;
}
