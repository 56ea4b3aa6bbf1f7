#include "filters/filter_host.hpp"

#include <algorithm>
#include <atomic>

#include <fmt/format.h>

namespace isapi_fcgi::filters {

struct filter_host::entry {
    entry(const filter_chain& chain, std::uint64_t id, bool secure) : session(chain, id, secure) {}
    bool busy = false;  // a lease holds it; guarded by the table's mutex
    filter_session session;
    std::atomic<clock::time_point> last_used{clock::now()};  // written by a lease's release
    bool single_use = false;  // no REMOTE_PORT: ends at the next sweep
};

filter_host::lease& filter_host::lease::operator=(lease&& other) noexcept {
    if (this != &other) {
        release();
        host_ = other.host_;
        entry_ = std::move(other.entry_);
    }
    return *this;
}

filter_host::lease::~lease() { release(); }

filter_session& filter_host::lease::session() const noexcept { return entry_->session; }

void filter_host::lease::release() noexcept {
    if (!entry_) return;
    {
        const std::lock_guard lock(host_->table_mutex_);
        entry_->last_used = clock::now();
        entry_->busy = false;
        entry_.reset();
    }
    host_->released_.notify_all();
}

filter_host::filter_host(const std::vector<filter_settings>& filters, filter_host_options options)
    : chain_(filters), options_(options) {}

filter_host::~filter_host() { sweep(clock::now(), true); }

filter_host::lease filter_host::acquire(std::string_view remote_addr, std::string_view remote_port, bool secure) {
    const auto now = clock::now();
    sweep(now);
    std::shared_ptr<entry> found;
    {
        std::unique_lock lock(table_mutex_);
        const std::uint64_t id = next_connection_id_++;
        std::string key = remote_port.empty() ? fmt::format("#{}", id) : fmt::format("{}|{}", remote_addr, remote_port);
        auto it = table_.find(key);
        if (it == table_.end()) {
            auto fresh = std::make_shared<entry>(chain_, id, secure);
            fresh->single_use = remote_port.empty();
            it = table_.emplace(std::move(key), std::move(fresh)).first;
        }
        found = it->second;
        released_.wait(lock, [&] { return !found->busy; });
        found->busy = true;
        found->last_used = now;
    }
    lease held;
    held.host_ = this;
    held.entry_ = std::move(found);
    return held;
}

void filter_host::sweep(clock::time_point now, bool all) {
    std::vector<std::shared_ptr<entry>> ended;
    {
        const std::lock_guard lock(table_mutex_);
        const auto idle_since = now - options_.session_timeout;
        for (auto it = table_.begin(); it != table_.end();) {
            // use_count 1: only the table holds it, so no lease does and none waits for it.
            const bool idle = it->second.use_count() == 1;
            if (idle && (all || it->second->single_use || it->second->last_used.load() < idle_since)) {
                ended.push_back(std::move(it->second));
                it = table_.erase(it);
            } else {
                ++it;
            }
        }
        if (table_.size() > options_.max_sessions) {
            std::vector<std::map<std::string, std::shared_ptr<entry>>::iterator> idle;
            for (auto it = table_.begin(); it != table_.end(); ++it)
                if (it->second.use_count() == 1) idle.push_back(it);
            std::sort(idle.begin(), idle.end(),
                      [](const auto& a, const auto& b) { return a->second->last_used.load() < b->second->last_used.load(); });
            for (auto& it : idle) {
                if (table_.size() <= options_.max_sessions) break;
                ended.push_back(std::move(it->second));
                table_.erase(it);
            }
        }
    }
    ended.clear();  // END_OF_NET_SESSION, outside the table's lock
}

std::size_t filter_host::sessions() const {
    const std::lock_guard lock(table_mutex_);
    return table_.size();
}

}  // namespace isapi_fcgi::filters
