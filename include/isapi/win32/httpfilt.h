/* httpfilt.h - the ISAPI filter interface (../httpfilt.h), reachable from this directory. */
#include "../httpfilt.h"
