#pragma once
// A small strict JSON reader for the tests (RFC 8259 values; numbers as double), so the status
// page's JSON is checked by a parser that is not the code that wrote it.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace isapi_fcgi::test {

struct json_value {
    using array = std::vector<json_value>;
    using object = std::map<std::string, json_value>;
    std::variant<std::nullptr_t, bool, double, std::string, array, object> v;

    bool is_object() const { return std::holds_alternative<object>(v); }
    bool is_array() const { return std::holds_alternative<array>(v); }
    /// Member `key` of an object; throws std::out_of_range when absent or not an object.
    const json_value& operator[](const std::string& key) const;
    double number() const { return std::get<double>(v); }
    const std::string& text() const { return std::get<std::string>(v); }
    bool boolean() const { return std::get<bool>(v); }
    const array& items() const { return std::get<array>(v); }
};

/// Parses one JSON document (trailing whitespace allowed); nullopt with `error` on bad input.
std::optional<json_value> parse_json(std::string_view text, std::string* error = nullptr);

}  // namespace isapi_fcgi::test
