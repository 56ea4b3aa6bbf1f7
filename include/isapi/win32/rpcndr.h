/* rpcndr.h - the RPC/COM base types that non-COM code also picks up through <windows.h>. */
#ifndef ISAPI_WIN32_RPCNDR_H
#define ISAPI_WIN32_RPCNDR_H

/* MIDL's boolean: one unsigned byte, unlike BOOL. */
typedef unsigned char boolean;

#endif /* ISAPI_WIN32_RPCNDR_H */
