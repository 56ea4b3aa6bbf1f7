#pragma once
// What HSE_REQ_TRANSMIT_FILE and HSE_REQ_VECTOR_SEND send, in order: memory buffers borrowed
// from the extension (ISAPI keeps them valid until the operation completes) and byte ranges of
// files. A file range is read with pread into one buffer of at most chunk_size bytes at a time,
// so a file of any size streams with bounded memory, and through the job's own dup() of the
// descriptor: the extension's file position never moves, many requests may share one handle,
// and the extension may close its handle once the completion has run. No sockets here; the
// request sends what the job yields.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace isapi_fcgi::isapi {

class send_job {
public:
    /// Below FastCGI's 65535-byte record limit and a multiple of 8, so a chunk is one record.
    static constexpr std::size_t chunk_size = 65528;

    /// HSE_IO_SEND_HEADERS: a status and a header block sent before the segments.
    struct header_part {
        std::optional<std::string> status;
        std::optional<std::string> headers;
    };

    send_job() = default;
    ~send_job();
    send_job(const send_job&) = delete;
    send_job& operator=(const send_job&) = delete;

    void add_memory(std::span<const char> bytes);
    /// Adds `length` bytes of `fd` from `offset`; length 0 means to the end of the file.
    /// Returns a Win32 error code: ERROR_SUCCESS (0), ERROR_INVALID_HANDLE (not an open regular
    /// file) or WSAEINVAL (offset past the end of the file, as IIS answers).
    std::uint32_t add_file(int fd, std::uint64_t offset, std::uint64_t length);

    std::optional<header_part> headers;

    bool done() const noexcept { return next_ == segments_.size(); }
    bool next_is_file() const noexcept { return !done() && segments_[next_].fd >= 0; }
    /// The rest of the current memory segment. Precondition: !done() && !next_is_file().
    std::span<const char> next_memory() const noexcept;

    struct chunk {
        std::span<const char> bytes;  ///< into the job's buffer, valid until the next read
        std::uint32_t error = 0;  ///< a Win32 error code: ERROR_HANDLE_EOF if the file shrank, else from errno
    };
    /// Reads the next chunk of the current file segment (blocking pread: call it on a thread
    /// that may block). Precondition: next_is_file().
    chunk read_file_chunk();

    /// `n` bytes of the current segment went out.
    void advance(std::size_t n) noexcept;
    /// Extension bytes sent so far (the completion's cbIO).
    std::uint64_t bytes_sent() const noexcept { return sent_; }

private:
    struct segment {
        std::span<const char> memory;  // when fd < 0
        int fd = -1;                   // our dup()
        std::uint64_t offset = 0;      // of the next byte to send
        std::uint64_t remaining = 0;
    };
    std::vector<segment> segments_;
    std::size_t next_ = 0;
    std::uint64_t sent_ = 0;
    std::unique_ptr<char[]> buffer_;
};

}  // namespace isapi_fcgi::isapi
