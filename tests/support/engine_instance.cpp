#include "support/engine_instance.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace isapi_fcgi::test {

namespace {

std::string quoted(const std::string& text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::regex log_pattern(const std::string& pattern)
{
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

std::filesystem::path engine_instance::binary()
{
    if (const char* env = std::getenv("ISAPI_FCGI_BINARY"); env != nullptr && *env != '\0') {
        return env;
    }
    return ISAPI_FCGI_TEST_BINARY;
}

std::string engine_instance::render_config(const engine_options& options) const
{
    std::ostringstream yaml;
    yaml << "log:\n  level: " << options.log_level << "\n";
    yaml << "pools:\n  - name: default\n    listen:\n";
    if (options.listen_unix) {
        yaml << "      - " << quoted("unix:" + dir_.file("engine.sock").string()) << "\n";
    }
    if (options.listen_tcp) {
        yaml << "      - \"tcp:127.0.0.1:0\"\n";
    }
    yaml << "    io_threads: " << options.io_threads << "\n";
    if (options.ping_path) {
        yaml << "    ping_path: " << quoted(*options.ping_path) << "\n";
    }
    if (options.ping_response) {
        yaml << "    ping_response: " << quoted(*options.ping_response) << "\n";
    }
    std::ostringstream limits;
    auto limit = [&limits](const char* key, const std::optional<std::size_t>& value) {
        if (value) {
            limits << "      " << key << ": " << *value << "\n";
        }
    };
    limit("max_connections", options.max_connections);
    limit("max_requests_per_connection", options.max_requests_per_connection);
    limit("max_params_bytes", options.max_params_bytes);
    limit("max_stdin_buffer", options.max_stdin_buffer);
    if (!limits.str().empty()) {
        yaml << "    limits:\n" << limits.str();
    }
    std::ostringstream timeouts;
    auto timeout = [&timeouts](const char* key, const std::optional<std::string>& value) {
        if (value) {
            timeouts << "      " << key << ": " << *value << "\n";
        }
    };
    timeout("idle", options.idle_timeout);
    timeout("read", options.read_timeout);
    timeout("write", options.write_timeout);
    timeout("linger", options.linger_timeout);
    timeout("drain_grace", options.drain_grace);
    if (!timeouts.str().empty()) {
        yaml << "    timeouts:\n" << timeouts.str();
    }
    return yaml.str();
}

engine_instance::engine_instance(engine_options options)
{
    if (!options.listen_unix && !options.listen_tcp) {
        throw std::invalid_argument("engine_instance needs a unix or a tcp listener");
    }
    config_path_ = dir_.write_file("isapi-fcgi.yaml", render_config(options));
    auto program = binary();
    if (!std::filesystem::exists(program)) {
        throw std::runtime_error("engine binary not built: " + program.string());
    }
    spawn_options spawn;
    spawn.stdout_path = dir_.file("engine.log");
    process_ = std::make_unique<test_process>(
        // The engine in one process (no master): what these tests are about, and the path
        // ThreadSanitizer runs (tests/ops and the ISAPI tests cover the master and its workers).
        std::vector<std::string>{program.string(), "--single-process", "--config", config_path_.string()}, spawn);

    const std::size_t expected = (options.listen_unix ? 1u : 0u) + (options.listen_tcp ? 1u : 0u);
    static const std::regex listening(
        R"(listening on (unix:[^\s,;'"]+|tcp:(\[[0-9a-fA-F:.]+\]|[0-9.]+):([0-9]+)))");
    if (!process_->wait_for_log_count(listening, expected,
                                      deadline_after(scaled(std::chrono::seconds(10))))) {
        auto end = process_->stop(std::chrono::seconds(2));
        throw std::runtime_error("isapi-fcgi did not report its listeners (" + end.describe()
                                 + ")\n--- config ---\n" + read_file(config_path_)
                                 + "--- log ---\n" + tail(log()));
    }
    for (const auto& line : process_->log_lines(listening)) {
        std::smatch match;
        std::regex_search(line, match, listening);
        std::string address = match[1].str();
        if (address.rfind("unix:", 0) == 0) {
            unix_address_ = address;
        } else {
            tcp_address_ = address;
            tcp_port_ = static_cast<std::uint16_t>(std::stoul(match[3].str()));
        }
    }
}

engine_instance::~engine_instance()
{
    if (process_) {
        process_->stop();
    }
}

}  // namespace isapi_fcgi::test
