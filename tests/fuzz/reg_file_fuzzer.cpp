// libFuzzer driver for the .reg file parser (win32::reg::parse_reg_file, apply, serialize): the
// registry files a pool's `registry:` names, which the configuration check and every worker read
// (operator input, often exported on an old IIS machine and edited by hand). Besides crashes,
// hangs and sanitizer reports:
// - only a parse_error refuses a file, with a line from 1 to the file's last and a reason;
// - every operation names a key under a canonical root, spelled without empty components, on a
//   line that never goes backwards;
// - the tree the operations build is written as a version 5 file that reads back, without an
//   error, to the same tree (names as spelled, types, bytes), and writes out identically again.
//
// Input layout: the file's bytes (UTF-16LE with a BOM, UTF-8 with or without one, or ANSI).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "win32/reg_file.hpp"

using isapi_fcgi::fuzz::check;
namespace reg = isapi_fcgi::win32::reg;

namespace {

bool same_tree(const reg::key& a, const reg::key& b) {
    if (a.name != b.name || a.values.size() != b.values.size() || a.subkeys.size() != b.subkeys.size()) return false;
    for (auto ia = a.values.begin(), ib = b.values.begin(); ia != a.values.end(); ++ia, ++ib) {
        if (ia->second.first != ib->second.first || !(ia->second.second == ib->second.second)) return false;
    }
    for (auto ia = a.subkeys.begin(), ib = b.subkeys.begin(); ia != a.subkeys.end(); ++ia, ++ib) {
        if (!same_tree(ia->second, ib->second)) return false;
    }
    return true;
}

std::size_t line_count(std::span<const std::uint8_t> bytes) {
    std::size_t lines = 1;
    for (std::uint8_t b : bytes) lines += b == '\n';
    return lines;
}

void check_operations(const std::vector<reg::operation>& operations) {
    int previous_line = 1;
    for (const auto& op : operations) {
        check(op.line >= previous_line, "operations out of line order");
        previous_line = op.line;
        const auto parts = reg::split_path(op.key);
        check(!parts.empty(), "operation without a key");
        check(reg::canonical_root(parts.front()) == parts.front(), "key under a root not spelled canonically");
        std::string joined = parts.front();
        for (std::size_t i = 1; i < parts.size(); ++i) joined += "\\" + parts[i];
        check(joined == op.key, "key path with an empty component");
        if (op.what != reg::operation::kind::set_value) check(op.data.data.empty(), "data on an operation that sets nothing");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    const reg::parse_result parsed = reg::parse_reg_file(bytes);
    check_operations(parsed.operations);
    if (parsed.error) {
        check(parsed.error->line >= 1, "parse_error before the first line");
        // A UTF-16 file has half as many '\n' bytes as lines at most; count the raw bytes anyway.
        check(static_cast<std::size_t>(parsed.error->line) <= line_count(bytes), "parse_error past the last line");
        check(!parsed.error->message.empty(), "parse_error without a reason");
        return 0;
    }

    reg::key tree;
    reg::apply(tree, parsed.operations);
    const std::string written = reg::serialize(tree);
    const std::span<const std::uint8_t> written_bytes(reinterpret_cast<const std::uint8_t*>(written.data()),
                                                      written.size());
    const reg::parse_result reread = reg::parse_reg_file(written_bytes);
    check(!reread.error, "the serialized tree does not parse");
    reg::key again;
    reg::apply(again, reread.operations);
    check(same_tree(tree, again), "the serialized tree reads back to another tree");
    check(reg::serialize(again) == written, "serializing the read-back tree differs");
    return 0;
}
