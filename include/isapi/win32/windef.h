/* windef.h - the Win32 base types, sized as on 64-bit Windows (see ../windef_subset.h).
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_WINDEF_H
#define ISAPI_WIN32_WINDEF_H
#include "../windef_subset.h"
#endif
