#include "config/validate.hpp"

#include <algorithm>
#include <vector>

#include "config/config_error.hpp"
#include "config/value_parsers.hpp"

namespace isapi_fcgi::config {
namespace {

// One spelling per bindable address, so `tcp:localhost:9000` and `tcp:127.0.0.1:9000` collide.
std::string identity(const listen_address& address) {
    switch (address.type) {
        case listen_address::kind::unix_socket:
            return "unix:" + address.path;
        case listen_address::kind::tcp:
            return "tcp:" + address.host + ':' + std::to_string(address.port);
        case listen_address::kind::inherited_fd:
            break;
        case listen_address::kind::systemd:
            return "systemd:" + address.name;
    }
    return "fd:" + std::to_string(address.fd);
}

struct claimed_address {
    std::string identity;
    std::size_t pool;
};

std::optional<std::string> listen_conflict(const listen_address& address, std::size_t pool_index,
                                           const settings& s,
                                           const std::vector<claimed_address>& claimed) {
    // Port 0 asks the kernel for a fresh port each time, so two of them never collide.
    const bool ephemeral = address.type == listen_address::kind::tcp && address.port == 0;
    const std::string id = identity(address);
    const auto earlier = std::find_if(claimed.begin(), claimed.end(),
                                      [&](const claimed_address& c) { return c.identity == id; });
    if (!ephemeral && earlier != claimed.end()) {
        if (earlier->pool == pool_index) return address.text + " is listed twice in this pool";
        return address.text + " is already used by pool '" + s.pools[earlier->pool].name + "'";
    }
    if (address.type == listen_address::kind::tcp && !is_loopback(address) &&
        s.pools[pool_index].allowed_clients.empty()) {
        return address.text + " is not loopback: list the peers in allowed_clients";
    }
    return std::nullopt;
}

}  // namespace

std::optional<problem> find_problem(const settings& s) {
    if (s.pools.empty()) return problem{"no pools defined", problem::subject::pools, 0, 0};
    std::vector<claimed_address> claimed;
    for (std::size_t i = 0; i < s.pools.size(); ++i) {
        const pool_settings& pool = s.pools[i];
        const auto same_name = [&](const pool_settings& p) { return p.name == pool.name; };
        if (std::any_of(s.pools.begin(), s.pools.begin() + static_cast<std::ptrdiff_t>(i),
                        same_name)) {
            return problem{"duplicate pool name '" + pool.name + "'", problem::subject::pool_name,
                           i, 0};
        }
        if (pool.listen.empty()) {
            return problem{"pool '" + pool.name + "' has no listen address",
                           problem::subject::pool_name, i, 0};
        }
        for (std::size_t j = 0; j < pool.listen.size(); ++j) {
            if (auto reason = listen_conflict(pool.listen[j], i, s, claimed)) {
                return problem{std::move(*reason), problem::subject::listen, i, j};
            }
            claimed.push_back({identity(pool.listen[j]), i});
        }
    }
    return std::nullopt;
}

void validate(const settings& s) {
    if (auto found = find_problem(s)) throw config_error(s.source, std::move(found->reason));
}

}  // namespace isapi_fcgi::config
