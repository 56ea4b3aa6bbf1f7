#include "support/fcgi_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace isapi_fcgi::test {

namespace {

struct socket_address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

socket_address resolve(const std::string& address)
{
    socket_address result;
    if (address.rfind("unix:", 0) == 0) {
        std::string path = address.substr(5);
        sockaddr_un un{};
        if (path.size() >= sizeof un.sun_path) {
            throw std::invalid_argument("unix socket path too long: " + path);
        }
        un.sun_family = AF_UNIX;
        std::memcpy(un.sun_path, path.c_str(), path.size() + 1);
        std::memcpy(&result.storage, &un, sizeof un);
        result.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
        result.family = AF_UNIX;
        return result;
    }
    if (address.rfind("tcp:", 0) != 0) {
        throw std::invalid_argument("address must be unix:PATH or tcp:HOST:PORT: " + address);
    }
    std::string rest = address.substr(4);
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
        throw std::invalid_argument("no port in " + address);
    }
    std::string host = rest.substr(0, colon);
    auto port = static_cast<std::uint16_t>(std::stoul(rest.substr(colon + 1)));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        if (::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &in6.sin6_addr) != 1) {
            throw std::invalid_argument("bad IPv6 address in " + address);
        }
        std::memcpy(&result.storage, &in6, sizeof in6);
        result.length = sizeof in6;
        result.family = AF_INET6;
        return result;
    }
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &in.sin_addr) != 1) {
        throw std::invalid_argument("bad IPv4 address in " + address);
    }
    std::memcpy(&result.storage, &in, sizeof in);
    result.length = sizeof in;
    result.family = AF_INET;
    return result;
}

std::uint16_t read_u16(const std::string& bytes, std::size_t at)
{
    return static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[at]) << 8u)
                                      | static_cast<unsigned char>(bytes[at + 1]));
}

std::uint32_t read_u32(const std::string& bytes, std::size_t at)
{
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24u)
           | (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16u)
           | (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8u)
           | static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

std::string type_name(std::uint8_t type)
{
    static const char* const names[] = {"0",          "BEGIN_REQUEST", "ABORT_REQUEST",
                                        "END_REQUEST", "PARAMS",       "STDIN",
                                        "STDOUT",      "STDERR",       "DATA",
                                        "GET_VALUES",  "GET_VALUES_RESULT", "UNKNOWN_TYPE"};
    return type < std::size(names) ? names[type] : std::to_string(type);
}

}  // namespace

fcgi_client::fcgi_client(const std::string& address, deadline until)
{
    auto target = resolve(address);
    for (;;) {
        fd_ = ::socket(target.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd_ < 0) {
            throw std::system_error(errno, std::generic_category(), "socket");
        }
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target.storage), target.length)
            == 0) {
            break;
        }
        int error = errno;
        if (error == EINPROGRESS) {
            pollfd writable{fd_, POLLOUT, 0};
            if (::poll(&writable, 1, poll_timeout_ms(until)) == 1) {
                int so_error = 0;
                socklen_t length = sizeof so_error;
                ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &length);
                if (so_error == 0) {
                    break;
                }
                error = so_error;
            } else {
                error = ETIMEDOUT;
            }
        }
        ::close(fd_);
        fd_ = -1;
        // A unix listener with a full backlog answers EAGAIN: try again until the deadline.
        if (error != EAGAIN || clock::now() >= until) {
            throw std::system_error(error, std::generic_category(), "connect " + address);
        }
        pollfd none{-1, 0, 0};
        ::poll(&none, 0, 5);
    }
    if (target.family != AF_UNIX) {
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

fcgi_client::~fcgi_client() { close(); }

void fcgi_client::close()
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void fcgi_client::set_receive_buffer(int bytes)
{
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

// ---- writing ----

std::error_code fcgi_client::write_some(std::string_view bytes, deadline until)
{
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            bytes_sent_ += static_cast<std::size_t>(sent);
            continue;
        }
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent < 0 && errno != EAGAIN) {
            return {errno, std::generic_category()};
        }
        pollfd events{fd_, static_cast<short>(POLLOUT | (read_while_sending_ ? POLLIN : 0)), 0};
        int ready = ::poll(&events, 1, poll_timeout_ms(until));
        if (ready == 0) {
            return std::make_error_code(std::errc::timed_out);
        }
        if (ready > 0 && read_while_sending_ && (events.revents & POLLIN) != 0) {
            receive_available();
        }
    }
    return {};
}

