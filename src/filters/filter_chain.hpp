#pragma once
// A pool's filters in the order IIS calls them: by the priority GetFilterVersion registered
// (high, medium, low), and in configuration order among filters of one priority.
#include <memory>
#include <vector>

#include "filters/filter_library.hpp"

namespace isapi_fcgi::filters {

class filter_chain {
public:
    /// Loads every filter, in configuration order; throws (from filter_library) on the first that
    /// cannot load, after unloading those already loaded.
    explicit filter_chain(const std::vector<filter_settings>& settings);

    /// Calling order.
    const std::vector<std::unique_ptr<filter_library>>& filters() const noexcept { return ordered_; }
    bool empty() const noexcept { return ordered_.empty(); }
    /// The union of every filter's events: an event nobody registered costs nothing.
    DWORD events() const noexcept { return events_; }

private:
    std::vector<std::unique_ptr<filter_library>> ordered_;
    DWORD events_ = 0;
};

}  // namespace isapi_fcgi::filters
