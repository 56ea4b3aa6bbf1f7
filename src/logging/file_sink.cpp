#include "logging/file_sink.hpp"

namespace isapi_fcgi::logging {

void file_sink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    if (const auto ec = file_->write({line.data(), line.size()}))
        spdlog::throw_spdlog_ex("cannot write to log file " + file_->path(), ec.value());
}

}  // namespace isapi_fcgi::logging
