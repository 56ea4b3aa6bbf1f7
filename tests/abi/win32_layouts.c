/*
 * Layouts and values that Windows defines for the structures and constants of
 * include/isapi/win32 beyond httpext.h/windef_subset.h (which abi_check covers field by field).
 * win32_layouts.cmake compiles this file to assembly with mingw-w64 for x86_64 Windows and with
 * the Linux compilers against include/isapi/win32, and compares the table.
 */
#include <stddef.h>
#include <windows.h>
#include <wininet.h>
#include <shlwapi.h>
#include <winioctl.h>
#include <stdlib.h>
#include <stdio.h>
#ifdef ABI_PROBE_WINDOWS
#include <share.h>
#endif

#define S(type) (unsigned long long)sizeof(type)
#define O(type, field) (unsigned long long)offsetof(type, field)
#define V(value) (unsigned long long)(value)

#ifdef __cplusplus
extern "C" {
#endif
extern const unsigned long long win32_layout_values[];
#ifdef __cplusplus
}
#endif
const unsigned long long win32_layout_values[] = {
    S(SYSTEM_INFO), O(SYSTEM_INFO, dwPageSize), O(SYSTEM_INFO, lpMinimumApplicationAddress),
    O(SYSTEM_INFO, dwActiveProcessorMask), O(SYSTEM_INFO, dwNumberOfProcessors),
    O(SYSTEM_INFO, dwAllocationGranularity), O(SYSTEM_INFO, wProcessorLevel),
    S(OSVERSIONINFOA), O(OSVERSIONINFOA, szCSDVersion), S(OSVERSIONINFOEXA),
    O(OSVERSIONINFOEXA, wServicePackMajor), O(OSVERSIONINFOEXA, wProductType),
    S(WIN32_FILE_ATTRIBUTE_DATA), O(WIN32_FILE_ATTRIBUTE_DATA, ftLastWriteTime),
    O(WIN32_FILE_ATTRIBUTE_DATA, nFileSizeLow), S(BY_HANDLE_FILE_INFORMATION),
    O(BY_HANDLE_FILE_INFORMATION, dwVolumeSerialNumber), O(BY_HANDLE_FILE_INFORMATION, nFileIndexLow),
    S(TIME_ZONE_INFORMATION), O(TIME_ZONE_INFORMATION, StandardName),
    O(TIME_ZONE_INFORMATION, StandardDate), O(TIME_ZONE_INFORMATION, StandardBias),
    O(TIME_ZONE_INFORMATION, DaylightName), O(TIME_ZONE_INFORMATION, DaylightDate),
    O(TIME_ZONE_INFORMATION, DaylightBias), S(MEMORY_BASIC_INFORMATION),
    O(MEMORY_BASIC_INFORMATION, AllocationProtect), O(MEMORY_BASIC_INFORMATION, RegionSize),
    O(MEMORY_BASIC_INFORMATION, State), O(MEMORY_BASIC_INFORMATION, Type), S(STARTUPINFOW),
    O(STARTUPINFOW, dwFlags), O(STARTUPINFOW, wShowWindow), O(STARTUPINFOW, lpReserved2),
    O(STARTUPINFOW, hStdError), S(PROCESS_INFORMATION), O(PROCESS_INFORMATION, dwThreadId),
    S(VS_FIXEDFILEINFO), O(VS_FIXEDFILEINFO, dwFileDateLS), S(LIST_ENTRY), O(LIST_ENTRY, Blink),
    S(SINGLE_LIST_ENTRY), S(GUID), O(GUID, Data4), S(URL_COMPONENTSA), O(URL_COMPONENTSA, nScheme),
    O(URL_COMPONENTSA, nPort), O(URL_COMPONENTSA, lpszUserName),
    O(URL_COMPONENTSA, dwExtraInfoLength), S(SID_AND_ATTRIBUTES), S(LUID_AND_ATTRIBUTES),
    O(LUID_AND_ATTRIBUTES, Attributes), S(TOKEN_GROUPS_AND_PRIVILEGES),
    O(TOKEN_GROUPS_AND_PRIVILEGES, Privileges), O(TOKEN_GROUPS_AND_PRIVILEGES, AuthenticationId),
    S(TOKEN_USER), S(TOKEN_GROUPS), O(TOKEN_GROUPS, Groups), S(SID_IDENTIFIER_AUTHORITY), S(SID),
    S(INT32), S(boolean), S(HINTERNET), S(INTERNET_PORT), S(LCID),
    V(FSCTL_GET_REPARSE_POINT), V(IO_REPARSE_TAG_SYMLINK), V(IO_REPARSE_TAG_MOUNT_POINT),
    V(INTERNET_MAX_URL_LENGTH), V(INTERNET_MAX_PATH_LENGTH), V(INTERNET_MAX_USER_NAME_LENGTH),
    V(INTERNET_MAX_PASSWORD_LENGTH), V(INTERNET_MAX_SCHEME_LENGTH), V(INTERNET_SCHEME_HTTPS),
    V(HTTP_STATUS_OK), V(HTTP_STATUS_REDIRECT), V(HTTP_STATUS_FORBIDDEN),
    V(HTTP_STATUS_REQUEST_TIMEOUT), V(HTTP_STATUS_SERVER_ERROR), V(TOKEN_READ),
    V(TokenGroupsAndPrivileges), V(SidTypeUser), V(SidTypeWellKnownGroup), V(WRITE_RESTRICTED),
    V(GetFileExInfoStandard), V(FILE_ATTRIBUTE_REPARSE_POINT), V(INVALID_FILE_ATTRIBUTES),
    V(FILE_FLAG_OPEN_REPARSE_POINT), V(X509_ASN_ENCODING), V(PAGE_GUARD), V(NONZEROLPTR),
    V(MB_OK), V(MB_ICONINFORMATION), V(MB_SERVICE_NOTIFICATION), V(LOCALE_SYSTEM_DEFAULT),
    V(LOCALE_USER_DEFAULT), V(DATE_LONGDATE), V(TIME_NOSECONDS), V(TIME_FORCE24HOURFORMAT),
    V(TIME_ZONE_ID_DAYLIGHT), V(VER_PLATFORM_WIN32_NT), V(PROCESSOR_ARCHITECTURE_AMD64),
    V(_MAX_PATH), V(_MAX_DRIVE), V(_MAX_DIR), V(_MAX_FNAME), V(_MAX_EXT), V(_SH_DENYNO),
    V(_SH_DENYWR), V(ERROR_BAD_LENGTH), V(ERROR_CANTOPEN), V(ERROR_INVALID_PASSWORDNAME),
    V(ERROR_BAD_USERNAME), V(ERROR_BADKEY), V(ERROR_NONE_MAPPED), V(ERROR_OLD_WIN_VERSION),
    V(ERROR_OUT_OF_PAPER), V(ERROR_RESOURCE_TYPE_NOT_FOUND), V(ERROR_RESOURCE_NAME_NOT_FOUND),
    V(ERROR_DIRECTORY), V(ERROR_DIR_NOT_EMPTY), V(ERROR_INVALID_SID), V(ERROR_NOT_A_REPARSE_POINT),
};
