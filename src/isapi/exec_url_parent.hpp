#pragma once
// What an HSE_REQ_EXEC_URL child's channel (child_channel) needs of its parent request: the
// parent's own channel (the strand, the serial, the unread body), and where the child's output
// and its end go. isapi_request implements it; the child never sees the concrete class.
// Everything here runs on the parent's connection strand.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/request.hpp"

namespace isapi_fcgi::isapi {

class request_channel;

class exec_url_parent {
public:
    virtual request_channel& channel() const noexcept = 0;
    virtual std::string_view log_context() const noexcept = 0;
    /// Child response bytes for the EXEC_URL operation `exec_id`; `handler` runs once they are
    /// written (or with an error when the operation is over).
    virtual void child_output(std::uint64_t exec_id, std::span<const std::byte> borrowed, std::string owned,
                              engine::request::write_handler handler) = 0;
    /// The child's response ended: `win32_error` ERROR_SUCCESS, or ERROR_OPERATION_ABORTED when it
    /// could not end normally. Completes the operation `exec_id`.
    virtual void child_ended(std::uint64_t exec_id, unsigned status, std::uint32_t win32_error) = 0;

protected:
    ~exec_url_parent() = default;
};

}  // namespace isapi_fcgi::isapi
