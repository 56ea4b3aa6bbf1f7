/* httpext.h - the ISAPI extension interface (../httpext.h), reachable from this directory. */
#include "../httpext.h"
