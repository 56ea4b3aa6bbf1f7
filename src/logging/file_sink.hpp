#pragma once
// An spdlog sink appending whole lines to a log_file: a reopenable file of the process's table
// (log_file.hpp), or a descriptor it does not own (stderr, or the console a worker inherited).
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>

#include "logging/log_file.hpp"

namespace isapi_fcgi::logging {

class file_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit file_sink(std::shared_ptr<log_file> file) : file_(std::move(file)) {}
    /// Writes to an already-open descriptor it does not own; `name` appears in error messages.
    file_sink(int fd, std::string name) : file_(std::make_shared<log_file>(std::move(name), fd, false)) {}

    const std::string& path() const noexcept { return file_->path(); }
    const std::shared_ptr<log_file>& file() const noexcept { return file_; }

protected:
    /// Throws spdlog::spdlog_ex on a failed write; the logger hands it to its error handler.
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::shared_ptr<log_file> file_;
};

}  // namespace isapi_fcgi::logging
