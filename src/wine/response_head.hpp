#pragma once
// The status a relayed response gives the client, read from the CGI header block the Windows
// worker writes first (`Status: 404 Not Found`, or `Location:` for 302, else 200), and the body
// bytes after that block: what the access log, status and metrics report for a Wine
// extension's request. Pure: fed the response bytes in pieces as they pass.
#include <cstdint>
#include <string>
#include <string_view>

namespace isapi_fcgi::wine {

class response_head {
public:
    /// The next piece of the response as relayed to the front end.
    void add(std::string_view piece);

    /// The status of a complete header block; 0 before one was seen (or when it never ended
    /// within the bound, which the front end rejects too).
    unsigned status() const noexcept { return status_; }
    std::uint64_t body_bytes() const noexcept { return body_bytes_; }

private:
    void parse(std::string_view block);

    std::string head_;  // until the block ends
    bool complete_ = false;
    bool abandoned_ = false;
    unsigned status_ = 0;
    std::uint64_t body_bytes_ = 0;
};

}  // namespace isapi_fcgi::wine
