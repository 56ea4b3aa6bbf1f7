#include "support/fcgi_tap.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "support/fcgi_wire.hpp"

namespace isapi_fcgi::test {

namespace {

constexpr std::size_t max_buffered = 1 << 20;

/// Splits one direction's byte stream into records (type, id) without altering it.
class record_splitter {
public:
    template <typename Handler>
    void feed(const char* data, std::size_t size, Handler&& on_record)
    {
        pending_.append(data, size);
        std::size_t at = 0;
        while (pending_.size() - at >= wire::header_length) {
            auto byte = [&](std::size_t i) { return static_cast<unsigned char>(pending_[at + i]); };
            std::size_t total = wire::header_length + ((std::size_t{byte(4)} << 8u) | byte(5))
                                + byte(6);
            if (pending_.size() - at < total) {
                break;
            }
            on_record(static_cast<std::uint8_t>(byte(1)),
                      static_cast<std::uint16_t>((byte(2) << 8u) | byte(3)));
            at += total;
        }
        pending_.erase(0, at);
    }

private:
    std::string pending_;
};

struct direction {
    int from = -1;
    int to = -1;
    std::string buffer;
    bool eof = false;       ///< `from` reached EOF
    bool shut = false;      ///< `to` was half-closed after the buffer drained
    record_splitter splitter;
};

struct relay {
    int client = -1;
    int server = -1;
    direction up;    ///< web server -> engine
    direction down;  ///< engine -> web server
    std::set<std::uint16_t> active;
    bool dead = false;
    /// The engine's answers wait: a request became active on an idle connection, and neither
    /// a second one nor the hold's deadline came yet.
    bool held = false;
    std::chrono::steady_clock::time_point hold_deadline{};
};

int connect_upstream(const std::string& upstream)
{
    if (upstream.rfind("unix:", 0) != 0) {
        throw std::invalid_argument("fcgi_tap relays to unix sockets only: " + upstream);
    }
    std::string path = upstream.substr(5);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        throw std::system_error(error, std::generic_category(), "tap connect " + upstream);
    }
    return fd;
}

}  // namespace

class fcgi_tap::impl {
public:
    impl(const std::filesystem::path& dir, std::string upstream, std::size_t hold_until,
         std::chrono::milliseconds hold_limit)
        : upstream_(std::move(upstream)),
          path_((dir / "tap.sock").string()),
          hold_until_(hold_until),
          hold_limit_(hold_limit)
    {
        listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
        if (listener_ < 0
            || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0
            || ::listen(listener_, 128) != 0) {
            throw std::system_error(errno, std::generic_category(), "tap listen " + path_);
        }
        wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        thread_ = std::thread([this] { run(); });
    }

    ~impl()
    {
        std::uint64_t one = 1;
        [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
        thread_.join();
        for (auto& r : relays_) {
            close_relay(r);
        }
        ::close(listener_);
        ::close(wake_);
    }

    std::string address() const { return "unix:" + path_; }

    tap_stats stats() const
    {
        std::lock_guard lock(mutex_);
        return stats_;
    }

    tap_stats stats_when_quiet(std::chrono::milliseconds bound) const
    {
        std::unique_lock lock(mutex_);
        quiet_.wait_for(lock, bound, [this] { return stats_.end_requests >= stats_.begin_requests; });
        return stats_;
    }

private:
    void run()
    {
        for (;;) {
            std::vector<pollfd> fds{{wake_, POLLIN, 0}, {listener_, POLLIN, 0}};
            std::vector<std::pair<relay*, bool>> owners;  // (relay, is_client) per extra fd
            for (auto& r : relays_) {
                // A hung-up socket reports POLLHUP even with no events asked for: leave out
                // the fds with nothing to do, or the loop would spin.
                auto entry = [](int fd, short wanted) {
                    return pollfd{wanted != 0 ? fd : -1, wanted, 0};
                };
                fds.push_back(entry(r.client, events(r, r.up, r.down)));
                owners.emplace_back(&r, true);
                fds.push_back(entry(r.server, events(r, r.down, r.up)));
                owners.emplace_back(&r, false);
            }
            if (::poll(fds.data(), fds.size(), poll_timeout_ms()) < 0 && errno != EINTR) {
                return;
            }
            release_expired_holds();
            if ((fds[0].revents & POLLIN) != 0) {
                return;
            }
            if ((fds[1].revents & POLLIN) != 0) {
                accept_one();
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                auto [r, is_client] = owners[i - 2];
                if (fds[i].revents == 0 || r->dead) {
                    continue;
                }
                direction& incoming = is_client ? r->up : r->down;
                direction& outgoing = is_client ? r->down : r->up;
                if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    read_into(*r, incoming, is_client);
                    for (relay* ready : std::exchange(release_later_, {})) {
                        release(*ready);
                    }
                }
                if ((fds[i].revents & POLLOUT) != 0) {
                    flush(*r, outgoing);
                }
            }
            relays_.remove_if([this](relay& r) {
                bool finished = r.dead || (r.up.shut && r.down.shut);
                if (finished) {
                    close_relay(r);
                }
                return finished;
            });
        }
    }

