/* windef.h - the Win32 base types, sized as on 64-bit Windows (see ../windef_subset.h). */
#ifndef ISAPI_WIN32_WINDEF_H
#define ISAPI_WIN32_WINDEF_H
#include "../windef_subset.h"
#endif
