#pragma once
// The Windows worker's end of the link (src/wine/link_protocol.hpp): whole FastCGI records
// written to the Linux worker through the stdout pipe handle moved aside at start-up. Any thread
// may write; a record is never interleaved with another.
#include <windows.h>

#include <cstdint>
#include <mutex>
#include <string_view>

#include "fcgi/protocol.hpp"

#include "srw_sync.hpp"

namespace isapi_fcgi::wine_worker {

class record_pipe {
public:
    explicit record_pipe(HANDLE out) : out_(out) {}

    /// A stream payload of any size, as records of at most 65535 bytes; false once the pipe broke.
    bool write_stream(fcgi::record_type type, std::uint16_t id, std::string_view data);
    /// A STDERR message on `id`: one record, or consecutive "more "/"last " records when it is
    /// longer (wine::append_message).
    bool write_message(std::uint16_t id, std::string_view message);
    /// The empty record that ends a stream.
    bool end_stream(fcgi::record_type type, std::uint16_t id);
    bool end_request(std::uint16_t id, std::uint32_t app_status);

private:
    bool write_all(const void* data, std::size_t size);

    HANDLE out_;
    srw_mutex mutex_;
    bool broken_ = false;
};

}  // namespace isapi_fcgi::wine_worker
