// CoCreateGuid: a version 4 GUID from getrandom(2).
#include <sys/random.h>

#include <cstring>

#include <isapi/win32/windows.h>

extern "C" HRESULT WINAPI CoCreateGuid(GUID* pguid) {
    if (pguid == nullptr) return E_INVALIDARG;
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof(bytes)) {
        const ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
        if (n <= 0) return E_FAIL;
        got += static_cast<std::size_t>(n);
    }
    std::memcpy(&pguid->Data1, bytes, 4);
    std::memcpy(&pguid->Data2, bytes + 4, 2);
    std::memcpy(&pguid->Data3, bytes + 6, 2);
    std::memcpy(pguid->Data4, bytes + 8, 8);
    pguid->Data3 = static_cast<WORD>((pguid->Data3 & 0x0FFF) | 0x4000);       // version 4
    pguid->Data4[0] = static_cast<BYTE>((pguid->Data4[0] & 0x3F) | 0x80);     // RFC 4122 variant
    return S_OK;
}
