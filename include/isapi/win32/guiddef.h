/* guiddef.h - the GUID structure, laid out as on Windows (16 bytes, 4-byte aligned). */
#ifndef ISAPI_WIN32_GUIDDEF_H
#define ISAPI_WIN32_GUIDDEF_H

#include "windef.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    DWORD Data1;
    WORD Data2;
    WORD Data3;
    BYTE Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID;
typedef GUID CLSID;

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_GUIDDEF_H */
