// libFuzzer driver for the FastCGI demultiplexer: the same feed() the engine calls, with the
// split points, the limits and the application's timing of request_ended() all taken from the
// input. Invariants the codec promises are checked on every event; a broken one aborts.
//
// Input layout: 4 control bytes, then the FastCGI byte stream.
//   [0] limits selector   [1] slicing seed   [2] request_ended policy   [3] reserved
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fcgi/demultiplexer.hpp"
#include "fcgi/errc.hpp"
#include "fcgi/name_value.hpp"
#include "fcgi/record_writer.hpp"

namespace isapi_fcgi::fcgi {
namespace {

[[noreturn]] void broken(const char* what, unsigned id) {
    std::fprintf(stderr, "invariant broken: %s (request id %u)\n", what, id);
    std::abort();
}

void check(bool ok, const char* what, unsigned id = 0) {
    if (!ok) broken(what, id);
}

// Small limits reach the too-large and forgotten-id paths with short inputs.
demux_limits limits_for(std::uint8_t selector) {
    static constexpr std::size_t params[] = {0, 1, 16, 100, 1024, 64 * 1024, 65535, 200000};
    static constexpr std::size_t remembered[] = {0, 1, 3, 64};
    return {params[selector & 7], remembered[(selector >> 3) & 3]};
}

/// Where a request stands, as far as the handler was told.
struct request_model {
    enum stage { begun, rejected, params_done, stdin_done };
    stage at = begun;
};

class checking_handler final : public demux_handler {
public:
    checking_handler(demux_limits limits, std::uint8_t policy) : limits_(limits), policy_(policy) {}

    void attach(demultiplexer& demux) { demux_ = &demux; }

    /// Events whose content does not depend on slicing, joined into a digest, so that two runs
    /// over the same stream can be compared.
    std::string log;
    bool ended_on_stdin_piece = false;

    void on_begin_request(std::uint16_t id, bool keep_conn) override {
        check(id != null_request_id, "BEGIN with id 0", id);
        check(!requests_.contains(id), "begin for a request the handler knows", id);
        requests_[id] = {};
        note('B', id, keep_conn);
        maybe_end(id, 0);
    }

    void on_unsupported_role(std::uint16_t id, std::uint16_t role_value, bool keep_conn) override {
        check(id != null_request_id, "unsupported role with id 0", id);
        check(role_value != static_cast<std::uint16_t>(role::responder),
              "responder reported as unsupported", id);
        check(!requests_.contains(id), "role for a request the handler knows", id);
        requests_[id] = {request_model::rejected};
        note('R', id, keep_conn);
        maybe_end(id, 1);
    }

    void on_params(std::uint16_t id, param_set params) override {
        auto& r = known(id, "params");
        check(r.at == request_model::begun, "params twice or after too-large", id);
        // Merging only drops length bytes and names and adds separators, so the names and values
        // together never exceed the raw stream that was bounded by the limit.
        std::size_t payload = 0;
        for (std::size_t i = 0; i < params.size(); ++i) {
            payload += params[i].name.size() + params[i].value.size();
            check(params.find(params[i].name).has_value(), "a listed name cannot be found", id);
        }
        check(payload <= limits_.max_params_bytes, "params beyond max_params_bytes", id);
        r.at = request_model::params_done;
        note('P', id, params.size());
        maybe_end(id, 2);
    }

    void on_params_too_large(std::uint16_t id) override {
        auto& r = known(id, "too-large");
        check(r.at == request_model::begun, "too-large twice or after params", id);
        r.at = request_model::rejected;
        note('T', id, 0);
        maybe_end(id, 3);
    }

    void on_stdin(std::uint16_t id, std::span<const std::byte> data) override {
        auto& r = known(id, "stdin");
        check(r.at == request_model::params_done, "stdin before params or after its end", id);
        check(data.size() <= max_content_length, "stdin piece larger than a record", id);
        if (data.empty()) {
            r.at = request_model::stdin_done;
            note('E', id, 0);
            maybe_end(id, 4);
            return;
        }
        stdin_bytes_ += data.size();
        if ((policy_ & 0x80) && (std::to_integer<unsigned>(data[0]) & 7) == 0) {
            ended_on_stdin_piece = true;
            end(id);
        }
    }

    void on_abort_request(std::uint16_t id) override {
        known(id, "abort");
        note('A', id, 0);
        maybe_end(id, 5);
    }

    void on_get_values(const param_set& query) override {
        note('G', 0, query.size());
        // Answer as the engine would, and check the answer is a well-formed record.
        const auto answer = encode_get_values_result(
            query, [](std::string_view name) -> std::optional<std::string> {
                if (name == "FCGI_MAX_CONNS") return "1024";
                if (name == "FCGI_MAX_REQS") return std::string(name.size() % 5 + 1, '7');
                if (name.starts_with("FCGI_MPXS")) return "1";
                return std::nullopt;
            });
        check(answer.size() >= header_size && answer.size() % 8 == 0,
              "GET_VALUES_RESULT not padded");
        const auto length = static_cast<std::size_t>(static_cast<unsigned char>(answer[4]) << 8 |
                                                     static_cast<unsigned char>(answer[5]));
        check(header_size + length + static_cast<unsigned char>(answer[6]) == answer.size(),
              "GET_VALUES_RESULT length fields disagree");
        const auto ec =
            for_each_pair(std::string_view(answer).substr(header_size, length),
                          [&](std::string_view name, std::string_view) {
                              check(query.find(name).has_value(), "answered a name not asked");
                          });
        check(!ec, "GET_VALUES_RESULT pairs do not decode");
    }

