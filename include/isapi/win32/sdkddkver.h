/*
 * sdkddkver.h - the Windows version an extension targets.  Source that sets _WIN32_WINNT,
 * WINVER, _WIN32_IE or NTDDI_VERSION itself (before <windows.h>, or with -D) keeps its value;
 * otherwise they default to Windows Server 2003 (IIS 6.0), the release whose ISAPI revision
 * (HSE_VERSION 6.0) httpext.h describes.  `#if _WIN32_WINNT >= 0x0600` blocks for Vista-era
 * APIs are therefore left out unless the source asks for them, as most of those APIs are not
 * part of libisapi-win32.
 *
 * _MSC_VER is deliberately not defined: code tests it to choose MSVC-only syntax
 * (__declspec(naked), __asm, #pragma warning(push, n), __int64 literals with i64...) which gcc
 * cannot compile; the gcc branch those files also carry is the one that builds here.
 */
#ifndef ISAPI_WIN32_SDKDDKVER_H
#define ISAPI_WIN32_SDKDDKVER_H

#define _WIN32_WINNT_NT4 0x0400
#define _WIN32_WINNT_WIN2K 0x0500
#define _WIN32_WINNT_WINXP 0x0501
#define _WIN32_WINNT_WS03 0x0502
#define _WIN32_WINNT_VISTA 0x0600
#define _WIN32_WINNT_WS08 0x0600
#define _WIN32_WINNT_WIN7 0x0601
#define _WIN32_WINNT_WIN8 0x0602
#define _WIN32_WINNT_WINBLUE 0x0603
#define _WIN32_WINNT_WIN10 0x0A00

#define _WIN32_IE_IE60 0x0600
#define _WIN32_IE_WS03 0x0602

#define NTDDI_WIN2K 0x05000000
#define NTDDI_WINXP 0x05010000
#define NTDDI_WS03 0x05020000
#define NTDDI_VISTA 0x06000000
#define NTDDI_WIN7 0x06010000
#define NTDDI_WIN10 0x0A000000

#if !defined(_WIN32_WINNT) && !defined(WINVER)
#define _WIN32_WINNT _WIN32_WINNT_WS03
#endif
#if !defined(_WIN32_WINNT)
#define _WIN32_WINNT WINVER
#endif
#if !defined(WINVER)
#define WINVER _WIN32_WINNT
#endif
#if !defined(_WIN32_IE)
#define _WIN32_IE _WIN32_IE_WS03
#endif
#if !defined(NTDDI_VERSION)
#define NTDDI_VERSION NTDDI_WS03
#endif

/* The SDK's switch that silences the secure CRT's deprecation warnings; nothing is deprecated
 * here, so it is on (and defining it again in the source, as MSVC projects do, is harmless). */
#ifndef _CRT_SECURE_NO_DEPRECATE
#define _CRT_SECURE_NO_DEPRECATE 1
#endif

#endif /* ISAPI_WIN32_SDKDDKVER_H */
