#pragma once
// An unlinked temporary file holding the part of one request body that did not fit in memory:
// a FIFO of bytes appended at the end and read from the front. Unlinked from the start, so
// nothing is left behind whatever ends the request; the descriptor closes with the object.
#include <cstddef>
#include <span>
#include <string>
#include <system_error>

namespace isapi_fcgi::engine {

class spill_file {
public:
    spill_file() = default;
    ~spill_file();
    spill_file(const spill_file&) = delete;
    spill_file& operator=(const spill_file&) = delete;

    /// Creates the file in `directory` (O_TMPFILE, else mkstemp + unlink).
    std::error_code open(const std::string& directory);
    bool is_open() const noexcept { return fd_ >= 0; }
    void close() noexcept;

    /// Appends all of `data`, or nothing (the error says why).
    std::error_code append(std::span<const std::byte> data);
    /// Reads up to into.size() unread bytes from the front.
    std::size_t take(std::span<std::byte> into, std::error_code& ec);

    std::size_t unread() const noexcept { return end_ - head_; }
    /// Bytes the file occupies on disk now (what was read is given back once all of it is).
    std::size_t size() const noexcept { return end_; }

private:
    int fd_ = -1;
    std::size_t head_ = 0;
    std::size_t end_ = 0;
};

}  // namespace isapi_fcgi::engine
