# isapi_add_extension(<name> [OUTPUT_NAME <file-stem>] <source>... [<name>.def])
#
# Builds an ISAPI extension as a loadable module for isapi-fcgi: `<name>.so` (no "lib" prefix),
# linked to libisapi-win32.so (isapi::win32, the Win32 compatibility layer) and
# libisapi-runtime.so (isapi::runtime) with include/isapi/win32 on the include path, so IIS-era
# `#include <windows.h>` / `#include <httpext.h>` lines and their Win32 calls compile unchanged.
#
#  - Symbols are hidden by default, as in a Windows DLL: exported are HttpExtensionProc,
#    GetExtensionVersion, TerminateExtension and DllMain (httpext.h declares them with default
#    visibility) and whatever the source marks __declspec(dllexport). Symbols of static
#    libraries linked in stay hidden too (--exclude-libs). The extension's other globals can
#    neither clash with another extension's nor be bound to the host's. C++ extensions built by
#    g++ get -fno-gnu-unique, so no symbol is shared between modules or pins one in memory.
#  - RPATH is $ORIGIN, as Windows loads a DLL's sibling DLLs from the DLL's own directory.
#  - Undefined symbols fail the link (a missing Win32 function shows up at build time, not at
#    load time) unless ISAPI_EXTENSION_ALLOW_UNDEFINED is set.
#  - As isapi-cc does, and through it (ISAPI_FCGI_CC_DRIVER, a global property the package or
#    this tree sets): `#include` ignores case (a shadow include directory of links in the
#    target's build directory, refreshed by each compile: isapi-cc is the compiler launcher,
#    before any launcher already set such as ccache); a `.def` among the sources exports exactly
#    its EXPORTS and the entry points (a version script made from it at build time), and a name
#    it exports that no source defines fails the build naming it.
#
# In this project the function is available once src/runtime is added. In another tree:
#   find_package(isapi-fcgi REQUIRED)      # installed config: isapi::runtime + this file
#   isapi_add_extension(app app.c)
# or, without installing, add this project as a subdirectory and call it the same way.
include_guard(GLOBAL)

function(isapi_add_extension name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_NAME" "")
  set(sources ${arg_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "isapi_add_extension(${name}): no source files given")
  endif()
  if(NOT TARGET isapi::runtime)
    message(FATAL_ERROR "isapi_add_extension(${name}): target isapi::runtime does not exist; "
                        "call find_package(isapi-fcgi REQUIRED) first")
  endif()

  set(defs ${sources})
  list(FILTER defs INCLUDE REGEX "\\.[dD][eE][fF]$")
  list(FILTER sources EXCLUDE REGEX "\\.[dD][eE][fF]$")
  get_property(driver GLOBAL PROPERTY ISAPI_FCGI_CC_DRIVER)
  if(NOT driver)
    message(FATAL_ERROR "isapi_add_extension(${name}): the isapi-cc driver is not known "
                        "(global property ISAPI_FCGI_CC_DRIVER); call find_package(isapi-fcgi REQUIRED) first")
  endif()

  add_library(${name} MODULE ${sources})
  # libisapi-win32 first: its include/isapi/win32 then precedes include/isapi, so <windows.h>
  # is the full compatibility header (Win32 functions, secure CRT) rather than the base types.
  if(TARGET isapi::win32)
    target_link_libraries(${name} PRIVATE isapi::win32)
  endif()
  target_link_libraries(${name} PRIVATE isapi::runtime)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN"
    INSTALL_RPATH "$ORIGIN")
  if(arg_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME})
  endif()

  target_link_options(${name} PRIVATE "LINKER:--exclude-libs,ALL")
  # As MSVC's C compiler (and isapi-cc): globals a header defines in several files are merged;
  # `#pragma comment(lib, ...)` is accepted and ignored.
  target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:C>:-fcommon> -Wno-unknown-pragmas)
  # g++ marks statics of inline functions STB_GNU_UNIQUE: one copy shared by every module and a
  # module that can never be unloaded. Each DLL has its own copy on Windows; keep it that way.
  target_compile_options(${name} PRIVATE
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-fno-gnu-unique>)

  # Clang links sanitizer runtimes into executables only, so its sanitized modules keep
  # undefined __asan_* references that the host resolves at load time.
  set(sanitized_by_clang FALSE)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang" OR CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    if(ISAPI_FCGI_SANITIZE OR "${CMAKE_C_FLAGS} ${CMAKE_CXX_FLAGS}" MATCHES "-fsanitize")
      set(sanitized_by_clang TRUE)
    endif()
  endif()
  if(NOT ISAPI_EXTENSION_ALLOW_UNDEFINED AND NOT sanitized_by_clang)
    target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  endif()

  _isapi_extension_case_insensitive_includes(${name} ${driver})
  if(defs)
    _isapi_extension_def_exports(${name} ${driver} ${defs})
  endif()
endfunction()

# isapi-cc's own shadow include directory (scripts/isapi-cc.in), kept per target.
function(_isapi_extension_case_insensitive_includes name driver)
  get_target_property(target_dir ${name} BINARY_DIR)
  set(shadow ${target_dir}/CMakeFiles/${name}.dir/isapi-case-includes)
  foreach(lang C CXX)
    get_target_property(earlier ${name} ${lang}_COMPILER_LAUNCHER)
    if(NOT earlier)
      set(earlier)
    endif()
    set_property(TARGET ${name} PROPERTY ${lang}_COMPILER_LAUNCHER
      ${driver} --case-insensitive-includes=${shadow} ${earlier})
  endforeach()
endfunction()

# A .def file as isapi-cc treats it: its EXPORTS (with the entry points) are the exports, through
# a version script the driver writes from it; everything else is local, so the sources' symbols
# keep default visibility (a hidden symbol cannot be exported by a version script). After the
# link the driver checks every name is defined (GNU ld ignores a version-script name that is not).
function(_isapi_extension_def_exports name driver)
  set(defs ${ARGN})
  set(absolute_defs)
  foreach(def ${defs})
    get_filename_component(def ${def} ABSOLUTE)
    list(APPEND absolute_defs ${def})
  endforeach()
  get_target_property(target_dir ${name} BINARY_DIR)
  set(map ${target_dir}/${name}.exports.map)
  add_custom_command(OUTPUT ${map}
    COMMAND ${driver} --def-version-script ${map} ${absolute_defs}
    DEPENDS ${absolute_defs}
    COMMENT "isapi-cc: exports of ${name} from ${defs}"
    VERBATIM)
  target_sources(${name} PRIVATE ${map})
  set_target_properties(${name} PROPERTIES
    C_VISIBILITY_PRESET default
    CXX_VISIBILITY_PRESET default
    LINK_DEPENDS ${map})
  target_link_options(${name} PRIVATE "LINKER:--version-script=${map}")
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${driver} --check-def-exports $<TARGET_FILE:${name}> ${absolute_defs}
    VERBATIM)
endfunction()
