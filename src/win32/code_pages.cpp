// MultiByteToWideChar / WideCharToMultiByte over the code pages winnls.h lists.
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/unicode.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

enum class page { utf8, cp1252, latin1, ascii, unknown };

page page_of(UINT code_page) {
    switch (code_page) {
        case CP_ACP:
        case CP_OEMCP:
        case CP_THREAD_ACP:
        case CP_UTF8: return page::utf8;
        case 1252: return page::cp1252;
        case 28591: return page::latin1;
        case 20127: return page::ascii;
        default: return page::unknown;
    }
}

// Copies `count` units to `out` (capacity `capacity`), or reports the size when capacity is 0.
template <typename Unit>
int deliver(const Unit* data, std::size_t count, Unit* out, int capacity) {
    if (count > static_cast<std::size_t>(INT32_MAX)) return fail(ERROR_INVALID_PARAMETER, 0);
    if (capacity == 0) return static_cast<int>(count);
    if (count > static_cast<std::size_t>(capacity)) return fail(ERROR_INSUFFICIENT_BUFFER, 0);
    std::memcpy(out, data, count * sizeof(Unit));
    return static_cast<int>(count);
}

}  // namespace

extern "C" {

UINT WINAPI GetACP(VOID) {
    return CP_UTF8;
}

int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr,
                               int cbMultiByte, LPWSTR lpWideCharStr, int cchWideChar) {
    const page which = page_of(CodePage);
    if (which == page::unknown || lpMultiByteStr == nullptr || cbMultiByte == 0
        || cbMultiByte < -1 || cchWideChar < 0 || (cchWideChar > 0 && lpWideCharStr == nullptr)
        || (lpWideCharStr != nullptr
            && static_cast<const void*>(lpWideCharStr) == static_cast<const void*>(lpMultiByteStr))) {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    if (which == page::utf8 && (dwFlags & ~static_cast<DWORD>(MB_ERR_INVALID_CHARS)) != 0) {
        return fail(ERROR_INVALID_FLAGS, 0);
    }
    const std::size_t length = cbMultiByte == -1 ? std::strlen(lpMultiByteStr) + 1
                                                 : static_cast<std::size_t>(cbMultiByte);
    const std::string_view bytes(lpMultiByteStr, length);
    std::u16string units;
    if (which == page::utf8) {
        auto converted =
            isapi_fcgi::win32::utf8_to_utf16(bytes, (dwFlags & MB_ERR_INVALID_CHARS) != 0);
        if (!converted) return fail(ERROR_NO_UNICODE_TRANSLATION, 0);
        units = std::move(*converted);
    } else {
        units.reserve(length);
        for (const char c : bytes) {
            const auto byte = static_cast<unsigned char>(c);
            if (which == page::ascii && byte >= 0x80) {
                if (dwFlags & MB_ERR_INVALID_CHARS) return fail(ERROR_NO_UNICODE_TRANSLATION, 0);
                units.push_back(u'?');
                continue;
            }
            units.push_back(which == page::cp1252 ? isapi_fcgi::win32::cp1252_to_utf16(byte)
                                                  : static_cast<char16_t>(byte));
        }
    }
    return deliver(units.data(), units.size(), lpWideCharStr, cchWideChar);
}

int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr,
                               int cchWideChar, LPSTR lpMultiByteStr, int cbMultiByte,
                               LPCSTR lpDefaultChar, LPBOOL lpUsedDefaultChar) {
    const page which = page_of(CodePage);
    if (which == page::unknown || lpWideCharStr == nullptr || cchWideChar == 0
        || cchWideChar < -1 || cbMultiByte < 0 || (cbMultiByte > 0 && lpMultiByteStr == nullptr)) {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    if (which == page::utf8) {
        // Windows: the default-character arguments must be NULL for UTF-8.
        if (lpDefaultChar != nullptr || lpUsedDefaultChar != nullptr) {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if ((dwFlags & ~static_cast<DWORD>(WC_ERR_INVALID_CHARS)) != 0) {
            return fail(ERROR_INVALID_FLAGS, 0);
        }
    }
    const std::size_t length = cchWideChar == -1
                                   ? isapi_fcgi::win32::utf16_length(lpWideCharStr) + 1
                                   : static_cast<std::size_t>(cchWideChar);
    const std::u16string_view units(lpWideCharStr, length);
    std::string bytes;
    if (which == page::utf8) {
        auto converted =
            isapi_fcgi::win32::utf16_to_utf8(units, (dwFlags & WC_ERR_INVALID_CHARS) != 0);
        if (!converted) return fail(ERROR_NO_UNICODE_TRANSLATION, 0);
        bytes = std::move(*converted);
    } else {
        const char fallback = lpDefaultChar != nullptr ? *lpDefaultChar : '?';
        bool used_default = false;
        for (const char16_t unit : units) {
            std::optional<unsigned char> byte;
            if (which == page::cp1252) byte = isapi_fcgi::win32::utf16_to_cp1252(unit);
            else if (which == page::latin1 && unit <= 0xFF) byte = static_cast<unsigned char>(unit);
            else if (which == page::ascii && unit < 0x80) byte = static_cast<unsigned char>(unit);
            if (!byte) {
                used_default = true;
                bytes.push_back(fallback);
            } else {
                bytes.push_back(static_cast<char>(*byte));
            }
        }
        if (lpUsedDefaultChar != nullptr) *lpUsedDefaultChar = used_default ? TRUE : FALSE;
    }
    return deliver(bytes.data(), bytes.size(), lpMultiByteStr, cbMultiByte);
}

}  // extern "C"
