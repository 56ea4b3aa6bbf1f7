#include "ops/status_snapshot.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace isapi_fcgi::ops {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

struct queue_figures {
    std::uint32_t length = 0;
    std::uint32_t limit = 0;
};

// TCP: the kernel reports a listener's accept queue in tcpi_unacked and its backlog in
// tcpi_sacked (php-fpm reads the same two fields).
std::optional<queue_figures> tcp_queue(int fd) {
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return std::nullopt;
    return queue_figures{info.tcpi_unacked, info.tcpi_sacked};
}

rtattr* next_attribute(rtattr* attr, int& left) {
    const auto step = RTA_ALIGN(attr->rta_len);
    left -= static_cast<int>(step);
    return reinterpret_cast<rtattr*>(reinterpret_cast<char*>(attr) + step);
}

// Unix sockets: sock_diag answers the same question by inode (UNIX_DIAG_RQLEN: for a listener,
// the queue length and the backlog).
std::optional<queue_figures> unix_queue(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return std::nullopt;
    const int nl = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0) return std::nullopt;
    struct {
        nlmsghdr header;
        unix_diag_req request;
    } message{};
    message.header.nlmsg_len = sizeof(message);
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.request.sdiag_family = AF_UNIX;
    message.request.udiag_states = ~0U;
    message.request.udiag_ino = static_cast<__u32>(st.st_ino);
    message.request.udiag_show = UDIAG_SHOW_RQLEN;
    message.request.udiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
    std::optional<queue_figures> result;
    timeval timeout{0, 200'000};
    ::setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (::send(nl, &message, sizeof(message), 0) == static_cast<ssize_t>(sizeof(message))) {
        alignas(nlmsghdr) char buffer[1024];
        const ssize_t n = ::recv(nl, buffer, sizeof(buffer), 0);
        auto* h = reinterpret_cast<nlmsghdr*>(buffer);
        if (n > 0 && NLMSG_OK(h, static_cast<unsigned>(n)) && h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
            auto* msg = reinterpret_cast<unix_diag_msg*>(buffer + NLMSG_HDRLEN);
            int left = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(*msg)));
            for (auto* attr = reinterpret_cast<rtattr*>(msg + 1); left > 0 && RTA_OK(attr, left); attr = next_attribute(attr, left)) {
                if (attr->rta_type != UNIX_DIAG_RQLEN) continue;
                unix_diag_rqlen rq{};
                std::memcpy(&rq, reinterpret_cast<char*>(attr) + RTA_LENGTH(0), sizeof(rq));
                result = queue_figures{rq.udiag_rqueue, rq.udiag_wqueue};
            }
        }
    }
    ::close(nl);
    return result;
}

std::optional<queue_figures> listen_queue(int fd) {
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return std::nullopt;
    if (local.ss_family == AF_UNIX) return unix_queue(fd);
    return tcp_queue(fd);
}

void read_counters(const request_counters& c, pool_snapshot& out, std::vector<extension_figures>& extensions) {
    out.requests += c.requests.load(relaxed);
    out.finished += c.finished.load(relaxed);
    out.pending_total += c.pending.load(relaxed);
    out.slow += c.slow.load(relaxed);
    out.timed_out += c.timed_out.load(relaxed);
    out.internal += c.internal.load(relaxed);
    out.bytes_in += c.bytes_in.load(relaxed);
    out.bytes_out += c.bytes_out.load(relaxed);
    for (std::size_t i = 0; i < out.status_classes.size(); ++i) out.status_classes[i] += c.status_classes[i].load(relaxed);
    for (std::size_t i = 0; i < status_code_count; ++i) out.status_codes[i] += c.status_codes[i].load(relaxed);
    out.saturated += c.saturated.load(relaxed);
    for (std::size_t e = 0; e < extensions.size(); ++e) {
        const auto& from = c.extensions[e];
        auto& to = extensions[e];
        to.requests += from.requests.load(relaxed);
        to.errors += from.errors.load(relaxed);
        to.duration_us += from.duration_us.load(relaxed);
        for (std::size_t b = 0; b < latency_buckets; ++b) to.buckets[b] += from.buckets[b].load(relaxed);
    }
}

