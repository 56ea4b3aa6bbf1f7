/* isapi_runtime.h - libisapi-runtime.so's C API (../isapi_runtime.h), reachable from here. */
#include "../isapi_runtime.h"
