#include "config/yaml_document.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "config/config_error.hpp"
#include "config/loader.hpp"

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

}  // namespace

std::string read_config_file(const std::string& path) {
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

namespace {

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

}  // namespace

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

}  // namespace isapi_fcgi::config
