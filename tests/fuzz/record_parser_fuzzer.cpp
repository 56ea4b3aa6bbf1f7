// libFuzzer driver for fcgi::record_parser: the stream is fed in slices whose sizes come from the
// input, and every event is compared with an independent walk of the record headers. The parser
// promises that any slicing parses the same, that content pieces add up to content_length, and
// that it always makes progress.
//
// Input layout: [0] slicing seed, then the FastCGI byte stream.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fcgi/errc.hpp"
#include "fcgi/record_parser.hpp"
#include "fuzz_check.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using fuzz::check;

struct parsed_record {
    record_header header;
    std::string content;
};

struct outcome {
    std::vector<parsed_record> records;
    bool bad_version = false;
    bool mid_record = false;
};

/// The records a correct parser must report, read straight off the bytes.
outcome reference_walk(std::span<const std::byte> stream) {
    outcome out;
    std::size_t at = 0;
    while (stream.size() - at >= header_size) {
        const auto* h = reinterpret_cast<const unsigned char*>(stream.data() + at);
        if (h[0] != protocol_version) {
            out.bad_version = true;
            return out;
        }
        parsed_record r;
        r.header.version = h[0];
        r.header.type = h[1];
        r.header.request_id = static_cast<std::uint16_t>(h[2] << 8 | h[3]);
        r.header.content_length = static_cast<std::uint16_t>(h[4] << 8 | h[5]);
        r.header.padding_length = h[6];
        const std::size_t whole = header_size + r.header.content_length + r.header.padding_length;
        if (stream.size() - at < whole) {
            out.mid_record = true;
            return out;
        }
        r.content.assign(reinterpret_cast<const char*>(stream.data() + at + header_size),
                         r.header.content_length);
        out.records.push_back(std::move(r));
        at += whole;
    }
    out.mid_record = at != stream.size();
    return out;
}

outcome parse_in_slices(std::span<const std::byte> stream, std::uint8_t seed) {
    outcome out;
    record_parser parser;
    std::uint32_t state = seed * 2654435761u + 1;
    bool in_record = false;
    std::size_t at = 0;
    while (at < stream.size()) {
        state = state * 1103515245u + 12345u;
        const std::size_t slice = seed == 0 ? stream.size() - at : 1 + (state >> 16) % 23;
        std::span<const std::byte> piece = stream.subspan(at, std::min(slice, stream.size() - at));
        at += piece.size();
        while (true) {
            std::error_code ec;
            const auto step = parser.next(piece, ec);
            check(step.consumed <= piece.size(), "consumed more than it was given");
            if (ec) {
                check(ec == errc::bad_version, "an error other than bad_version");
                out.bad_version = true;
                return out;
            }
            piece = piece.subspan(step.consumed);
            switch (step.what) {
            case record_parser::event::need_more:
                check(piece.empty(), "need_more with input left");
                break;
            case record_parser::event::header:
                check(!in_record, "a header inside a record");
                in_record = true;
                out.records.push_back({parser.header(), {}});
                break;
            case record_parser::event::content:
                check(in_record, "content outside a record");
                check(!step.content.empty(), "an empty content piece");
                check(step.content.size() == step.consumed, "content piece and consumed disagree");
                out.records.back().content.append(reinterpret_cast<const char*>(step.content.data()),
                                                  step.content.size());
                check(out.records.back().content.size() <= parser.header().content_length,
                      "more content than content_length");
                break;
            case record_parser::event::end_of_record:
                check(in_record, "end of a record never begun");
                check(out.records.back().content.size() == parser.header().content_length,
                      "record ended short of content_length");
                in_record = false;
                break;
            }
            if (step.what == record_parser::event::need_more) break;
        }
    }
    // A record with neither content nor padding ends at the next call, even without input.
    std::error_code ec;
    if (in_record && parser.header().content_length == 0 && parser.header().padding_length == 0) {
        const auto step = parser.next({}, ec);
        check(step.what == record_parser::event::end_of_record, "an empty record did not end");
        in_record = false;
    }
    out.mid_record = parser.mid_record();
    check(!in_record || out.mid_record, "mid_record false inside a record");
    if (in_record) out.records.pop_back();  // the reference walk only lists whole records
    return out;
}

}  // namespace
}  // namespace isapi_fcgi::fcgi

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace isapi_fcgi::fcgi;
    if (size < 1) return 0;
    const auto stream = std::as_bytes(std::span(data + 1, size - 1));
    const outcome expected = reference_walk(stream);
    const outcome got = parse_in_slices(stream, data[0]);
    isapi_fcgi::fuzz::check(got.bad_version == expected.bad_version, "bad_version disagrees");
    isapi_fcgi::fuzz::check(got.records.size() == expected.records.size(), "record counts disagree");
    for (std::size_t i = 0; i < got.records.size(); ++i) {
        isapi_fcgi::fuzz::check(got.records[i].header == expected.records[i].header, "headers disagree");
        isapi_fcgi::fuzz::check(got.records[i].content == expected.records[i].content, "contents disagree");
    }
    if (!expected.bad_version)
        isapi_fcgi::fuzz::check(got.mid_record == expected.mid_record, "mid_record disagrees");
    return 0;
}
