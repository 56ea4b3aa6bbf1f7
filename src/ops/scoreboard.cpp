#include "ops/scoreboard.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>
#include <utility>

namespace isapi_fcgi::ops {
namespace {

constexpr std::uint64_t board_magic = 0x69736170'69736231;  // "isapisb1"

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::size_t board_size(std::uint32_t slots) {
    return sizeof(board_header) + std::size_t{slots} * sizeof(worker_slot);
}

void add(counter& to, const counter& from) noexcept {
    to.fetch_add(from.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

void add(request_counters& to, const request_counters& from) noexcept {
    add(to.requests, from.requests);
    add(to.finished, from.finished);
    add(to.pending, from.pending);
    add(to.slow, from.slow);
    add(to.timed_out, from.timed_out);
    for (std::size_t i = 0; i < std::size(to.status_classes); ++i) add(to.status_classes[i], from.status_classes[i]);
    for (std::size_t i = 0; i < status_code_count; ++i) add(to.status_codes[i], from.status_codes[i]);
    add(to.saturated, from.saturated);
    add(to.bytes_in, from.bytes_in);
    add(to.bytes_out, from.bytes_out);
    add(to.internal, from.internal);
    for (std::size_t e = 0; e < max_extensions; ++e) {
        add(to.extensions[e].requests, from.extensions[e].requests);
        add(to.extensions[e].errors, from.extensions[e].errors);
        add(to.extensions[e].duration_us, from.extensions[e].duration_us);
        for (std::size_t b = 0; b < latency_buckets; ++b)
            add(to.extensions[e].buckets[b], from.extensions[e].buckets[b]);
    }
}

}  // namespace

template <std::size_t Bytes>
void shared_text<Bytes>::store(std::string_view text) noexcept {
    // The last byte stays NUL, so a reader always finds an end.
    const std::size_t n = std::min(text.size(), Bytes - 1);
    for (std::size_t w = 0; w < Bytes / 8; ++w) {
        std::uint64_t word = 0;
        const std::size_t at = w * 8;
        if (at < n) std::memcpy(&word, text.data() + at, std::min<std::size_t>(8, n - at));
        words[w].store(word, std::memory_order_relaxed);
    }
}

template <std::size_t Bytes>
std::string shared_text<Bytes>::load() const {
    char bytes[Bytes];
    for (std::size_t w = 0; w < Bytes / 8; ++w) {
        const std::uint64_t word = words[w].load(std::memory_order_relaxed);
        std::memcpy(bytes + w * 8, &word, 8);
    }
    bytes[Bytes - 1] = '\0';
    return std::string(bytes, strnlen(bytes, Bytes));
}

template struct shared_text<64>;
template struct shared_text<248>;
template struct shared_text<256>;
template struct shared_text<512>;

std::string_view to_string(restart_cause cause) noexcept {
    switch (cause) {
    case restart_cause::crash: return "crash";
    case restart_cause::exit: return "exit";
    case restart_cause::max_requests: return "max_requests";
    case restart_cause::max_rss: return "max_rss";
    case restart_cause::recycle_interval: return "recycle_interval";
    case restart_cause::unhealthy: return "unhealthy";
    case restart_cause::request_timeout: return "request_timeout";
    case restart_cause::reload: return "reload";
    case restart_cause::windows_worker_crash: return "windows_worker_crash";
    case restart_cause::count: break;
    }
    return "unknown";
}

std::string_view to_string(slot_state state) noexcept {
    switch (state) {
    case slot_state::free: return "free";
    case slot_state::starting: return "starting";
    case slot_state::ready: return "ready";
    case slot_state::draining: return "draining";
    }
    return "unknown";
}

scoreboard scoreboard::create(std::string_view pool, std::uint32_t slots) {
    const std::string name = "isapi-fcgi-" + std::string(pool);
    const int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC);
    if (fd < 0) fail("memfd_create");
    const std::size_t size = board_size(slots);
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        fail("ftruncate (scoreboard)");
    }
    scoreboard board;
    board.map(fd, size, true);
    board.header_->slot_count.store(slots, std::memory_order_relaxed);
    return board;
}

scoreboard scoreboard::attach(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail("fstat (scoreboard)");
    scoreboard board;
    board.map(fd, static_cast<std::size_t>(st.st_size), false);
    if (board.header_->magic.load() != board_magic) {
        errno = EINVAL;
        fail("scoreboard descriptor");
    }
    return board;
}

scoreboard scoreboard::local() {
    scoreboard board;
    board.map(-1, board_size(1), true);
    board.header_->slot_count.store(1, std::memory_order_relaxed);
    return board;
}

void scoreboard::map(int fd, std::size_t size, bool fresh) {
    const int flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (base == MAP_FAILED) {
        const int saved = errno;
        if (fd >= 0) ::close(fd);
        errno = saved;
        fail("mmap (scoreboard)");
    }
    fd_ = fd;
    base_ = base;
    size_ = size;
    // Fresh memfd and anonymous pages are zero: every atomic starts as 0 (free, running...).
    header_ = static_cast<board_header*>(base);
    slots_ = reinterpret_cast<worker_slot*>(static_cast<char*>(base) + sizeof(board_header));
    if (fresh) {
        header_->magic.store(board_magic);
        header_->started_unix_ms.store(unix_ms());
    }
}

scoreboard::scoreboard(scoreboard&& other) noexcept { *this = std::move(other); }

scoreboard& scoreboard::operator=(scoreboard&& other) noexcept {
    if (this == &other) return *this;
    this->~scoreboard();
    fd_ = std::exchange(other.fd_, -1);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    header_ = std::exchange(other.header_, nullptr);
    slots_ = std::exchange(other.slots_, nullptr);
    return *this;
}

scoreboard::~scoreboard() {
    if (base_) ::munmap(base_, size_);
    if (fd_ >= 0) ::close(fd_);
    base_ = nullptr;
    header_ = nullptr;
    fd_ = -1;
}

std::uint32_t scoreboard::extension_name_index(std::string_view name) const noexcept {
    const std::uint32_t used = header_->extension_names_used.load();
    for (std::uint32_t i = 0; i < used; ++i)
        if (header_->extension_names[i].load() == name) return i;
    if (used >= max_extensions) return static_cast<std::uint32_t>(max_extensions);
    header_->extension_names[used].store(name);
    header_->extension_names_used.store(used + 1);
    return used;
}

void reset_slot(worker_slot& slot, std::uint32_t worker_id, std::uint64_t generation) noexcept {
    // The slot is free: no worker writes it, so zeroing it field by field is race-free.
    std::memset(static_cast<void*>(&slot), 0, sizeof(slot));
    slot.worker_id.store(worker_id);
    slot.generation.store(generation);
    slot.started_unix_ms.store(unix_ms());
    slot.state.store(static_cast<std::uint32_t>(slot_state::starting));
}

void retire_slot(board_header& header, worker_slot& slot) noexcept {
    header.seq.fetch_add(1, std::memory_order_acq_rel);
    add(header.retired, slot.totals);
    const auto busy = slot.max_busy_threads.load();
    if (busy > header.max_busy_threads.load()) header.max_busy_threads.store(busy);
    slot.state.store(static_cast<std::uint32_t>(slot_state::free), std::memory_order_release);
    header.seq.fetch_add(1, std::memory_order_acq_rel);
}

void record_restart(board_header& header, restart_cause cause, std::uint32_t worker_id, int pid,
                    std::string_view detail) noexcept {
    header.restarts[static_cast<std::size_t>(cause)].fetch_add(1);
    const std::uint64_t n = header.event_count.load();
    auto& event = header.events[n % max_events];
    event.unix_ms.store(unix_ms());
    event.worker_id.store(worker_id);
    event.pid.store(pid);
    event.cause.store(static_cast<std::uint32_t>(cause));
    event.detail.store(detail);
    header.event_count.store(n + 1);
}

std::int64_t monotonic_ms() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

std::int64_t unix_ms() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace isapi_fcgi::ops
