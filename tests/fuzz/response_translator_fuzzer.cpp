// libFuzzer driver for isapi::response_translator: a fuzzed sequence of the calls an extension
// makes (send_response_header with status/headers, WriteClient, a redirect, the end of the
// request, an error response), with fuzzed ECB status codes and options. Whatever the
// extension does, at most one CGI header block goes out, it is well formed and within
// max_header_bytes, and body_bytes() counts exactly the body bytes handed out.
//
// Input layout (FuzzedDataProvider): options, then operations until the input runs out.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "header_checks.hpp"
#include "isapi/response_errc.hpp"
#include "isapi/response_translator.hpp"

using isapi_fcgi::fuzz::check;
namespace isapi = isapi_fcgi::isapi;

namespace {

std::optional<std::string> maybe_string(FuzzedDataProvider& in, std::size_t max) {
    if (in.ConsumeIntegralInRange(0, 7) == 0) return std::nullopt;
    return in.ConsumeRandomLengthString(max);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    isapi::response_translator_options options;
    options.max_header_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
    options.max_buffered_header_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 2048);
    options.cgi_headers_in_body = in.ConsumeBool();
    if (in.ConsumeBool()) options.default_content_type.clear();
    if (in.ConsumeBool()) options.extra_header_lines = "X-Accel-Buffering: no\r\n";
    isapi::response_translator translator(options);

    std::size_t header_blocks = 0;
    std::uint64_t body_bytes = 0;
    for (int op = 0; in.remaining_bytes() > 0 && op < 64; ++op) {
        const auto ecb_status = in.ConsumeIntegralInRange<std::uint32_t>(0, 1100);
        isapi::response_bytes out;
        std::error_code ec;
        const bool sent_before = translator.headers_sent();
        const int call = in.ConsumeIntegralInRange(0, 5);
        std::size_t out_body = 0;
        switch (call) {
        case 0: {
            const auto status = maybe_string(in, 64);
            const auto headers = maybe_string(in, 512);
            ec = translator.send_response_header(status, headers, ecb_status, out);
            break;
        }
        case 1:
        case 2: {
            const std::string bytes = in.ConsumeRandomLengthString(512);
            ec = translator.write(bytes, ecb_status, out);
            // body_view borrows from `bytes`: count it while it is alive.
            out_body = out.body_size();
            out.body_view = {};
            break;
        }
        case 3: ec = translator.send_redirect(in.ConsumeRandomLengthString(128), out); break;
        case 4: ec = translator.finish(ecb_status, out); break;
        case 5: out = translator.error_response(in.ConsumeIntegralInRange<unsigned>(0, 1100)); break;
        }
        if (ec) check(&ec.category() == &isapi::response_category(), "an error outside response_errc");
        if (call != 1 && call != 2) out_body = out.body_size();
        body_bytes += out_body;
        if (!out.header_bytes.empty()) {
            ++header_blocks;
            check(!sent_before, "a second header block");
            check(translator.headers_sent(), "a header block went out unrecorded");
            // error_response's own block is fixed and small; the extension's must fit the front
            // end's buffer with the record header and nginx's two spare bytes.
            const std::size_t limit = call == 5 ? 4096 : options.max_header_bytes - std::min<std::size_t>(options.max_header_bytes, 10);
            isapi_fcgi::fuzz::check_cgi_header_block(out.header_bytes, limit, call != 5);
            const unsigned code = translator.status_code();
            check(code >= 100 && code <= 999, "status_code() out of range");
        } else if (!ec) {
            check(out_body == 0 || sent_before, "body bytes before any header block");
        }
        check(header_blocks <= 1, "more than one header block");
        check(translator.body_bytes() == body_bytes, "body_bytes() miscounts");
    }
    return 0;
}
