/*
 * combaseapi.h - the COM functions that make sense without COM: CoCreateGuid.  Nothing else of
 * COM (CoInitialize, CoCreateInstance...) is provided.
 */
#ifndef ISAPI_WIN32_COMBASEAPI_H
#define ISAPI_WIN32_COMBASEAPI_H

#include "guiddef.h"
#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A random (version 4, RFC 4122 variant) GUID from the kernel's random source: S_OK, or
 * E_INVALIDARG for a NULL pguid. */
ISAPI_WIN32_API HRESULT WINAPI CoCreateGuid(GUID *pguid);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_COMBASEAPI_H */
