#include "wine/wine_installation.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace isapi_fcgi::wine {
namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (end > start && executable(candidate)) return candidate;
        start = end + 1;
    }
    return "";
}

const char* arch_dir(pe_machine machine) { return machine == pe_machine::i386 ? "i686" : "x86_64"; }

}  // namespace

lookup find_wine(pe_machine machine) {
    if (const char* forced = std::getenv("ISAPI_FCGI_WINE"); forced && *forced) {
        if (executable(forced)) return {forced, ""};
        return {"", std::string("ISAPI_FCGI_WINE names ") + forced + ", which is not an executable"};
    }
    if (machine == pe_machine::amd64) {
        for (const char* candidate : {"/usr/lib/wine/wine64"})
            if (executable(candidate)) return {candidate, ""};
        if (auto found = on_path("wine64"); !found.empty()) return {found, ""};
        return {"", "Wine is not installed (no wine64: apt-get install wine64)"};
    }
    // 32-bit DLLs need Wine's 32-bit loader (Debian: dpkg --add-architecture i386; wine32:i386).
    for (const char* candidate : {"/usr/lib/wine/wine"})
        if (executable(candidate)) return {candidate, ""};
    return {"", "Wine's 32-bit part is not installed (no /usr/lib/wine/wine: "
                "dpkg --add-architecture i386 && apt-get install wine32:i386)"};
}

lookup find_worker(pe_machine machine) {
    const std::string file = std::string(arch_dir(machine)) + "/isapi-wine-worker.exe";
    std::vector<std::string> dirs;
    if (const char* dir = std::getenv("ISAPI_FCGI_WINE_WORKER_DIR"); dir && *dir) dirs.emplace_back(dir);
    // Installed beside this binary (<prefix>/sbin/isapi-fcgi, <prefix>/lib/isapi-fcgi/wine): the
    // package's /usr whatever prefix the build tree had; before the build tree, which an
    // installed server must not pick up.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back((self.parent_path().parent_path() / "lib/isapi-fcgi/wine").string());
    dirs.emplace_back(ISAPI_FCGI_WINE_WORKER_BUILD_DIR);
    dirs.emplace_back(ISAPI_FCGI_WINE_WORKER_INSTALL_DIR);
    for (const auto& dir : dirs)
        if (::access((dir + "/" + file).c_str(), R_OK) == 0) return {dir + "/" + file, ""};
    return {"", std::string("no Windows worker for ") + describe(machine, 0) + " DLLs is installed (" + file +
                    " not found in " + dirs.back() + ")"};
}

lookup prefix_for_current_user() {
    std::string prefix;
    if (const char* forced = std::getenv("WINEPREFIX"); forced && *forced) {
        prefix = forced;
    } else {
        const passwd* user = ::getpwuid(::geteuid());
        const char* home = std::getenv("HOME");
        const std::string dir = user && user->pw_dir && *user->pw_dir ? user->pw_dir : (home ? home : "");
        if (dir.empty()) return {"", "the pool's user has no home directory for its Wine prefix (set WINEPREFIX)"};
        prefix = dir + "/.local/share/isapi-fcgi/wine";
    }
    struct stat info {};
    if (::stat(prefix.c_str(), &info) == 0 && info.st_uid != ::geteuid())
        return {"", "the Wine prefix " + prefix + " belongs to uid " + std::to_string(info.st_uid) +
                        ", not to the pool's user (uid " + std::to_string(::geteuid()) +
                        "); each pool user needs its own prefix"};
    return {prefix, ""};
}

std::string windows_path(const std::string& linux_path) {
    std::string path = "Z:" + linux_path;
    for (char& c : path)
        if (c == '/') c = '\\';
    return path;
}

std::vector<std::string> worker_environment(const std::string& prefix) {
    return {"WINEPREFIX=" + prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=winedbg.exe=d;mscoree,mshtml="};
}

std::string check_dll(const std::string& path) {
    std::string error;
    const auto info = read_pe_file(path, error);
    if (!info) return error;
    if (auto problem = extension_problem(*info); !problem.empty()) return problem;
    if (const auto worker = find_worker(info->machine); !worker) return worker.reason;
    if (const auto loader = find_wine(info->machine); !loader) return loader.reason;
    if (const auto prefix = prefix_for_current_user(); !prefix) return prefix.reason;
    return "";
}

}  // namespace isapi_fcgi::wine
