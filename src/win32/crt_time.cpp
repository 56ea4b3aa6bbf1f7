// gmtime_s, localtime_s, ctime_s, asctime_s with MSVC's argument order and checks.
#include <cerrno>
#include <cstring>
#include <ctime>

#include <isapi/win32/windows.h>

#include "win32/invalid_parameter.hpp"

namespace {

errno_t report(const char* function, const char* what, errno_t code) {
    isapi_fcgi::win32::invalid_parameter(function, what);
    errno = code;
    return code;
}

// MSVC fills the result with -1 before reporting a bad time.
void invalidate(struct tm* result) {
    std::memset(result, 0xFF, sizeof(*result));
}

errno_t convert(const char* function, struct tm* result, const time_t* source, bool local) {
    if (result == nullptr) return report(function, "tmDest is NULL", EINVAL);
    if (source == nullptr || *source < 0) {
        invalidate(result);
        return report(function, "NULL or negative time", EINVAL);
    }
    if ((local ? ::localtime_r(source, result) : ::gmtime_r(source, result)) == nullptr) {
        invalidate(result);
        return report(function, "time out of range", EINVAL);
    }
    return 0;
}

constexpr size_t ctime_length = 26;  // "Wed Jan 02 02:03:55 1980\n" and the NUL

}  // namespace

extern "C" {

errno_t gmtime_s(struct tm* tmDest, const time_t* sourceTime) {
    return convert("gmtime_s", tmDest, sourceTime, false);
}

errno_t localtime_s(struct tm* tmDest, const time_t* sourceTime) {
    return convert("localtime_s", tmDest, sourceTime, true);
}

errno_t asctime_s(char* buffer, size_t numberOfElements, const struct tm* tmSource) {
    if (buffer == nullptr || numberOfElements == 0) return report("asctime_s", "NULL buffer", EINVAL);
    buffer[0] = '\0';
    if (numberOfElements < ctime_length) return report("asctime_s", "buffer too small", EINVAL);
    if (tmSource == nullptr || tmSource->tm_year < 0 || tmSource->tm_year > 8099) {
        return report("asctime_s", "NULL or invalid time", EINVAL);
    }
    char text[64];
    if (::asctime_r(tmSource, text) == nullptr || std::strlen(text) + 1 > numberOfElements) {
        return report("asctime_s", "time out of range", EINVAL);
    }
    std::memcpy(buffer, text, std::strlen(text) + 1);
    return 0;
}

errno_t ctime_s(char* buffer, size_t numberOfElements, const time_t* sourceTime) {
    if (buffer == nullptr || numberOfElements == 0) return report("ctime_s", "NULL buffer", EINVAL);
    buffer[0] = '\0';
    if (numberOfElements < ctime_length) return report("ctime_s", "buffer too small", ERANGE);
    if (sourceTime == nullptr || *sourceTime < 0) return report("ctime_s", "NULL or negative time", EINVAL);
    struct tm local{};
    if (::localtime_r(sourceTime, &local) == nullptr) return report("ctime_s", "time out of range", EINVAL);
    return asctime_s(buffer, numberOfElements, &local);
}

}  // extern "C"
