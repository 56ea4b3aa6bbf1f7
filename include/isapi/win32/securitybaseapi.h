/*
 * securitybaseapi.h - access tokens and SIDs, mapped onto the worker's Unix identity.  The
 * process token's user is the SID S-1-22-1-<uid> and its groups S-1-22-2-<gid> (the "Unix
 * User" / "Unix Group" SIDs Samba and Windows use for Unix accounts); LookupAccountSid names
 * them from the passwd and group databases.  There is no impersonation: every thread runs as
 * the worker, RevertToSelf succeeds, and SetThreadToken accepts only NULL or a token of this
 * process (which changes nothing).
 */
#ifndef ISAPI_WIN32_SECURITYBASEAPI_H
#define ISAPI_WIN32_SECURITYBASEAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ISAPI_WIN32_PSID_DEFINED
#define ISAPI_WIN32_PSID_DEFINED /* event_log.h declares it too; C99 refuses a second typedef */
typedef PVOID PSID;
#endif
typedef DWORD ACCESS_MASK;

typedef struct _SID_IDENTIFIER_AUTHORITY {
    BYTE Value[6];
} SID_IDENTIFIER_AUTHORITY, *PSID_IDENTIFIER_AUTHORITY;

typedef struct _SID {
    BYTE Revision;
    BYTE SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    DWORD SubAuthority[1];
} SID, *PISID;

typedef struct _SID_AND_ATTRIBUTES {
    PSID Sid;
    DWORD Attributes;
} SID_AND_ATTRIBUTES, *PSID_AND_ATTRIBUTES;

typedef struct _LUID {
    DWORD LowPart;
    LONG HighPart;
} LUID, *PLUID;

#pragma pack(push, 4)
typedef struct _LUID_AND_ATTRIBUTES {
    LUID Luid;
    DWORD Attributes;
} LUID_AND_ATTRIBUTES, *PLUID_AND_ATTRIBUTES;
#pragma pack(pop)

typedef enum _SID_NAME_USE {
    SidTypeUser = 1,
    SidTypeGroup,
    SidTypeDomain,
    SidTypeAlias,
    SidTypeWellKnownGroup,
    SidTypeDeletedAccount,
    SidTypeInvalid,
    SidTypeUnknown,
    SidTypeComputer,
    SidTypeLabel,
    SidTypeLogonSession
} SID_NAME_USE, *PSID_NAME_USE;

typedef enum _TOKEN_INFORMATION_CLASS {
    TokenUser = 1,
    TokenGroups,
    TokenPrivileges,
    TokenOwner,
    TokenPrimaryGroup,
    TokenDefaultDacl,
    TokenSource,
    TokenType,
    TokenImpersonationLevel,
    TokenStatistics,
    TokenRestrictedSids,
    TokenSessionId,
    TokenGroupsAndPrivileges,
    TokenSessionReference,
    TokenSandBoxInert,
    TokenAuditPolicy,
    TokenOrigin
} TOKEN_INFORMATION_CLASS, *PTOKEN_INFORMATION_CLASS;

typedef struct _TOKEN_USER {
    SID_AND_ATTRIBUTES User;
} TOKEN_USER, *PTOKEN_USER;

typedef struct _TOKEN_GROUPS {
    DWORD GroupCount;
    SID_AND_ATTRIBUTES Groups[1];
} TOKEN_GROUPS, *PTOKEN_GROUPS;

typedef struct _TOKEN_GROUPS_AND_PRIVILEGES {
    DWORD SidCount;
    DWORD SidLength;
    PSID_AND_ATTRIBUTES Sids;
    DWORD RestrictedSidCount;
    DWORD RestrictedSidLength;
    PSID_AND_ATTRIBUTES RestrictedSids;
    DWORD PrivilegeCount;
    DWORD PrivilegeLength;
    PLUID_AND_ATTRIBUTES Privileges;
    LUID AuthenticationId;
} TOKEN_GROUPS_AND_PRIVILEGES, *PTOKEN_GROUPS_AND_PRIVILEGES;

