#pragma once
// "METHOD URI", NUL-terminated: what the runtime's call context names a request by
// (call_context_scope). Built once per request; held inline when short, as nearly every URL is,
// so naming the request costs no allocation and no formatting.
#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

class call_url {
public:
    call_url() = default;
    call_url(std::string_view method, std::string_view uri) {
        const std::size_t size = method.size() + 1 + uri.size();
        char* out = inline_.data();
        if (size >= inline_.size()) {
            heap_.resize(size);
            out = heap_.data();
        }
        std::copy(method.begin(), method.end(), out);
        out[method.size()] = ' ';
        std::copy(uri.begin(), uri.end(), out + method.size() + 1);
        out[size] = '\0';
    }
    call_url(const call_url&) = delete;
    call_url& operator=(const call_url&) = delete;
    call_url& operator=(call_url&&) = delete;

    const char* c_str() const noexcept { return heap_.empty() ? inline_.data() : heap_.c_str(); }

private:
    std::array<char, 128> inline_{};
    std::string heap_;
};

}  // namespace isapi_fcgi::isapi
