#pragma once
// The one exception configuration loading throws: it names the file and, when the problem sits at
// a place in it, the 1-based line and column, so an editor can jump there.
#include <stdexcept>
#include <string>

namespace isapi_fcgi::config {

class config_error : public std::runtime_error {
public:
    /// what() is `SOURCE:LINE:COL: reason`.
    config_error(std::string source, int line, int column, std::string reason);
    /// For problems with the file as a whole (cannot be read): what() is `SOURCE: reason`;
    /// line() and column() are 0.
    config_error(std::string source, std::string reason);

    const std::string& source() const noexcept { return source_; }
    int line() const noexcept { return line_; }
    int column() const noexcept { return column_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string source_;
    int line_ = 0;
    int column_ = 0;
    std::string reason_;
};

}  // namespace isapi_fcgi::config
