#pragma once
// sd_notify(3) without libsystemd: the protocol is one datagram of NAME=VALUE lines to the
// AF_UNIX socket named by NOTIFY_SOCKET, which systemd documents as a stable interface. A no-op
// when NOTIFY_SOCKET is unset, so the same binary runs in containers and terminals.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::ops {

class systemd_notify {
public:
    /// Reads NOTIFY_SOCKET and WATCHDOG_USEC (honoured when WATCHDOG_PID is unset or ours), then
    /// unsets them so workers do not talk to systemd.
    systemd_notify();
    ~systemd_notify();
    systemd_notify(const systemd_notify&) = delete;
    systemd_notify& operator=(const systemd_notify&) = delete;

    bool enabled() const noexcept { return fd_ >= 0; }
    /// Sends `message` ("READY=1\nSTATUS=..."); false when disabled or the send failed.
    bool send(std::string_view message) const noexcept;
    void ready(std::string_view status) const;
    void reloading() const;
    void stopping() const;
    void status(std::string_view status) const;
    void watchdog() const;
    /// How often to ping the watchdog (half of WATCHDOG_USEC), when systemd asks for it.
    std::optional<std::chrono::milliseconds> watchdog_interval() const noexcept { return watchdog_; }

private:
    int fd_ = -1;
    std::string address_;
    std::optional<std::chrono::milliseconds> watchdog_;
};

}  // namespace isapi_fcgi::ops
