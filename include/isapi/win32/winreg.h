/*
 * winreg.h - the registry functions (included by windows.h), over the pool's own store: the
 * keys the operator exported from the IIS machine as .reg files (pool setting `registry`,
 * docs/config.md), plus what extensions write, saved under the pool's state directory.
 * Nothing else is visible and nothing leaves the store: a subkey path is only ever a list of
 * names ("..", "/" are ordinary characters).  Names compare case-insensitively and keep their
 * case.  ...A functions take and give UTF-8 (the ANSI code page here); string values are kept
 * in UTF-16 as on Windows.  Return codes are Windows' (LSTATUS, not the last error).
 */
#ifndef ISAPI_WIN32_WINREG_H
#define ISAPI_WIN32_WINREG_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct isapi_hkey_ *HKEY;
typedef HKEY *PHKEY;
typedef DWORD REGSAM;
typedef LONG LSTATUS;

#ifdef __cplusplus
#define ISAPI_HKEY_(value) (reinterpret_cast<HKEY>(static_cast<ULONG_PTR>(value)))
#else
#define ISAPI_HKEY_(value) ((HKEY)(ULONG_PTR)(value))
#endif
#define HKEY_CLASSES_ROOT ISAPI_HKEY_(0x80000000u)
#define HKEY_CURRENT_USER ISAPI_HKEY_(0x80000001u)
#define HKEY_LOCAL_MACHINE ISAPI_HKEY_(0x80000002u)
#define HKEY_USERS ISAPI_HKEY_(0x80000003u)
#define HKEY_CURRENT_CONFIG ISAPI_HKEY_(0x80000005u)

#define REG_NONE 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_BINARY 3
#define REG_DWORD 4
#define REG_DWORD_LITTLE_ENDIAN 4
#define REG_DWORD_BIG_ENDIAN 5
#define REG_LINK 6
#define REG_MULTI_SZ 7
#define REG_QWORD 11
#define REG_QWORD_LITTLE_ENDIAN 11

#define KEY_QUERY_VALUE 0x0001
#define KEY_SET_VALUE 0x0002
#define KEY_CREATE_SUB_KEY 0x0004
#define KEY_ENUMERATE_SUB_KEYS 0x0008
#define KEY_NOTIFY 0x0010
#define KEY_CREATE_LINK 0x0020
#define KEY_WOW64_64KEY 0x0100
#define KEY_WOW64_32KEY 0x0200
#define KEY_READ 0x20019
#define KEY_WRITE 0x20006
#define KEY_EXECUTE 0x20019
#define KEY_ALL_ACCESS 0xF003F

#define REG_OPTION_NON_VOLATILE 0x00000000
#define REG_OPTION_VOLATILE 0x00000001
#define REG_CREATED_NEW_KEY 0x00000001
#define REG_OPENED_EXISTING_KEY 0x00000002

#ifndef ERROR_BADKEY
#define ERROR_BADKEY 1010
#endif
#ifndef ERROR_KEY_DELETED
#define ERROR_KEY_DELETED 1018
#endif

/*
 * Access rights are checked as Windows does for the handle's own operations: querying needs
 * KEY_QUERY_VALUE, setting KEY_SET_VALUE, enumerating subkeys KEY_ENUMERATE_SUB_KEYS
 * (ERROR_ACCESS_DENIED otherwise).  REG_OPTION_VOLATILE is accepted; such keys are saved like
 * the others.  A name with a control character (below U+0020) is refused with
 * ERROR_INVALID_PARAMETER, so that the saved store always reads back.
 */
ISAPI_WIN32_API LSTATUS WINAPI RegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD ulOptions,
                                             REGSAM samDesired, PHKEY phkResult);
ISAPI_WIN32_API LSTATUS WINAPI RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions,
                                             REGSAM samDesired, PHKEY phkResult);