std::error_code fcgi_client::try_raw(std::string_view bytes, deadline until)
{
    if (fd_ < 0) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    if (!byte_by_byte_) {
        return write_some(bytes, until);
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (auto ec = write_some(bytes.substr(i, 1), until)) {
            return ec;
        }
    }
    return {};
}

void fcgi_client::send_bytes(std::string_view bytes)
{
    if (auto ec = try_raw(bytes, deadline_after(send_timeout_))) {
        throw std::system_error(ec, "fcgi_client send");
    }
}

void fcgi_client::raw(std::string_view bytes) { send_bytes(bytes); }

void fcgi_client::expect_pipelined(std::uint16_t id, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        auto& state = requests_[id];
        if (!state.begun || state.ended) {
            state = request_state{};
            state.begun = true;
        } else {
            ++queued_begins_[id];
        }
    }
}

void fcgi_client::begin(std::uint16_t id, bool keep_conn, std::uint16_t role)
{
    auto& state = requests_[id];
    if (!state.begun || state.ended) {
        state = request_state{};
        state.begun = true;
    }
    send_bytes(wire::encode_record(wire::begin_request, id,
                                   wire::encode_begin_body(role, keep_conn ? wire::keep_conn : 0),
                                   padding_));
}

void fcgi_client::params(std::uint16_t id, const wire::param_list& pairs, std::size_t max_record,
                         bool terminate)
{
    params_bytes(id, wire::encode_pairs(pairs), max_record, terminate);
}

void fcgi_client::params_bytes(std::uint16_t id, std::string_view bytes, std::size_t max_record,
                               bool terminate)
{
    std::string out = wire::encode_stream(wire::params, id, bytes, max_record, padding_);
    if (terminate) {
        out += wire::encode_record(wire::params, id, {}, padding_);
    }
    send_bytes(out);
}

void fcgi_client::stdin_data(std::uint16_t id, std::string_view bytes, std::size_t max_record,
                             bool terminate)
{
    std::string out = wire::encode_stream(wire::stdin_stream, id, bytes, max_record, padding_);
    if (terminate) {
        out += wire::encode_record(wire::stdin_stream, id, {}, padding_);
    }
    send_bytes(out);
}

void fcgi_client::abort(std::uint16_t id)
{
    send_bytes(wire::encode_record(wire::abort_request, id, {}, padding_));
}

void fcgi_client::get_values(const std::vector<std::string>& names)
{
    wire::param_list pairs;
    for (const auto& name : names) {
        pairs.emplace_back(name, "");
    }
    send_bytes(wire::encode_record(wire::get_values, 0, wire::encode_pairs(pairs), padding_));
}

void fcgi_client::record(std::uint8_t type, std::uint16_t id, std::string_view content)
{
    send_bytes(wire::encode_record(type, id, content, padding_));
}

void fcgi_client::request(std::uint16_t id, const wire::param_list& pairs, std::string_view body,
                          bool keep_conn)
{
    begin(id, keep_conn);
    params(id, pairs);
    stdin_data(id, body);
}

void fcgi_client::shutdown_write()
{
    if (fd_ >= 0) {
        ::shutdown(fd_, SHUT_WR);
    }
}

// ---- reading ----

void fcgi_client::receive_available()
{
    ++read_batch_;
    char buffer[65536];
    while (fd_ >= 0 && !eof_) {
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got > 0) {
            bytes_received_ += static_cast<std::size_t>(got);
            input_.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0) {
            eof_ = true;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN) {
            eof_ = true;
            reset_ = errno == ECONNRESET;
        }
        break;
    }
    parse_input();
}

void fcgi_client::poll_input() { receive_available(); }

bool fcgi_client::read_until(const std::function<bool()>& done, deadline until)
{
    for (;;) {
        if (done()) {
            return true;
        }
        if (eof_ || fd_ < 0) {
            return false;
        }
        pollfd readable{fd_, POLLIN, 0};
        int ready = ::poll(&readable, 1, poll_timeout_ms(until));
        if (ready == 0 && clock::now() >= until) {
            return done();
        }
        if (ready > 0) {
            receive_available();
        }
    }
}

bool fcgi_client::wait_end(std::uint16_t id, deadline until)
{
    return read_until([this, id] { return requests_[id].ended; }, until);
}

bool fcgi_client::wait_eof(deadline until)
{
    read_until([this] { return eof_; }, until);
    return eof_;
}

