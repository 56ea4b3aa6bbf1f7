#include "ops/json_value.hpp"

#include <cstdlib>
#include <stdexcept>

namespace isapi_fcgi::test {
namespace {

class parser {
public:
    explicit parser(std::string_view text) : s_(text) {}

    json_value document() {
        json_value v = value();
        skip();
        if (i_ != s_.size()) fail("trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error(what + " at offset " + std::to_string(i_));
    }
    void skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    json_value value() {
        skip();
        if (i_ >= s_.size()) fail("unexpected end");
        const char c = s_[i_];
        if (c == '{') return object();
        if (c == '[') return array();
        if (c == '"') return json_value{string()};
        if (s_.substr(i_, 4) == "true") return i_ += 4, json_value{true};
        if (s_.substr(i_, 5) == "false") return i_ += 5, json_value{false};
        if (s_.substr(i_, 4) == "null") return i_ += 4, json_value{nullptr};
        return number();
    }
    json_value object() {
        expect('{');
        json_value::object out;
        if (eat('}')) return json_value{out};
        do {
            skip();
            std::string key = string();
            expect(':');
            if (!out.emplace(key, value()).second) fail("duplicate key " + key);
        } while (eat(','));
        expect('}');
        return json_value{std::move(out)};
    }
    json_value array() {
        expect('[');
        json_value::array out;
        if (eat(']')) return json_value{out};
        do out.push_back(value());
        while (eat(','));
        expect(']');
        return json_value{std::move(out)};
    }
    std::string string() {
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
        ++i_;
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            const char e = s_[i_++];
            switch (e) {
            case '"': case '\\': case '/': out += e; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (i_ + 4 > s_.size()) fail("short \\u escape");
                const auto code = std::strtoul(std::string(s_.substr(i_, 4)).c_str(), nullptr, 16);
                i_ += 4;
                out += code < 0x80 ? static_cast<char>(code) : '?';
                break;
            }
            default: fail("bad escape");
            }
        }
    }
    json_value number() {
        const std::size_t start = i_;
        if (i_ < s_.size() && s_[i_] == '-') ++i_;
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == 'e' ||
                                  s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
            ++i_;
        if (start == i_) fail("unexpected character");
        const std::string text(s_.substr(start, i_ - start));
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) fail("bad number " + text);
        return json_value{d};
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

const json_value& json_value::operator[](const std::string& key) const {
    return std::get<object>(v).at(key);
}

std::optional<json_value> parse_json(std::string_view text, std::string* error) {
    try {
        return parser(text).document();
    } catch (const std::exception& e) {
        if (error) *error = e.what();
        return std::nullopt;
    }
}

}  // namespace isapi_fcgi::test
