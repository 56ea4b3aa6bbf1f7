/* ws2tcpip.h - getaddrinfo and friends: the C library's, under their Winsock names. */
#ifndef ISAPI_WIN32_WS2TCPIP_H
#define ISAPI_WIN32_WS2TCPIP_H

#include "winsock2.h"

typedef struct addrinfo ADDRINFOA, *PADDRINFOA;

#endif /* ISAPI_WIN32_WS2TCPIP_H */
