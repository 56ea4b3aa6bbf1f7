#include "iis_import/import_command.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "iis_import/iis_import.hpp"

namespace isapi_fcgi::iis_import {
namespace {

constexpr std::size_t max_input_bytes = 16U << 20;

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: isapi-fcgi import-iis [options] applicationHost.config|web.config\n"
                 "\n"
                 "Prints the sidecar YAML and the nginx configuration serving the ISAPI extension\n"
                 "URLs of an IIS configuration; settings not carried over are listed as warnings.\n"
                 "\n"
                 "  --map WINDOWS_DIR=LINUX_DIR  where Windows paths live now (repeatable)\n"
                 "  --default-root DIR           unmapped paths go below DIR/<drive> (default /srv/iis)\n"
                 "  --socket-dir DIR             the pools' unix sockets (default /run/isapi-fcgi)\n"
                 "  --site NAME                  only this site of an applicationHost.config\n"
                 "  --url-prefix /PATH           web.config: the URL of its application (default /)\n"
                 "  --physical-dir WINDOWS_DIR   web.config: the directory it was in on IIS\n"
                 "  --registry FILE.reg          registry keys exported on the IIS machine, for\n"
                 "                               every pool's registry.files (repeatable)\n"
                 "  --yaml FILE, --nginx FILE    write each part to a file instead of stdout\n");
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
}

std::optional<std::string> read_input(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open " + path;
        return std::nullopt;
    }
    std::string text;
    text.resize(max_input_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_input_bytes) {
        error = path + " is larger than 16MiB; is it an IIS configuration file?";
        return std::nullopt;
    }
    return text;
}

/// --registry FILE: the .reg file's bytes, named by its absolute path (registry.files takes
/// absolute paths only).
bool add_registry_file(const std::string& path, import_options& options) {
    std::string error;
    const auto text = read_input(path, error);
    if (!text) {
        std::fprintf(stderr, "isapi-fcgi: import-iis: --registry: %s\n", error.c_str());
        return false;
    }
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec).lexically_normal();
    options.registry.push_back({ec ? path : absolute.string(), std::vector<std::uint8_t>(text->begin(), text->end())});
    return true;
}

}  // namespace

int run_import_command(int argc, char** argv) {
    import_options options;
    std::string input;
    std::string yaml_path;
    std::string nginx_path;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&](const char* name) -> std::optional<std::string> {
            if (i + 1 == argc) {
                std::fprintf(stderr, "isapi-fcgi: import-iis: %s needs a value\n", name);
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        std::optional<std::string> v;
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else if (arg == "--map") {
            if (!(v = value("--map"))) return 2;
            const auto equals = v->find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == v->size() || (*v)[equals + 1] != '/') {
                std::fprintf(stderr, "isapi-fcgi: import-iis: --map '%s' is not WINDOWS_DIR=/linux/dir\n", v->c_str());
                return 2;
            }
            options.maps.push_back({v->substr(0, equals), v->substr(equals + 1)});
        } else if (arg == "--registry") {
            if (!(v = value("--registry"))) return 2;
            if (!add_registry_file(*v, options)) return 1;
        } else if (arg == "--default-root" || arg == "--socket-dir" || arg == "--site" || arg == "--url-prefix"
                   || arg == "--physical-dir" || arg == "--yaml" || arg == "--nginx") {
            if (!(v = value(argv[i]))) return 2;
            if ((arg == "--default-root" || arg == "--socket-dir" || arg == "--url-prefix") && v->front() != '/') {
                std::fprintf(stderr, "isapi-fcgi: import-iis: %s needs an absolute path, got '%s'\n",
                             std::string(arg).c_str(), v->c_str());
                return 2;
            }
            if (arg == "--default-root") options.default_root = *v;
            if (arg == "--socket-dir") options.socket_dir = *v;
            if (arg == "--site") options.site = *v;
            if (arg == "--url-prefix") options.url_prefix = *v;
            if (arg == "--physical-dir") options.physical_dir = *v;
            if (arg == "--yaml") yaml_path = *v;
            if (arg == "--nginx") nginx_path = *v;
        } else if (!arg.empty() && arg.front() == '-') {
            std::fprintf(stderr, "isapi-fcgi: import-iis: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (input.empty()) {
            input = argv[i];
        } else {
            std::fprintf(stderr, "isapi-fcgi: import-iis: one configuration file at a time\n");
            return 2;
        }
    }
    if (input.empty()) {
        usage(stderr);
        return 2;
    }
    std::string error;
    const auto text = read_input(input, error);
    if (!text) {
        std::fprintf(stderr, "isapi-fcgi: import-iis: %s\n", error.c_str());
        return 1;
    }
    const auto slash = input.find_last_of('/');
    options.source_name = slash == std::string::npos ? input : input.substr(slash + 1);
    const auto result = import_iis(*text, options);
    if (!result.ok) {
        std::fprintf(stderr, "isapi-fcgi: import-iis: %s: %s\n", input.c_str(), result.error.c_str());
        return 1;
    }
    if (!yaml_path.empty() && !write_file(yaml_path, result.yaml)) {
        std::fprintf(stderr, "isapi-fcgi: import-iis: cannot write %s\n", yaml_path.c_str());
        return 1;
    }
    if (!nginx_path.empty() && !write_file(nginx_path, result.nginx)) {
        std::fprintf(stderr, "isapi-fcgi: import-iis: cannot write %s\n", nginx_path.c_str());
        return 1;
    }
    if (yaml_path.empty()) std::fputs(result.yaml.c_str(), stdout);
    if (nginx_path.empty()) {
        if (yaml_path.empty()) std::fputs("\n# ---------------- nginx ----------------\n", stdout);
        std::fputs(result.nginx.c_str(), stdout);
    }
    for (const auto& w : result.warnings) std::fprintf(stderr, "isapi-fcgi: import-iis: warning: %s\n", w.c_str());
    return 0;
}

}  // namespace isapi_fcgi::iis_import
