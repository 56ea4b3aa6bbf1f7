/* basetsd.h - the fixed-size integer names of the Windows SDK beyond those of windef.h. */
#ifndef ISAPI_WIN32_BASETSD_H
#define ISAPI_WIN32_BASETSD_H

#include "windef.h"

typedef signed char INT8, *PINT8;
typedef unsigned char UINT8, *PUINT8;
typedef short INT16, *PINT16;
typedef unsigned short UINT16, *PUINT16;
typedef int INT32, *PINT32;
typedef unsigned int UINT32, *PUINT32;
typedef int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32;
typedef unsigned int DWORD32, *PDWORD32;
typedef INT64 *PINT64;
typedef UINT64 *PUINT64;
typedef int HALF_PTR;
typedef unsigned int UHALF_PTR;

#endif /* ISAPI_WIN32_BASETSD_H */
