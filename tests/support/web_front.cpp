#include "support/web_front.hpp"

#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.hpp"

namespace isapi_fcgi::test {

std::string peer_upstream(const std::string& engine_address)
{
    if (engine_address.rfind("tcp:", 0) == 0) {
        return engine_address.substr(4);
    }
    return engine_address;
}

std::string unix_socket_path(const std::string& address)
{
    return address.rfind("unix:", 0) == 0 ? address.substr(5) : std::string();
}

web_front::web_front(std::string name, std::string_view dir_prefix, int stop_signal)
    : dir_(dir_prefix), name_(std::move(name)), stop_signal_(stop_signal)
{
}

web_front::~web_front()
{
    if (process_) {
        process_->stop(scaled(std::chrono::seconds(10)), stop_signal_);
    }
}

void web_front::launch(const std::function<command(std::uint16_t port)>& prepare)
{
    static const std::regex port_taken(R"(Address already in use|cannot bind)");
    std::string failures;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        command cmd = prepare(port_);
        spawn_options spawn;
        spawn.stdout_path = dir_.file(name_ + ".out");
        spawn.env = std::move(cmd.env);
        process_ = std::make_unique<test_process>(std::move(cmd.argv), spawn);
        const auto until = deadline_after(scaled(std::chrono::seconds(10)));
        if (wait_until_port_accepts(port_, until, process_.get()) && wait_until_handles_signals(until)) {
            return;
        }
        auto end = process_->stop(std::chrono::seconds(2), stop_signal_);
        std::string log = error_log() + process_->output();
        failures += "attempt on port " + std::to_string(port_) + ": " + end.describe() + "\n"
                    + tail(log, 2000) + "\n";
        process_.reset();
        if (!std::regex_search(log, port_taken)) {
            break;
        }
    }
    throw std::runtime_error(name_ + " did not start:\n" + failures + "--- " + config_name_
                             + " ---\n" + config());
}

bool web_front::wait_until_handles_signals(deadline until) const
{
    // No event announces it (a file appearing); a bounded poll of a few milliseconds at most.
    while (!handles_signals()) {
        if (clock::now() > until || !process_->running()) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

std::string web_front::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string web_front::config() const { return read_file(dir_.file(config_name_)); }

std::vector<std::string> web_front::error_log_problems(
    const std::optional<std::regex>& allowed) const
{
    std::vector<std::string> lines;
    std::istringstream log(error_log());
    for (std::string line; std::getline(log, line);) {
        if (is_problem(line) && !(allowed && std::regex_search(line, *allowed))) {
            lines.push_back(line);
        }
    }
    return lines;
}

process_end web_front::stop()
{
    // A graceful stop waits for the front end's last exchanges: seconds on a busy machine. The
    // bound catches a front end that never stops, so it is generous.
    return process_->stop(scaled(std::chrono::seconds(30)), stop_signal_);
}

}  // namespace isapi_fcgi::test
