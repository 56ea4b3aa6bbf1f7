#include "config/loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config/field.hpp"
#include "config/schema.hpp"
#include "config/validate.hpp"

namespace isapi_fcgi::config {
namespace {

class file_descriptor {
public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    ~file_descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

[[noreturn]] void fail_errno(const std::string& path, const char* what) {
    throw config_error(path, std::string(what) + ": " + std::strerror(errno));
}

std::string read_whole_file(const std::string& path) {
    const file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail_errno(path, "cannot open the configuration file");
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) fail_errno(path, "cannot stat the configuration file");
    if (!S_ISREG(info.st_mode)) throw config_error(path, "is not a regular file");
    std::string text;
    char buffer[16384];
    while (true) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail_errno(path, "cannot read the configuration file");
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > max_file_size) {
            throw config_error(path, "is larger than 1MiB; is it the configuration file?");
        }
    }
}

[[noreturn]] void fail_at(const std::string& source, const YAML::Mark& mark, std::string reason) {
    const YAML::Mark at = mark.is_null() || mark.line < 0 ? YAML::Mark() : mark;
    throw config_error(source, at.line + 1, at.column + 1, std::move(reason));
}

/// Where each document of a stream starts, and where its first node is.
class document_marks final : public YAML::EventHandler {
public:
    struct document {
        YAML::Mark start;
        YAML::Mark first_node;
        bool has_node = false;
    };
    std::vector<document> documents;

    void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark, mark}); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
        node_at(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        node_at(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        node_at(mark);
    }
    void OnMapEnd() override {}

private:
    void node_at(const YAML::Mark& mark) {
        if (documents.empty() || documents.back().has_node) return;
        documents.back().first_node = mark;
        documents.back().has_node = true;
    }
};

YAML::Node parse_single_document(std::string_view text, const std::string& source) {
    try {
        // Not YAML::LoadAll: yaml-cpp 0.7 never gets past a document that starts with a stray
        // ',' (config_loader_fuzzer found it): it yields an empty document there forever,
        // without consuming anything, and LoadAll keeps them all. Walking the documents' events
        // shows that as a document starting where the previous one did.
        std::istringstream in{std::string(text)};
        YAML::Parser parser(in);
        document_marks marks;
        while (parser.HandleNextDocument(marks)) {
            const auto& docs = marks.documents;
            if (docs.size() >= 2 && docs[docs.size() - 1].start.pos == docs[docs.size() - 2].start.pos) {
                const YAML::Mark at = docs.back().start;
                const std::size_t pos = at.pos >= 0 ? static_cast<std::size_t>(at.pos) : text.size();
                fail_at(source, at,
                        pos < text.size() ? "invalid YAML: unexpected '" + std::string(1, text[pos]) + "'"
                                          : std::string("invalid YAML"));
            }
        }
        if (marks.documents.size() > 1) {
            fail_at(source, marks.documents[1].first_node,
                    "expected one YAML document, found " + std::to_string(marks.documents.size()));
        }
        return marks.documents.empty() ? YAML::Node() : YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        fail_at(source, e.mark, "invalid YAML: " + e.msg);
    }
}

// The mark of `name`'s key in `map`, or `fallback`: an empty value has no useful mark of its own.
YAML::Mark key_position(const YAML::Node& map, std::string_view name, const YAML::Mark& fallback) {
    if (!map.IsDefined() || !map.IsMap()) return fallback;
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && entry.first.Scalar() == name) {
            return position_of(entry.first, fallback);
        }
    }
    return fallback;
}

// Where to point for a rule broken across keys: the `pools` key, the pool's name (or the pool
// itself when it has none), or the offending listen entry (or the pool, for the default one).
YAML::Mark problem_position(const YAML::Node& root, const problem& p) {
    const YAML::Mark root_mark = position_of(root, YAML::Mark());
    const YAML::Node pools = root.IsMap() ? root["pools"] : YAML::Node();
    if (p.about == problem::subject::pools || !pools.IsDefined() || !pools.IsSequence() ||
        p.pool >= pools.size()) {
        return key_position(root, "pools", root_mark);
    }
    const YAML::Node pool = pools[p.pool];
    const YAML::Mark pool_mark = position_of(pool, root_mark);
    if (p.about == problem::subject::pool_name) return position_of(pool["name"], pool_mark);
    const YAML::Node listen = pool["listen"];
    if (listen.IsDefined() && listen.IsSequence() && p.listen < listen.size()) {
        return position_of(listen[p.listen], pool_mark);
    }
    return position_of(listen, pool_mark);
}

}  // namespace

settings load_file(const std::string& path) {
    return load_string(read_whole_file(path), path);
}

settings load_string(std::string_view text, const std::string& source_name) {
    const YAML::Node root = parse_single_document(text, source_name);
    settings out;
    out.source = source_name;
    read_document(field(root, "", YAML::Mark(), source_name), out);
    if (auto found = find_problem(out)) {
        fail_at(source_name, problem_position(root, *found), std::move(found->reason));
    }
    return out;
}

}  // namespace isapi_fcgi::config