#define SE_GROUP_MANDATORY 0x00000001
#define SE_GROUP_ENABLED_BY_DEFAULT 0x00000002
#define SE_GROUP_ENABLED 0x00000004

#define DELETE 0x00010000
#define READ_CONTROL 0x00020000
#define WRITE_DAC 0x00040000
#define WRITE_OWNER 0x00080000
#define SYNCHRONIZE 0x00100000
#define STANDARD_RIGHTS_REQUIRED 0x000F0000
#define STANDARD_RIGHTS_READ READ_CONTROL
#define STANDARD_RIGHTS_WRITE READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE READ_CONTROL
#define MAXIMUM_ALLOWED 0x02000000

#define TOKEN_ASSIGN_PRIMARY 0x0001
#define TOKEN_DUPLICATE 0x0002
#define TOKEN_IMPERSONATE 0x0004
#define TOKEN_QUERY 0x0008
#define TOKEN_QUERY_SOURCE 0x0010
#define TOKEN_ADJUST_PRIVILEGES 0x0020
#define TOKEN_ADJUST_GROUPS 0x0040
#define TOKEN_ADJUST_DEFAULT 0x0080
#define TOKEN_ADJUST_SESSIONID 0x0100
#define TOKEN_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | 0x01FF)
#define TOKEN_READ (STANDARD_RIGHTS_READ | TOKEN_QUERY)
#define TOKEN_WRITE                                                                            \
    (STANDARD_RIGHTS_WRITE | TOKEN_ADJUST_PRIVILEGES | TOKEN_ADJUST_GROUPS | TOKEN_ADJUST_DEFAULT)

/* CreateRestrictedToken's flags. */
#define DISABLE_MAX_PRIVILEGE 0x1
#define SANDBOX_INERT 0x2
#define LUA_TOKEN 0x4
#define WRITE_RESTRICTED 0x8

/* A token of the calling process only (GetCurrentProcess()); close it with CloseHandle. */
ISAPI_WIN32_API BOOL WINAPI OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess,
                                             PHANDLE TokenHandle);
/* TokenUser, TokenGroups and TokenGroupsAndPrivileges (no privileges); other classes fail
 * with ERROR_INVALID_PARAMETER.  *ReturnLength is the size needed; a smaller buffer gives
 * FALSE with ERROR_INSUFFICIENT_BUFFER. */
ISAPI_WIN32_API BOOL WINAPI GetTokenInformation(HANDLE TokenHandle,
                                                TOKEN_INFORMATION_CLASS TokenInformationClass,
                                                LPVOID TokenInformation,
                                                DWORD TokenInformationLength,
                                                PDWORD ReturnLength);
/* Names and domains counted in characters with the NUL; too small: FALSE with
 * ERROR_INSUFFICIENT_BUFFER and the sizes needed.  Unknown SIDs: ERROR_NONE_MAPPED.  A
 * non-NULL lpSystemName other than this host fails with ERROR_NOT_SUPPORTED. */
ISAPI_WIN32_API BOOL WINAPI LookupAccountSidA(LPCSTR lpSystemName, PSID Sid, LPSTR Name,
                                              LPDWORD cchName, LPSTR ReferencedDomainName,
                                              LPDWORD cchReferencedDomainName,
                                              PSID_NAME_USE peUse);
ISAPI_WIN32_API BOOL WINAPI RevertToSelf(VOID);
ISAPI_WIN32_API BOOL WINAPI SetThreadToken(PHANDLE Thread, HANDLE Token);
ISAPI_WIN32_API BOOL WINAPI IsValidSid(PSID pSid);
ISAPI_WIN32_API DWORD WINAPI GetLengthSid(PSID pSid);
ISAPI_WIN32_API BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2);
#define LookupAccountSid LookupAccountSidA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_SECURITYBASEAPI_H */