    void on_unknown_type(std::uint8_t type) override {
        check(is_management_type(type), "unknown_type for an application type", type);
        const auto answer = encode_unknown_type(type);
        check(std::to_integer<std::uint8_t>(answer[8]) == type, "UNKNOWN_TYPE body lost the type");
        note('U', type, 0);
    }

    void on_discarded(const record_header& h, discard_reason reason) override {
        switch (reason) {
        case discard_reason::ended_request:
            check(ended_.contains(h.request_id), "ended_request for an id the handler never ended",
                  h.request_id);
            [[fallthrough]];
        case discard_reason::unknown_request:
            check(!demux_->is_active(h.request_id), "discarded as inactive but active",
                  h.request_id);
            check(!requests_.contains(h.request_id), "discarded as inactive but the handler has it",
                  h.request_id);
            break;
        case discard_reason::unexpected_type:
        case discard_reason::after_end_of_stream:
            check(demux_->is_active(h.request_id), "discarded from an active request but inactive",
                  h.request_id);
            break;
        }
        note('D', h.request_id, static_cast<unsigned>(reason) * 256 + h.type);
    }

    /// After the whole input: the demultiplexer and the handler agree on who is active.
    void check_final() const {
        check(demux_->active_requests() == requests_.size(),
              "active count disagrees with the handler");
        for (const auto& [id, r] : requests_)
            check(demux_->is_active(id), "handler's request inactive", id);
    }

private:
    request_model& known(std::uint16_t id, const char* event) {
        auto it = requests_.find(id);
        if (it == requests_.end()) broken(event, id);
        check(demux_->is_active(id), "event for an inactive id", id);
        return it->second;
    }

    void note(char kind, unsigned id, std::size_t detail) {
        log += kind;
        log += std::to_string(id);
        log += ':';
        log += std::to_string(detail);
        log += ' ';
    }

    // The policy byte decides, per event kind, whether the application answers at once, and
    // whether it also ends the lowest other active request (the "another id" case).
    void maybe_end(std::uint16_t id, unsigned event_bit) {
        if (policy_ & (1u << event_bit)) end(id);
        if ((policy_ & 0x40) && event_bit == 4 && !requests_.empty()) end(requests_.begin()->first);
    }

    void end(std::uint16_t id) {
        demux_->request_ended(id);
        requests_.erase(id);
        ended_.insert_or_assign(id, true);
        check(!demux_->is_active(id), "still active after request_ended", id);
    }

    demux_limits limits_;
    std::uint8_t policy_;
    demultiplexer* demux_ = nullptr;
    std::map<std::uint16_t, request_model> requests_;
    std::map<std::uint16_t, bool> ended_;  // every id the handler ever ended
    std::size_t stdin_bytes_ = 0;
};

/// Where the stream stops, judged by walking record headers independently of the parser.
bool ends_mid_record(std::span<const std::byte> stream) {
    std::size_t at = 0;
    while (stream.size() - at >= header_size) {
        const auto b = [&](std::size_t i) { return std::to_integer<std::size_t>(stream[at + i]); };
        at += header_size + (b(4) << 8 | b(5)) + b(6);
        if (at > stream.size()) return true;
    }
    return at != stream.size();
}

struct run_result {
    std::string log;
    std::error_code ec;
    bool slicing_dependent = false;
};

run_result run(std::span<const std::byte> stream, demux_limits limits, std::uint8_t policy,
               std::uint8_t slicing_seed, bool whole) {
    checking_handler handler(limits, policy);
    demultiplexer demux(limits, handler);
    handler.attach(demux);

    std::error_code ec = demux.feed({});
    check(!ec, "empty feed failed");
    std::uint32_t state = 0x9e3779b9u ^ slicing_seed;
    std::size_t at = 0;
    while (!ec && at < stream.size()) {
        std::size_t n = stream.size() - at;
        if (!whole) {
            // xorshift: mostly short slices (header and length edges), sometimes long ones.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            n = std::min<std::size_t>(n, (state & 3) ? state % 11 : state % 4096);
        }
        ec = demux.feed(stream.subspan(at, n));
        at += n;
    }
    if (!ec) {
        handler.check_final();
        check(demux.mid_record() == ends_mid_record(stream),
              "mid_record() disagrees with the stream");
    }
    return {std::move(handler.log), ec, handler.ended_on_stdin_piece};
}

}  // namespace
}  // namespace isapi_fcgi::fcgi

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace isapi_fcgi::fcgi;
    if (size < 4) return 0;
    const auto limits = limits_for(data[0]);
    const std::uint8_t slicing_seed = data[1];
    const std::uint8_t policy = data[2];
    const std::span<const std::byte> stream(reinterpret_cast<const std::byte*>(data + 4), size - 4);

    const auto sliced = run(stream, limits, policy, slicing_seed, false);
    const auto whole = run(stream, limits, policy, slicing_seed, true);
    // The slicing must not change what the application is told, unless the application itself
    // ended a request in the middle of a STDIN record, which is slicing-dependent by design.
    if (!sliced.slicing_dependent && !whole.slicing_dependent) {
        check(sliced.ec == whole.ec, "slicing changed the error");
        check(sliced.log == whole.log, "slicing changed the events");
    }
    return 0;
}
