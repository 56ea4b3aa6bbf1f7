/* isapi_runtime.h - libisapi-runtime.so's C API (../isapi_runtime.h), reachable from here.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#include "../isapi_runtime.h"
