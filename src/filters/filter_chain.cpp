#include "filters/filter_chain.hpp"

#include <algorithm>

namespace isapi_fcgi::filters {

filter_chain::filter_chain(const std::vector<filter_settings>& settings) {
    ordered_.reserve(settings.size());
    for (const auto& s : settings) ordered_.push_back(std::make_unique<filter_library>(s));
    std::stable_sort(ordered_.begin(), ordered_.end(), [](const auto& a, const auto& b) {
        return a->registration().priority < b->registration().priority;
    });
    for (const auto& f : ordered_) events_ |= f->registration().events;
}

}  // namespace isapi_fcgi::filters
