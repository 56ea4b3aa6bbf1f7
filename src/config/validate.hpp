#pragma once
// Rules that span keys or pools, checked once every value has been read on its own: at least
// one pool, unique pool names, no listen address twice, and TCP beyond loopback only with an
// explicit allowed_clients list.
#include <cstddef>
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace isapi_fcgi::config {

/// The first rule `settings` breaks, and which part of it to point at.
struct problem {
    enum class subject { pools, pool_name, listen };
    std::string reason;
    subject about = subject::pools;
    std::size_t pool = 0;    ///< for pool_name and listen
    std::size_t listen = 0;  ///< for listen: the index in pools[pool].listen
};

/// Checks the rules in file order (pool by pool, listen entry by entry); nullopt when all hold.
std::optional<problem> find_problem(const settings& s);

/// For settings built in code: throws config_error(`s.source`, reason) on the first broken rule.
/// The loader runs the same rules and reports them with the line and column.
void validate(const settings& s);

}  // namespace isapi_fcgi::config
