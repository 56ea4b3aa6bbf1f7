#pragma once
// One call that sends or receives, as an entry of the request's operation queue
// (operation_queue.hpp), and what it ends with. Plain data: who runs it is isapi_request
// (request_operations.cpp); where its completion goes is completion_strand.hpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <isapi/httpext.h>

#include "isapi/exec_url.hpp"
#include "isapi/send_job.hpp"

namespace isapi_fcgi::isapi {

/// Where an I/O completion goes: the callback registered with HSE_REQ_IO_COMPLETION, or an
/// operation's own (TransmitFile's pfnHseIO). The extension's function pointer and context, as
/// the C ABI gives them.
struct completion_target {
    PFN_HSE_IO_COMPLETION callback = nullptr;
    void* context = nullptr;
};

/// How an operation ended: what a synchronous caller returns (`ok`, else FALSE with `error` as
/// the last error) and what a completion callback receives (`bytes`, `error`).
struct op_result {
    bool ok = true;
    std::uint32_t error = 0;  // a Win32 error code (ERROR_SUCCESS)
    std::uint32_t bytes = 0;
};

/// A blocked caller's slot, on its own stack.
struct sync_waiter {
    bool done = false;
    op_result result;
};

struct io_op {
    enum class kind : std::uint8_t { write, header, redirect, host_header, read, send, exec, finish };
    kind what = kind::write;
    std::string_view label;                               // the ISAPI call, for log lines
    std::uint64_t id = 0;                                 // set when it starts
    std::uint32_t ecb_status = 200;                       // dwHttpStatusCode at the call
    std::span<const char> data;                           // write
    std::optional<std::string_view> status, headers;      // header (the caller waits)
    std::span<std::byte> into;                            // read
    std::shared_ptr<send_job> job;                        // send (shared with a file read)
    std::string text;                                     // redirect: the location;
                                                          // host_header: the status
    std::string header_text;                              // host_header: its header lines
    sync_waiter* waiter = nullptr;                        // a blocked caller, or
    bool async = false;                                   // a completion to post, or neither
    completion_target target;                             // async: overrides the registered one
    std::shared_ptr<exec_url_request> exec;               // exec: the child asked for
};

}  // namespace isapi_fcgi::isapi

namespace isapi_fcgi::isapi {

/// What an operation fails with once the client is gone: IIS reports ERROR_OPERATION_ABORTED to
/// completions and ERROR_NETNAME_DELETED to synchronous calls.
constexpr std::uint32_t gone_error(bool async) noexcept {
    return async ? ERROR_OPERATION_ABORTED : ERROR_NETNAME_DELETED;
}

}  // namespace isapi_fcgi::isapi
