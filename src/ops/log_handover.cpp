#include "ops/log_handover.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "logging/log_file.hpp"

namespace isapi_fcgi::ops {

bool hand_log_files(int channel) noexcept {
    try {
        std::string text(log_handover_tag);
        std::vector<int> fds;
        for (const auto& file : logging::log_files::current()) {
            if (fds.size() == max_message_fds) break;
            text += '\n' + file.path;
            fds.push_back(file.fd);
        }
        // Paths too long for one message: an empty handover, so the worker is not left waiting;
        // it then opens the files by name itself (which its user may not be allowed to).
        if (text.size() > max_message) {
            send_message(channel, log_handover_tag);
            return false;
        }
        return send_message(channel, text, fds);
    } catch (...) {
        send_message(channel, log_handover_tag);
        return false;
    }
}

bool adopt_log_files(message_with_fds& message) noexcept {
    const std::string_view text = message.text;
    if (text.substr(0, log_handover_tag.size()) != log_handover_tag ||
        (text.size() > log_handover_tag.size() && text[log_handover_tag.size()] != '\n'))
        return false;
    try {
        std::vector<logging::handed_file> files;
        std::size_t start = log_handover_tag.size();
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start + 1), text.size());
            files.push_back({std::string(text.substr(start + 1, end - start - 1)), -1});
            start = end;
        }
        if (files.size() != message.fds.size()) throw std::invalid_argument("one descriptor per path");
        for (std::size_t i = 0; i < files.size(); ++i) files[i].fd = message.fds[i];
        message.fds.clear();
        logging::log_files::adopt(std::move(files));
    } catch (...) {
        for (const int fd : message.fds) ::close(fd);
        message.fds.clear();
    }
    return true;
}

}  // namespace isapi_fcgi::ops
