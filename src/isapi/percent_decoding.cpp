#include "isapi/percent_decoding.hpp"

#include "isapi/ascii.hpp"

namespace isapi_fcgi::isapi {

bool percent_decode(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (in.size() - i < 3) return false;
        const int high = ascii::hex_value(in[i + 1]);
        const int low = ascii::hex_value(in[i + 2]);
        if (high < 0 || low < 0) return false;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return true;
}

bool is_dot_segment(std::string_view segment) {
    if (segment.size() > 6) return false;  // "%2e%2e" is the longest spelling
    std::string decoded;
    if (!percent_decode(segment, decoded)) return false;
    return decoded == "." || decoded == "..";
}

}  // namespace isapi_fcgi::isapi