pool_snapshot read_once(const scoreboard& board, std::string_view pool) {
    const auto& h = board.header();
    pool_snapshot out;
    out.pool = std::string(pool);
    out.started_unix_ms = h.started_unix_ms.load(relaxed);
    out.now_unix_ms = unix_ms();
    out.stopped = h.state.load(relaxed) == static_cast<std::uint32_t>(pool_state::stopped);
    out.stop_reason = h.stop_reason.load();
    out.reload_failed = h.reload_failed.load(relaxed) != 0;
    out.reload_error = h.reload_error.load();
    out.reloads_done = h.reloads[0].load(relaxed);
    out.reloads_failed = h.reloads[1].load(relaxed);
    out.generation = h.generation.load(relaxed);
    out.configured_workers = h.configured_workers.load(relaxed);
    out.max_busy_threads = h.max_busy_threads.load(relaxed);
    for (std::size_t i = 0; i < out.restarts.size(); ++i) out.restarts[i] = h.restarts[i].load(relaxed);
    const auto events = h.event_count.load();
    for (std::uint64_t k = 0; k < std::min<std::uint64_t>(events, max_events); ++k) {
        const auto& e = h.events[(events - 1 - k) % max_events];
        out.recent_restarts.push_back({e.unix_ms.load(relaxed), e.worker_id.load(relaxed), e.pid.load(relaxed),
                                       std::string(to_string(static_cast<restart_cause>(e.cause.load(relaxed)))),
                                       e.detail.load()});
    }
    const auto now_ms = monotonic_ms();
    for (const auto& q : h.quarantine)
        if (const auto until = q.until_ms.load(); until > now_ms)
            out.quarantined.push_back({q.line.load(), until - now_ms, q.refused.load(relaxed)});
    out.quarantined_total = h.quarantined_total.load(relaxed);
    const auto names = std::min<std::uint32_t>(h.extension_names_used.load(), max_extensions);
    out.extensions.resize(names);
    for (std::uint32_t i = 0; i < names; ++i) {
        out.extensions[i].name = h.extension_names[i].load();
        out.extensions[i].load_error = h.extension_load_error[i].load();
        if (auto stopped = h.extension_stop_reason[i].load(); !stopped.empty() && out.extensions[i].load_error.empty())
            out.extensions[i].load_error = "stopped: " + stopped;
    }
    read_counters(h.retired, out, out.extensions);

    const auto now = monotonic_ms();
    for (std::uint32_t s = 0; s < board.slot_count(); ++s) {
        const auto& slot = board.slot(s);
        const auto state = static_cast<slot_state>(slot.state.load(std::memory_order_acquire));
        if (state == slot_state::free) continue;
        read_counters(slot.totals, out, out.extensions);
        worker_figures w;
        w.id = slot.worker_id.load(relaxed);
        w.pid = slot.pid.load(relaxed);
        w.generation = slot.generation.load(relaxed);
        w.state = state;
        w.started_unix_ms = slot.started_unix_ms.load(relaxed);
        w.requests = slot.totals.requests.load(relaxed);
        w.in_flight = slot.in_flight.load(relaxed);
        w.pending = slot.pending_now.load(relaxed);
        w.busy_threads = slot.busy_threads.load(relaxed);
        w.threads = slot.extension_threads.load(relaxed);
        out.max_busy_threads = std::max(out.max_busy_threads, slot.max_busy_threads.load(relaxed));
        for (const auto& t : slot.requests) {
            const auto serial = t.serial.load(std::memory_order_acquire);
            if (serial == 0) continue;
            request_figures r;
            r.serial = serial;
            r.line = t.line.load();
            const auto ext = t.extension.load(relaxed);
            if (ext < slot.extension_count.load(relaxed)) {
                const auto name = slot.extension_name_index[ext].load(relaxed);
                if (name < names) r.extension = out.extensions[name].name;
            }
            r.age_ms = now - t.started_ms.load(relaxed);
            r.pending = t.pending.load(relaxed) != 0;
            const auto since = t.in_code_since_ms.load(relaxed);
            r.in_code_ms = since ? now - since : -1;
            r.answered = (t.holders.load(relaxed) & 1U) == 0;
            w.requests_in_flight.push_back(std::move(r));
        }
        for (std::uint32_t e = 0; e < std::min<std::uint32_t>(slot.extension_count.load(relaxed), max_extensions); ++e) {
            const int pid = slot.windows_pid[e].load(relaxed);
            const auto name = slot.extension_name_index[e].load(relaxed);
            if (pid > 0 && name < names) w.windows_workers.push_back({out.extensions[name].name, pid, 0});
        }
        if (state == slot_state::ready) {
            ++out.workers_ready;
            // Threads of workers that still accept work; a draining worker's are on their way out.
            out.total_threads += w.threads;
        } else if (state == slot_state::starting) {
            ++out.workers_starting;
        } else {
            ++out.workers_draining;
        }
        out.busy_threads += w.busy_threads;
        out.in_flight += w.in_flight;
        out.pending_now += w.pending;
        out.workers.push_back(std::move(w));
    }
    return out;
}

}  // namespace

pool_snapshot take_snapshot(const scoreboard& board, std::string_view pool, std::span<const int> listen_fds) {
    pool_snapshot out;
    const auto& h = board.header();
    for (int attempt = 0; attempt < 100; ++attempt) {
        const auto before = h.seq.load(std::memory_order_acquire);
        if (before % 2 != 0) continue;
        out = read_once(board, pool);
        if (h.seq.load(std::memory_order_acquire) == before) break;
    }
    for (auto& w : out.workers) {
        w.process = read_process_figures(w.pid);
        w.rss_bytes = w.process ? w.process->resident_bytes : 0;
        for (auto& windows : w.windows_workers) windows.rss_bytes = resident_bytes(windows.pid);
    }
    for (const int fd : listen_fds) {
        if (const auto q = listen_queue(fd)) {
            out.listen_queue = out.listen_queue.value_or(0) + q->length;
            out.listen_queue_limit = out.listen_queue_limit.value_or(0) + q->limit;
        }
    }
    auto& max = board.header().max_listen_queue;  // shared by every reader: the longest any saw
    for (auto seen = max.load(relaxed); out.listen_queue && *out.listen_queue > seen;)
        if (max.compare_exchange_weak(seen, *out.listen_queue, relaxed)) break;
    out.max_listen_queue = max.load(relaxed);
    return out;
}

std::uint64_t resident_bytes(int pid) {
    if (pid <= 0) return 0;
    char path[64];
    std::snprintf(path, sizeof(path), "/proc/%d/statm", pid);
    std::FILE* f = std::fopen(path, "re");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    const int n = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    if (n != 2) return 0;
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace isapi_fcgi::ops
