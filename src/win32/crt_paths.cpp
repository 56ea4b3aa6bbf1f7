// _splitpath/_makepath and their checked forms, as the MSVC CRT splits and builds paths.
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/invalid_parameter.hpp"

namespace {

struct path_parts {
    std::string drive, dir, fname, ext;
};

bool is_separator(char c) {
    return c == '\\' || c == '/';
}

// drive: "X:" at the start; dir: through the last separator; ext: from the last '.' of the
// rest; fname: the rest.
path_parts split(const char* path) {
    path_parts parts;
    const char* p = path;
    if (p[0] != '\0' && p[1] == ':') {
        parts.drive.assign(p, 2);
        p += 2;
    }
    const char* last_separator = nullptr;
    const char* last_dot = nullptr;
    for (const char* q = p; *q != '\0'; ++q) {
        if (is_separator(*q)) {
            last_separator = q;
            last_dot = nullptr;
        } else if (*q == '.') {
            last_dot = q;
        }
    }
    const char* name = p;
    if (last_separator != nullptr) {
        parts.dir.assign(p, static_cast<std::size_t>(last_separator + 1 - p));
        name = last_separator + 1;
    }
    if (last_dot != nullptr) {
        parts.fname.assign(name, static_cast<std::size_t>(last_dot - name));
        parts.ext = last_dot;
    } else {
        parts.fname = name;
    }
    return parts;
}

void copy_limited(char* out, const std::string& text, std::size_t limit) {
    if (out == nullptr) return;
    const std::size_t n = text.size() < limit ? text.size() : limit - 1;
    std::memcpy(out, text.data(), n);
    out[n] = '\0';
}

std::string joined(const char* drive, const char* dir, const char* fname, const char* ext) {
    std::string path;
    if (drive != nullptr && drive[0] != '\0') {
        path += drive[0];
        path += ':';
    }
    if (dir != nullptr && dir[0] != '\0') {
        path += dir;
        if (!is_separator(path.back())) path += '\\';
    }
    if (fname != nullptr) path += fname;
    if (ext != nullptr && ext[0] != '\0') {
        if (ext[0] != '.') path += '.';
        path += ext;
    }
    return path;
}

}  // namespace

extern "C" {

void _splitpath(const char* path, char* drive, char* dir, char* fname, char* ext) {
    if (path == nullptr) {
        isapi_fcgi::win32::invalid_parameter("_splitpath", "path is NULL");
        return;
    }
    const path_parts parts = split(path);
    copy_limited(drive, parts.drive, _MAX_DRIVE);
    copy_limited(dir, parts.dir, _MAX_DIR);
    copy_limited(fname, parts.fname, _MAX_FNAME);
    copy_limited(ext, parts.ext, _MAX_EXT);
}

errno_t _splitpath_s(const char* path, char* drive, size_t driveNumberOfElements, char* dir,
                     size_t dirNumberOfElements, char* fname, size_t nameNumberOfElements,
                     char* ext, size_t extNumberOfElements) {
    struct field {
        char* buffer;
        size_t size;
    };
    const field fields[] = {{drive, driveNumberOfElements}, {dir, dirNumberOfElements},
                            {fname, nameNumberOfElements}, {ext, extNumberOfElements}};
    auto empty_all = [&] {
        for (const auto& f : fields) {
            if (f.buffer != nullptr && f.size > 0) f.buffer[0] = '\0';
        }
    };
    bool invalid = path == nullptr;
    for (const auto& f : fields) {
        if ((f.buffer == nullptr) != (f.size == 0)) invalid = true;
    }
    if (invalid) {
        empty_all();
        isapi_fcgi::win32::invalid_parameter("_splitpath_s", "NULL path, or a buffer and its size disagree");
        return EINVAL;
    }
    const path_parts parts = split(path);
    const std::string* texts[] = {&parts.drive, &parts.dir, &parts.fname, &parts.ext};
    for (int i = 0; i < 4; ++i) {
        if (fields[i].buffer != nullptr && texts[i]->size() + 1 > fields[i].size) {
            empty_all();
            isapi_fcgi::win32::invalid_parameter("_splitpath_s", "buffer too small");
            return ERANGE;
        }
    }
    for (int i = 0; i < 4; ++i) {
        if (fields[i].buffer != nullptr) {
            std::memcpy(fields[i].buffer, texts[i]->c_str(), texts[i]->size() + 1);
        }
    }
    return 0;
}

void _makepath(char* path, const char* drive, const char* dir, const char* fname, const char* ext) {
    if (path == nullptr) {
        isapi_fcgi::win32::invalid_parameter("_makepath", "path is NULL");
        return;
    }
    const std::string text = joined(drive, dir, fname, ext);
    std::memcpy(path, text.c_str(), text.size() + 1);
}

errno_t _makepath_s(char* path, size_t sizeInCharacters, const char* drive, const char* dir,
                    const char* fname, const char* ext) {
    if (path == nullptr || sizeInCharacters == 0) {
        isapi_fcgi::win32::invalid_parameter("_makepath_s", "path is NULL or its size 0");
        return EINVAL;
    }
    const std::string text = joined(drive, dir, fname, ext);
    if (text.size() + 1 > sizeInCharacters) {
        path[0] = '\0';
        isapi_fcgi::win32::invalid_parameter("_makepath_s", "buffer too small");
        return ERANGE;
    }
    std::memcpy(path, text.c_str(), text.size() + 1);
    return 0;
}

}  // extern "C"
