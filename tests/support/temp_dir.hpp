#pragma once
// A private directory for one test's sockets, configs and logs, removed when the test ends.
// Set ISAPI_FCGI_KEEP_TEST_FILES=1 to keep it for a post-mortem.
#include <filesystem>
#include <string>
#include <string_view>

namespace isapi_fcgi::test {

class temp_dir {
public:
    /// Creates a fresh directory (mkdtemp) under $TMPDIR or /tmp. Throws std::system_error.
    explicit temp_dir(std::string_view prefix = "isapi-fcgi-test");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(std::string_view name) const { return path_ / name; }

    /// Writes (replaces) a file inside the directory and returns its path. Throws on failure.
    std::filesystem::path write_file(std::string_view name, std::string_view content) const;

private:
    std::filesystem::path path_;
};

/// Whole file as a string; empty when it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace isapi_fcgi::test
