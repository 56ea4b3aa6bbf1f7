/*
 * winerror.h - Win32 error codes that libisapi-win32 sets beyond those of windef_subset.h
 * (which the host's callbacks use).  Values are the Windows SDK's.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_WINERROR_H
#define ISAPI_WIN32_WINERROR_H

#include "../windef_subset.h"

#define ERROR_INVALID_ACCESS 12
#define ERROR_NEGATIVE_SEEK 131
#define ERROR_MOD_NOT_FOUND 126
#define ERROR_PROC_NOT_FOUND 127
#define ERROR_ENVVAR_NOT_FOUND 203
#define ERROR_NO_MORE_ITEMS 259
#define ERROR_NOT_OWNER 288
#define ERROR_TOO_MANY_POSTS 298
#define ERROR_MR_MID_NOT_FOUND 317
#define ERROR_INVALID_USER_BUFFER 1784
#define ERROR_DLL_INIT_FAILED 1114
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define ERROR_INVALID_THREAD_ID 1444
#define ERROR_BAD_LENGTH 24
#define ERROR_OUT_OF_PAPER 28
#define ERROR_CANTOPEN 1011
#define ERROR_BADKEY 1010
#define ERROR_OLD_WIN_VERSION 1150
#define ERROR_RESOURCE_TYPE_NOT_FOUND 1813
#define ERROR_RESOURCE_NAME_NOT_FOUND 1814
#define ERROR_BAD_USERNAME 2202
#define ERROR_INVALID_PASSWORDNAME 1216
#define ERROR_NONE_MAPPED 1332
#define ERROR_INVALID_SID 1337
#define ERROR_NO_TOKEN 1008
#define ERROR_DIR_NOT_EMPTY 145
#define ERROR_DIRECTORY 267
#define ERROR_BAD_EXE_FORMAT 193
#define ERROR_NOT_A_REPARSE_POINT 4390

#endif /* ISAPI_WIN32_WINERROR_H */
