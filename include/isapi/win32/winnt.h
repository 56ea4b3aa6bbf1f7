/*
 * winnt.h - the doubly and singly linked list nodes of the Windows SDK and CONTAINING_RECORD,
 * which recovers the structure that embeds a node.  The list helpers (InitializeListHead...)
 * are not part of the user-mode SDK, so IIS-era code defines its own; they live in
 * <isapi_list_entry.h> for code that wants ours, and <windows.h> does not include them.
 */
#ifndef ISAPI_WIN32_WINNT_H
#define ISAPI_WIN32_WINNT_H

#include <stddef.h>

#include "windef.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

#ifdef __cplusplus
}
#endif

#ifndef FIELD_OFFSET
#define FIELD_OFFSET(type, field) ISAPI_SCAST_(LONG, offsetof(type, field))
#endif
/* The address of the `type` whose member `field` is at `address`. */
#ifndef CONTAINING_RECORD
#define CONTAINING_RECORD(address, type, field)                                                \
    ISAPI_RCAST_(type *, ISAPI_RCAST_(PCHAR, address) - offsetof(type, field))
#endif

#endif /* ISAPI_WIN32_WINNT_H */
