# ISAPI_FCGI_SANITIZE=asan|tsan applies to every target of the build, including test fixtures
# and dlopen'ed extensions, since a sanitizer runtime must see the whole process.
if(ISAPI_FCGI_SANITIZE STREQUAL "asan")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(ISAPI_FCGI_SANITIZE STREQUAL "tsan")
  # Asio 1.18 uses atomic_thread_fence, which gcc's TSan does not model (-Wtsan); real reports still fail.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
elseif(NOT ISAPI_FCGI_SANITIZE STREQUAL "")
  message(FATAL_ERROR "ISAPI_FCGI_SANITIZE must be '', 'asan' or 'tsan', not '${ISAPI_FCGI_SANITIZE}'")
endif()

# The trees that run tests (sanitizer builds, and RelWithDebInfo: the release preset) need, for a
# report's or a core's stack, function names and line tables (-g1), not the variables'
# descriptions of -g, which cost about a third of each compile and two thirds of the object size
# (src/engine/server.cpp under TSan: 16.1 s -> 11.2 s CPU, 7.1 -> 2.4 MB; src/ops/master.cpp in
# the release tree: 20.5 s -> 13.4 s, 8.5 -> 2.4 MB). Packages are stripped either way (CPack).
# Set it to -g to debug such a build interactively; the debug preset keeps -g.
set(ISAPI_FCGI_DEBUG_INFO "-g1" CACHE STRING
  "Debug information flag of RelWithDebInfo and sanitizer builds (after the build type's)")
if(NOT ISAPI_FCGI_SANITIZE STREQUAL "")
  add_compile_options(${ISAPI_FCGI_DEBUG_INFO})
else()
  add_compile_options($<$<CONFIG:RelWithDebInfo>:${ISAPI_FCGI_DEBUG_INFO}>)
endif()

# Tests whose processes die of a deliberate SIGSEGV/SIGFPE (SEH emulation, poison extensions)
# need the sanitizer to leave those signals alone. One variable, not an "ASAN_OPTIONS=..;TSAN_OPTIONS=.."
# list: gtest_discover_tests flattens PROPERTIES and keeps only a list's first element.
if(ISAPI_FCGI_SANITIZE STREQUAL "asan")
  set(ISAPI_FCGI_DEADLY_SIGNALS_ENV "ASAN_OPTIONS=handle_segv=0:handle_sigfpe=0")
elseif(ISAPI_FCGI_SANITIZE STREQUAL "tsan")
  set(ISAPI_FCGI_DEADLY_SIGNALS_ENV "TSAN_OPTIONS=handle_segv=0:handle_sigfpe=0")
else()
  set(ISAPI_FCGI_DEADLY_SIGNALS_ENV "ISAPI_FCGI_SANITIZE=none")
endif()
