#include "config/field.hpp"

#include <utility>

#include "config/config_error.hpp"

namespace isapi_fcgi::config {

field::field(const YAML::Node& value, std::string path, const YAML::Mark& key_mark,
             const std::string& source)
    : value_(value), path_(std::move(path)), mark_(key_mark), source_(&source) {
    // yaml-cpp marks an empty value at the token after it, often on the next line; the key's
    // own position is where the user looks.
    if (!value_.IsNull()) mark_ = position_of(value_, key_mark);
}

std::string field::text(std::string_view expected) const {
    if (!value_.IsScalar()) {
        fail("expected " + std::string(expected) + ", got " + std::string(describe(value_)));
    }
    return value_.Scalar();
}

std::string field::text_or_empty(std::string_view expected) const {
    return value_.IsNull() ? std::string() : text(expected);
}

std::vector<field> field::items(std::string_view expected, bool scalar_ok) const {
    std::vector<field> out;
    if (value_.IsNull()) return out;
    if (scalar_ok && value_.IsScalar()) {
        out.push_back(*this);
        return out;
    }
    if (!value_.IsSequence()) {
        fail("expected " + std::string(expected) + ", got " + std::string(describe(value_)));
    }
    for (const YAML::Node& item : value_) out.emplace_back(item, path_, mark_, *source_);
    return out;
}

field field::child(const YAML::Node& key, const YAML::Node& value, std::string path) const {
    return field(value, std::move(path), position_of(key, mark_), *source_);
}

void field::fail(std::string_view reason) const {
    std::string message = path_.empty() ? std::string(reason) : path_ + ": " + std::string(reason);
    throw config_error(*source_, mark_.line + 1, mark_.column + 1, std::move(message));
}

void field::fail_at(const YAML::Node& at, std::string_view reason) const {
    const YAML::Mark mark = position_of(at, mark_);
    throw config_error(*source_, mark.line + 1, mark.column + 1, std::string(reason));
}

std::string_view describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a value";
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            break;
    }
    return "nothing";
}

YAML::Mark position_of(const YAML::Node& node, const YAML::Mark& fallback) {
    if (!node.IsDefined()) return fallback;
    const YAML::Mark mark = node.Mark();
    return mark.is_null() || mark.line < 0 ? fallback : mark;
}

}  // namespace isapi_fcgi::config
