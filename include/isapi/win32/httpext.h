/* httpext.h - the ISAPI extension interface (../httpext.h), reachable from this directory.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#include "../httpext.h"