    /// Events for the fd that `in` reads from and `out` writes to.
    static short events(const relay& r, const direction& in, const direction& out)
    {
        short wanted = 0;
        if (!in.eof && in.buffer.size() < max_buffered) {
            wanted |= POLLIN;
        }
        if (!out.buffer.empty() && (&out != &r.down || !r.held)) {
            wanted |= POLLOUT;
        }
        return wanted;
    }

    /// Until the nearest hold deadline, or forever.
    int poll_timeout_ms() const
    {
        std::optional<std::chrono::steady_clock::time_point> nearest;
        for (const auto& r : relays_) {
            if (r.held && (!nearest || r.hold_deadline < *nearest)) {
                nearest = r.hold_deadline;
            }
        }
        if (!nearest) {
            return -1;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            *nearest - std::chrono::steady_clock::now());
        return static_cast<int>(std::max<std::int64_t>(left.count() + 1, 0));
    }

    void release_expired_holds()
    {
        const auto now = std::chrono::steady_clock::now();
        for (auto& r : relays_) {
            if (r.held && now >= r.hold_deadline) {
                release(r);
            }
        }
    }

    void release(relay& r)
    {
        r.held = false;
        flush(r, r.down);
    }

    void accept_one()
    {
        int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) {
            return;
        }
        int server = -1;
        try {
            server = connect_upstream(upstream_);
        } catch (const std::exception&) {
            ::close(client);
            return;
        }
        auto& r = relays_.emplace_back();
        r.client = client;
        r.server = server;
        r.up.from = client;
        r.up.to = server;
        r.down.from = server;
        r.down.to = client;
        std::lock_guard lock(mutex_);
        ++stats_.connections;
    }

    void read_into(relay& r, direction& d, bool from_client)
    {
        char buffer[65536];
        ssize_t got = ::recv(d.from, buffer, sizeof buffer, 0);
        if (got > 0) {
            d.buffer.append(buffer, static_cast<std::size_t>(got));
            if (from_client) {
                d.splitter.feed(buffer, static_cast<std::size_t>(got),
                                [&](std::uint8_t type, std::uint16_t id) { observe(r, true, type, id); });
            }
            flush(r, d);
            return;
        }
        if (got == 0) {
            d.eof = true;
            flush(r, d);
        } else if (errno != EAGAIN && errno != EINTR) {
            r.dead = true;
        }
    }

    void flush(relay& r, direction& d)
    {
        const bool engine_side = &d == &r.down;
        if (engine_side && r.held) {
            return;
        }
        while (!d.buffer.empty()) {
            ssize_t sent = ::send(d.to, d.buffer.data(), d.buffer.size(), MSG_NOSIGNAL);
            if (sent > 0) {
                if (engine_side) {  // the engine's records count once the web server has them
                    d.splitter.feed(d.buffer.data(), static_cast<std::size_t>(sent),
                                    [&](std::uint8_t type, std::uint16_t id) { observe(r, false, type, id); });
                }
                d.buffer.erase(0, static_cast<std::size_t>(sent));
                continue;
            }
            if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
                return;
            }
            r.dead = true;
            return;
        }
        if (d.eof && !d.shut) {
            ::shutdown(d.to, SHUT_WR);
            d.shut = true;
        }
    }

    void observe(relay& r, bool from_client, std::uint8_t type, std::uint16_t id)
    {
        std::lock_guard lock(mutex_);
        if (from_client && type == wire::begin_request) {
            ++stats_.begin_requests;
            r.active.insert(id);
            stats_.max_concurrent_requests = std::max(stats_.max_concurrent_requests,
                                                      r.active.size());
            if (hold_until_ > 0 && r.active.size() == 1 && r.active.size() < hold_until_) {
                r.held = true;
                r.hold_deadline = std::chrono::steady_clock::now() + hold_limit_;
            } else if (r.held && r.active.size() >= hold_until_) {
                release_later_.push_back(&r);
            }
        } else if (from_client && type == wire::get_values) {
            ++stats_.get_values;
        } else if (!from_client && type == wire::end_request) {
            ++stats_.end_requests;
            r.active.erase(id);
            quiet_.notify_all();
        } else if (!from_client && type == wire::get_values_result) {
            ++stats_.get_values_results;
        }
    }

    static void close_relay(relay& r)
    {
        ::close(r.client);
        ::close(r.server);
    }

    std::string upstream_;
    std::string path_;
    std::size_t hold_until_;
    std::chrono::milliseconds hold_limit_;
    std::vector<relay*> release_later_;  // relay thread only: released after the current read
    int listener_ = -1;
    int wake_ = -1;
    std::list<relay> relays_;  // relay thread only
    mutable std::mutex mutex_;
    mutable std::condition_variable quiet_;
    tap_stats stats_;  // guarded by mutex_
    std::thread thread_;
};

fcgi_tap::fcgi_tap(const std::filesystem::path& dir, std::string upstream, std::size_t hold_until,
                   std::chrono::milliseconds hold_limit)
    : impl_(std::make_unique<impl>(dir, std::move(upstream), hold_until, hold_limit))
{
}

fcgi_tap::~fcgi_tap() = default;

std::string fcgi_tap::address() const { return impl_->address(); }

tap_stats fcgi_tap::stats_when_quiet(std::chrono::milliseconds bound) const
{
    return impl_->stats_when_quiet(bound);
}

tap_stats fcgi_tap::stats() const { return impl_->stats(); }

}  // namespace isapi_fcgi::test
