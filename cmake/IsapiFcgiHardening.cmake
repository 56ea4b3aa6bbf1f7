# Debian's hardening flags (dpkg-buildflags' hardening=+all, less what does not apply), on every
# binary and library of the build, extensions and tests included: the server parses untrusted
# input and loads legacy code. tests/hardening checks the results in the ELF files.
#  - stack protector on functions with arrays or address-taken locals;
#  - _FORTIFY_SOURCE=2: the *_chk variants of memcpy, sprintf, read... where sizes are known.
#    It needs optimisation (glibc warns without it) and conflicts with ASan's interceptors, so
#    not in Debug builds nor under a sanitizer (asan, tsan, the libFuzzer build);
#  - full RELRO (-z relro -z now): the GOT is read-only after start-up (lazy binding off);
#  - PIE for executables (position-independent code everywhere else).
include(CheckPIESupported)
check_pie_supported(LANGUAGES C CXX)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

add_compile_options(-fstack-protector-strong)
if(ISAPI_FCGI_SANITIZE STREQUAL "" AND NOT ISAPI_FCGI_BUILD_FUZZ)
  add_compile_options($<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
endif()
add_link_options(LINKER:-z,relro LINKER:-z,now)
