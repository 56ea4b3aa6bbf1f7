#include "support/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace isapi_fcgi::test {

namespace {

std::filesystem::path temp_root()
{
    // Unix socket paths are limited to 107 bytes, so a deep $TMPDIR is not honoured.
    const char* env = std::getenv("TMPDIR");
    if (env != nullptr && *env != '\0' && std::string_view(env).size() < 40) {
        return env;
    }
    return "/tmp";
}

bool keep_files()
{
    const char* env = std::getenv("ISAPI_FCGI_KEEP_TEST_FILES");
    return env != nullptr && *env != '\0' && std::string_view(env) != "0";
}

}  // namespace

temp_dir::temp_dir(std::string_view prefix)
{
    std::string pattern = (temp_root() / std::string(prefix)).string() + ".XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = buffer.data();
}

temp_dir::~temp_dir()
{
    if (keep_files()) {
        return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path temp_dir::write_file(std::string_view name, std::string_view content) const
{
    auto target = file(name);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
        throw std::system_error(errno, std::generic_category(), "write " + target.string());
    }
    return target;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace isapi_fcgi::test
