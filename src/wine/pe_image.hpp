#pragma once
// What --check-config and the Linux worker need to know about a Windows DLL before handing it
// to a Windows worker: is it a PE image, for which machine, and which names does it export.
// Pure: reads bytes given to it, no I/O (read_pe_file is the only function touching a file).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace isapi_fcgi::wine {

enum class pe_machine { i386, amd64, other };

struct pe_image_info {
    pe_machine machine = pe_machine::other;
    std::uint16_t machine_code = 0;  ///< IMAGE_FILE_HEADER.Machine as found
    bool is_dll = false;             ///< IMAGE_FILE_DLL
    std::vector<std::string> exports;  ///< exported names, in the order of the name table

    bool exports_name(std::string_view name) const;
};

/// The PE header and export names of `image` (a whole file's bytes); nullopt with `error` set
/// ("not a PE file: ...") when the bytes are not a well-formed PE image. Every offset is bounds
/// checked, so a truncated or hostile file gives an error, never a read past the end.
std::optional<pe_image_info> read_pe_image(std::span<const std::uint8_t> image, std::string& error);

/// read_pe_image on a file's contents (at most `max_bytes`, 256 MiB by default).
std::optional<pe_image_info> read_pe_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes = std::size_t{256} << 20);

/// "i386 (32-bit)", "amd64 (64-bit)", "machine 0x1c4".
std::string describe(pe_machine machine, std::uint16_t code);

/// What keeps `info` from being served as an ISAPI extension ("" when nothing): a missing
/// GetExtensionVersion or HttpExtensionProc export, or a machine no worker exists for.
std::string extension_problem(const pe_image_info& info);

}  // namespace isapi_fcgi::wine
