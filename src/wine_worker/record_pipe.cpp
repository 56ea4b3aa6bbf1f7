#include "record_pipe.hpp"

#include <string>

#include "fcgi/record_header.hpp"
#include "fcgi/record_writer.hpp"
#include "wine/link_protocol.hpp"

namespace isapi_fcgi::wine_worker {

bool record_pipe::write_all(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0 && !broken_) {
        DWORD written = 0;
        const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(size, 1u << 20));
        if (!WriteFile(out_, bytes, chunk, &written, nullptr) || written == 0) broken_ = true;
        bytes += written;
        size -= written;
    }
    return !broken_;
}

bool record_pipe::write_stream(fcgi::record_type type, std::uint16_t id, std::string_view data) {
    // One buffer per call, so a record goes out in one WriteFile (pipes keep small writes whole).
    std::string framed;
    wine::append_records(framed, type, id, data);
    std::lock_guard lock(mutex_);
    return write_all(framed.data(), framed.size());
}

bool record_pipe::write_message(std::uint16_t id, std::string_view message) {
    std::string framed;
    wine::append_message(framed, id, message);
    std::lock_guard lock(mutex_);
    return write_all(framed.data(), framed.size());
}

bool record_pipe::end_stream(fcgi::record_type type, std::uint16_t id) {
    const auto header = fcgi::encode_header(type, id, 0);
    std::lock_guard lock(mutex_);
    return write_all(header.data(), header.size());
}

bool record_pipe::end_request(std::uint16_t id, std::uint32_t app_status) {
    const auto record = fcgi::encode_end_request(id, app_status, fcgi::protocol_status::request_complete);
    std::lock_guard lock(mutex_);
    return write_all(record.data(), record.size());
}

}  // namespace isapi_fcgi::wine_worker