const request_state& fcgi_client::state(std::uint16_t id) { return requests_[id]; }

void fcgi_client::parse_input()
{
    std::size_t at = 0;
    while (input_.size() - at >= wire::header_length) {
        std::size_t content_length = read_u16(input_, at + 4);
        std::size_t padding_length = static_cast<unsigned char>(input_[at + 6]);
        std::size_t total = wire::header_length + content_length + padding_length;
        if (input_.size() - at < total) {
            break;
        }
        wire::record record;
        record.version = static_cast<std::uint8_t>(input_[at]);
        record.type = static_cast<std::uint8_t>(input_[at + 1]);
        record.request_id = read_u16(input_, at + 2);
        record.content = input_.substr(at + wire::header_length, content_length);
        record.padding_length = static_cast<std::uint8_t>(padding_length);
        at += total;
        on_record(std::move(record));
    }
    input_.erase(0, at);
    if (eof_ && !input_.empty() && !allow_truncated_close_) {
        violation("connection closed with " + std::to_string(input_.size())
                  + " bytes of an incomplete record");
    }
    if (eof_) {
        input_.clear();
    }
}

void fcgi_client::violation(std::string text) { violations_.push_back(std::move(text)); }

void fcgi_client::on_record(wire::record record)
{
    if (record.version != wire::version_1) {
        violation("record version " + std::to_string(record.version));
    }
    if ((record.content.size() + record.padding_length) % 8 != 0) {
        ++unaligned_records_;
    }
    const std::string where =
        type_name(record.type) + " for id " + std::to_string(record.request_id);
    switch (record.type) {
    case wire::stdout_stream:
    case wire::stderr_stream:
    case wire::end_request: {
        if (record.request_id == 0) {
            violation(where + ": application record on the management id");
            break;
        }
        auto& state = requests_[record.request_id];
        if (auto queued = queued_begins_.find(record.request_id);
            state.ended && queued != queued_begins_.end() && queued->second > 0) {
            --queued->second;
            state = request_state{};
            state.begun = true;
        }
        if (!state.begun) {
            violation(where + ": that id was never begun by the client");
        }
        if (state.ended) {
            violation(where + ": after that request's END_REQUEST");
        }
        if (record.type == wire::end_request) {
            if (record.content.size() != 8) {
                violation(where + ": END_REQUEST body of " + std::to_string(record.content.size())
                          + " bytes");
                break;
            }
            if (!state.out.empty() && !state.out_closed) {
                violation(where + ": END_REQUEST without the empty STDOUT record");
            }
            if (auto body = last_body_batch_.find(record.request_id);
                body != last_body_batch_.end()) {
                if (body->second != read_batch_) {
                    ++ends_split_from_body_;
                }
                last_body_batch_.erase(body);
            }
            state.ended = true;
            state.app_status = read_u32(record.content, 0);
            state.protocol_status = static_cast<std::uint8_t>(record.content[4]);
            ++ended_count_;
        } else {
            on_stream(state, record, record.type == wire::stdout_stream);
        }
        break;
    }
    case wire::get_values_result:
    case wire::unknown_type:
        if (record.request_id != 0) {
            violation(where + ": management record with a non-zero id");
        }
        if (record.type == wire::get_values_result) {
            auto pairs = wire::decode_pairs(record.content);
            if (!pairs) {
                violation(where + ": malformed name-value pairs");
            } else {
                values_results_.push_back(std::move(*pairs));
            }
        } else if (record.content.size() != 8) {
            violation(where + ": UNKNOWN_TYPE body of " + std::to_string(record.content.size())
                      + " bytes");
        } else {
            unknown_types_.push_back(static_cast<std::uint8_t>(record.content[0]));
        }
        break;
    default:
        violation("server sent record type " + where);
        break;
    }
    records_.push_back(std::move(record));
}

void fcgi_client::on_stream(request_state& state, const wire::record& record, bool is_stdout)
{
    bool& closed = is_stdout ? state.out_closed : state.err_closed;
    if (closed) {
        violation(type_name(record.type) + " for id " + std::to_string(record.request_id)
                  + " after its empty terminating record");
    }
    if (record.content.empty()) {
        closed = true;
        return;
    }
    if (is_stdout) {
        last_body_batch_[record.request_id] = read_batch_;
        state.out += record.content;
        ++state.stdout_records;
    } else {
        state.err += record.content;
        ++state.stderr_records;
    }
}

}  // namespace isapi_fcgi::test