ISAPI_WIN32_API LSTATUS WINAPI RegOpenKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult);
ISAPI_WIN32_API LSTATUS WINAPI RegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD Reserved,
                                               LPSTR lpClass, DWORD dwOptions,
                                               REGSAM samDesired,
                                               LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                               PHKEY phkResult, LPDWORD lpdwDisposition);
ISAPI_WIN32_API LSTATUS WINAPI RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved,
                                               LPWSTR lpClass, DWORD dwOptions,
                                               REGSAM samDesired,
                                               LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                               PHKEY phkResult, LPDWORD lpdwDisposition);
ISAPI_WIN32_API LSTATUS WINAPI RegCreateKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult);
ISAPI_WIN32_API LSTATUS WINAPI RegCloseKey(HKEY hKey);
/*
 * lpData NULL: *lpcbData gets the size.  Too small: ERROR_MORE_DATA with the size in
 * *lpcbData.  Missing value: ERROR_FILE_NOT_FOUND.  The A form converts string types to
 * UTF-8 (the size it reports is the converted one).
 */
ISAPI_WIN32_API LSTATUS WINAPI RegQueryValueExA(HKEY hKey, LPCSTR lpValueName, LPDWORD lpReserved,
                                                LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData);
ISAPI_WIN32_API LSTATUS WINAPI RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved,
                                                LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData);
ISAPI_WIN32_API LSTATUS WINAPI RegSetValueExA(HKEY hKey, LPCSTR lpValueName, DWORD Reserved,
                                              DWORD dwType, const BYTE *lpData, DWORD cbData);
ISAPI_WIN32_API LSTATUS WINAPI RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved,
                                              DWORD dwType, const BYTE *lpData, DWORD cbData);
/* Past the last one: ERROR_NO_MORE_ITEMS.  A name buffer too small: ERROR_MORE_DATA. */
ISAPI_WIN32_API LSTATUS WINAPI RegEnumKeyExA(HKEY hKey, DWORD dwIndex, LPSTR lpName,
                                             LPDWORD lpcchName, LPDWORD lpReserved, LPSTR lpClass,
                                             LPDWORD lpcchClass, PFILETIME lpftLastWriteTime);
ISAPI_WIN32_API LSTATUS WINAPI RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName,
                                             LPDWORD lpcchName, LPDWORD lpReserved, LPWSTR lpClass,
                                             LPDWORD lpcchClass, PFILETIME lpftLastWriteTime);
ISAPI_WIN32_API LSTATUS WINAPI RegEnumValueA(HKEY hKey, DWORD dwIndex, LPSTR lpValueName,
                                             LPDWORD lpcchValueName, LPDWORD lpReserved,
                                             LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData);
ISAPI_WIN32_API LSTATUS WINAPI RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName,
                                             LPDWORD lpcchValueName, LPDWORD lpReserved,
                                             LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData);
/* A key with subkeys is not deleted: ERROR_ACCESS_DENIED, as on Windows. */
ISAPI_WIN32_API LSTATUS WINAPI RegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey);
ISAPI_WIN32_API LSTATUS WINAPI RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey);
ISAPI_WIN32_API LSTATUS WINAPI RegDeleteValueA(HKEY hKey, LPCSTR lpValueName);
ISAPI_WIN32_API LSTATUS WINAPI RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName);
ISAPI_WIN32_API LSTATUS WINAPI RegFlushKey(HKEY hKey);

#define RegOpenKeyEx RegOpenKeyExA
#define RegOpenKey RegOpenKeyA
#define RegCreateKeyEx RegCreateKeyExA
#define RegCreateKey RegCreateKeyA
#define RegQueryValueEx RegQueryValueExA
#define RegSetValueEx RegSetValueExA
#define RegEnumKeyEx RegEnumKeyExA
#define RegEnumValue RegEnumValueA
#define RegDeleteKey RegDeleteKeyA
#define RegDeleteValue RegDeleteValueA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINREG_H */
