#include "support/isapi_sidecar.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "support/engine_instance.hpp"

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

/// Lets `group` through `dir` (0710, group-owned), as a deployment's socket directory does.
void open_to_group(const std::filesystem::path& dir, const std::string& group)
{
    const struct group* entry = ::getgrnam(group.c_str());
    if (entry == nullptr) {
        throw std::runtime_error("no group '" + group + "' on this system");
    }
    if (::chown(dir.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0
        || ::chmod(dir.c_str(), 0710) != 0) {
        throw std::system_error(errno, std::generic_category(), "opening " + dir.string());
    }
}

}  // namespace

std::string isapi_sidecar::render_config(const isapi_sidecar_options& options) const
{
    std::ostringstream yaml;
    // Tests run as root (CI does); the sidecar refuses extensions as root unless told.
    yaml << "allow_root: true\n"
         << options.top_extra
         << "log:\n  level: " << options.log_level << "\n"
         << "  access_log: " << quoted(options.access_log) << "\n"
         << "  access_format: " << options.access_format << "\n"
         << "pools:\n  - name: default\n"
         << "    listen: [" << quoted("unix:" + socket_path_.string());
    for (const auto& address : options.extra_listen) yaml << ", " << quoted(address);
    yaml << "]\n"
         << "    io_threads: " << options.io_threads << "\n";
    if (!options.socket_group.empty()) {
        yaml << "    socket: { mode: \"0660\", group: " << quoted(options.socket_group) << " }\n";
    }
    if (options.extensions.empty()) {
        yaml << "    extensions: []\n";
    } else {
        yaml << "    extensions:\n";
    }
    for (const auto& extension : options.extensions) {
        yaml << "      - name: " << quoted(extension.name) << "\n"
             << "        path: " << quoted(extension.path.string()) << "\n"
             << "        urls:\n";
        for (const auto& url : extension.urls) {
            yaml << "          - " << quoted(url) << "\n";
        }
        yaml << "        required: " << (extension.required ? "true" : "false") << "\n";
        if (extension.streaming) yaml << "        streaming: true\n";
        if (extension.wine) yaml << "        runtime: wine\n";
    }
    yaml << options.pool_extra;
    return yaml.str();
}

isapi_sidecar::isapi_sidecar(isapi_sidecar_options options)
{
    socket_path_ = dir_.file("sidecar.sock");
    if (!options.socket_group.empty()) {
        open_to_group(dir_.path(), options.socket_group);
    }
    config_path_ = dir_.write_file("isapi-fcgi.yaml", render_config(options));
    auto program = engine_instance::binary();
    if (!std::filesystem::exists(program)) {
        throw std::runtime_error("isapi-fcgi binary not built: " + program.string());
    }
    spawn_options spawn;
    spawn.stdout_path = dir_.file("sidecar.log");
    spawn.env = options.env;
    process_ = std::make_unique<test_process>(
        std::vector<std::string>{program.string(), "--config", config_path_.string()}, spawn);
}

isapi_sidecar::~isapi_sidecar()
{
    if (process_) {
        process_->stop();
    }
}

bool isapi_sidecar::wait_listening(deadline until)
{
    static const std::regex listening(R"(listening on unix:\S*/sidecar\.sock)");
    return process_->wait_for_log_line(listening, until).has_value();
}

std::unique_ptr<isapi_sidecar> isapi_sidecar::start(isapi_sidecar_options options)
{
    auto sidecar = std::make_unique<isapi_sidecar>(std::move(options));
    // Generous: a pool of Wine extensions loads its DLLs one after another, each a Windows
    // process start, which on a loaded machine took ~10 s for a few DLLs. An event is awaited, so
    // the bound costs nothing when the sidecar is quick.
    if (!sidecar->wait_listening(deadline_after(scaled(std::chrono::seconds(60))))) {
        auto end = sidecar->stop();
        throw std::runtime_error("isapi-fcgi did not start listening (" + end.describe()
                                 + ")\n--- config ---\n" + read_file(sidecar->config_path())
                                 + "--- log ---\n" + tail(sidecar->log()));
    }
    return sidecar;
}

}  // namespace isapi_fcgi::test
