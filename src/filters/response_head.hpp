#pragma once
// The response head as SF_NOTIFY_SEND_RESPONSE shows it to filters: the status and the header
// fields of the CGI header block the host sends the front end ("Name: value" lines, "Status:"
// among them). GetHeader/SetHeader/AddHeader take "Name:" with its colon, case-insensitively;
// the pseudo-header "status" reads and sets the status line ("404 Not Found"). Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <isapi/windef_subset.h>

namespace isapi_fcgi::filters {

class response_head {
public:
    struct field {
        std::string name;  ///< as sent, without the colon
        std::string value;
    };

    /// From a CGI header block (CRLF lines up to and including the blank line); nullopt when
    /// it is not one. A block without "Status:" is a 200.
    static std::optional<response_head> parse(std::string_view block);

    std::optional<std::string_view> get(std::string_view name) const;
    /// ERROR_SUCCESS or ERROR_INVALID_PARAMETER (no "Name:" token, CR/LF/NUL in the value, a
    /// status that is no "NNN reason"). An empty value removes the header.
    DWORD set(std::string_view name, std::string_view value);
    /// Appends ", value" to an existing header, or adds it.
    DWORD add(std::string_view name, std::string_view value);
    /// Appends "Name: value\r\n" lines (already checked by the caller).
    void add_lines(std::string_view lines);
    void remove(std::string_view name);

    unsigned status_code() const noexcept { return status_code_; }
    const std::string& status() const noexcept { return status_; }
    /// Sets the status from a number (HTTP_FILTER_SEND_RESPONSE.HttpStatus): its standard phrase.
    bool set_status_code(unsigned code);
    const std::vector<field>& fields() const noexcept { return fields_; }

    /// The CGI header block again, "Status:" last, blank line included.
    std::string to_block() const;

private:
    field* find(std::string_view name);
    const field* find(std::string_view name) const;
    DWORD set_status(std::string_view text);

    unsigned status_code_ = 200;
    std::string status_ = "200 OK";
    std::vector<field> fields_;
};

}  // namespace isapi_fcgi::filters
