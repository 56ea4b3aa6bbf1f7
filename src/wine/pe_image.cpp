#include "wine/pe_image.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace isapi_fcgi::wine {
namespace {

constexpr std::uint16_t machine_i386 = 0x014c;
constexpr std::uint16_t machine_amd64 = 0x8664;
constexpr std::uint16_t magic_pe32 = 0x10b;
constexpr std::uint16_t magic_pe32_plus = 0x20b;
constexpr std::uint16_t file_dll = 0x2000;
constexpr std::size_t max_export_names = 1u << 16;

/// Little-endian reads that fail instead of reading past the end.
class reader {
public:
    explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    bool has(std::size_t offset, std::size_t size) const {
        return offset <= bytes_.size() && size <= bytes_.size() - offset;
    }
    std::uint16_t u16(std::size_t offset) const {
        return static_cast<std::uint16_t>(bytes_[offset] | (bytes_[offset + 1] << 8));
    }
    std::uint32_t u32(std::size_t offset) const {
        return static_cast<std::uint32_t>(u16(offset)) | (static_cast<std::uint32_t>(u16(offset + 2)) << 16);
    }
    /// A NUL-terminated name at `offset`, at most 512 bytes; nullopt when unterminated.
    std::optional<std::string> c_string(std::size_t offset) const {
        if (offset >= bytes_.size()) return std::nullopt;
        const std::size_t limit = std::min<std::size_t>(bytes_.size() - offset, 512);
        const auto* start = bytes_.data() + offset;
        const auto* end = std::find(start, start + limit, std::uint8_t{0});
        if (end == start + limit) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(start), static_cast<std::size_t>(end - start));
    }

private:
    std::span<const std::uint8_t> bytes_;
};

struct section {
    std::uint32_t virtual_address;
    std::uint32_t virtual_size;
    std::uint32_t raw_offset;
    std::uint32_t raw_size;
};

/// The file offset of an RVA, through the section that holds it.
std::optional<std::size_t> file_offset(const std::vector<section>& sections, std::uint32_t rva) {
    for (const auto& s : sections) {
        const std::uint32_t size = std::max(s.virtual_size, s.raw_size);
        if (rva >= s.virtual_address && rva - s.virtual_address < size) {
            const std::uint32_t delta = rva - s.virtual_address;
            if (delta >= s.raw_size) return std::nullopt;  // in the zero-filled tail
            return std::size_t{s.raw_offset} + delta;
        }
    }
    return std::nullopt;
}

std::optional<pe_image_info> failure(std::string& error, const std::string& why) {
    error = "not a PE file: " + why;
    return std::nullopt;
}

}  // namespace

bool pe_image_info::exports_name(std::string_view name) const {
    return std::find(exports.begin(), exports.end(), name) != exports.end();
}

std::optional<pe_image_info> read_pe_image(std::span<const std::uint8_t> image, std::string& error) {
    const reader in(image);
    if (!in.has(0, 0x40) || image[0] != 'M' || image[1] != 'Z') return failure(error, "no MZ header");
    const std::size_t pe = in.u32(0x3c);
    if (!in.has(pe, 24) || std::memcmp(image.data() + pe, "PE\0\0", 4) != 0)
        return failure(error, "no PE signature at the offset the MZ header gives");
    pe_image_info info;
    info.machine_code = in.u16(pe + 4);
    info.machine = info.machine_code == machine_i386    ? pe_machine::i386
                   : info.machine_code == machine_amd64 ? pe_machine::amd64
                                                        : pe_machine::other;
    const std::size_t section_count = in.u16(pe + 6);
    const std::size_t optional_size = in.u16(pe + 20);
    info.is_dll = (in.u16(pe + 22) & file_dll) != 0;
    const std::size_t optional = pe + 24;
    if (!in.has(optional, optional_size) || optional_size < 2) return failure(error, "truncated optional header");
    const std::uint16_t magic = in.u16(optional);
    std::size_t directories = 0;  // offset of the data directory array
    std::size_t directory_count_at = 0;
    if (magic == magic_pe32) {
        directory_count_at = optional + 92;
        directories = optional + 96;
    } else if (magic == magic_pe32_plus) {
        directory_count_at = optional + 108;
        directories = optional + 112;
    } else {
        return failure(error, "unknown optional header magic");
    }
    if (directories > optional + optional_size) return failure(error, "truncated optional header");
    const std::size_t directory_count = in.u32(directory_count_at);

    std::vector<section> sections;
    const std::size_t section_table = optional + optional_size;
    if (!in.has(section_table, section_count * 40)) return failure(error, "truncated section table");
    for (std::size_t i = 0; i < section_count; ++i) {
        const std::size_t at = section_table + i * 40;
        sections.push_back({in.u32(at + 12), in.u32(at + 8), in.u32(at + 20), in.u32(at + 16)});
    }
    if (directory_count == 0 || !in.has(directories, 8) || directories + 8 > optional + optional_size)
        return info;  // no export directory: a PE image exporting nothing
    const std::uint32_t export_rva = in.u32(directories);
    if (export_rva == 0) return info;
    const auto exports = file_offset(sections, export_rva);
    if (!exports || !in.has(*exports, 40)) return failure(error, "the export directory lies outside the file");
    const std::size_t name_count = in.u32(*exports + 24);
    const auto names = file_offset(sections, in.u32(*exports + 32));
    if (name_count > max_export_names) return failure(error, "implausible export name count");
    if (name_count == 0) return info;
    if (!names || !in.has(*names, name_count * 4)) return failure(error, "the export name table lies outside the file");
    for (std::size_t i = 0; i < name_count; ++i) {
        const auto name_at = file_offset(sections, in.u32(*names + i * 4));
        auto name = name_at ? in.c_string(*name_at) : std::nullopt;
        if (!name) return failure(error, "an export name lies outside the file");
        info.exports.push_back(std::move(*name));
    }
    return info;
}

std::optional<pe_image_info> read_pe_file(const std::string& path, std::string& error, std::size_t max_bytes) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = "cannot open " + path;
        return std::nullopt;
    }
    std::vector<std::uint8_t> bytes;
    std::uint8_t chunk[65536];
    while (file && bytes.size() < max_bytes) {
        file.read(reinterpret_cast<char*>(chunk), sizeof chunk);
        bytes.insert(bytes.end(), chunk, chunk + file.gcount());
    }
    if (bytes.size() > max_bytes) bytes.resize(max_bytes);
    return read_pe_image(bytes, error);
}

std::string describe(pe_machine machine, std::uint16_t code) {
    switch (machine) {
        case pe_machine::i386: return "i386 (32-bit)";
        case pe_machine::amd64: return "amd64 (64-bit)";
        case pe_machine::other: break;
    }
    char text[32];
    std::snprintf(text, sizeof text, "machine 0x%x", code);
    return text;
}

std::string extension_problem(const pe_image_info& info) {
    if (info.machine == pe_machine::other)
        return "it is built for " + describe(info.machine, info.machine_code) +
               ", and only i386 and amd64 DLLs have a Windows worker";
    for (const char* name : {"GetExtensionVersion", "HttpExtensionProc"}) {
        // 32-bit DLLs built with __stdcall decoration export "_Name@4"; GetProcAddress does not
        // find those by the plain name, so neither do we.
        if (!info.exports_name(name)) return std::string("it does not export ") + name;
    }
    return "";
}

}  // namespace isapi_fcgi::wine
