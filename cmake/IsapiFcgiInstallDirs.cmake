# Where things are installed, for `cmake --install` and for the Debian package (CPack), which
# lay the libraries out differently (docs/deployment.md, "Two layouts"):
#
#  - `cmake --install [--prefix P]` follows GNUInstallDirs for CMAKE_INSTALL_PREFIX (CMake's
#    /usr/local by default): libraries and the CMake package in P/lib (GNUInstallDirs uses the
#    multiarch directory only for the prefix /usr), nothing outside P.
#  - The .deb always installs under /usr and puts them where Debian does, whatever the build
#    tree's prefix: /usr/lib/<multiarch>, e.g. /usr/lib/x86_64-linux-gnu
#    (ISAPI_FCGI_PACKAGE_LIBDIR). It also holds the system's files, /etc/isapi-fcgi and the
#    systemd units (component `system`, IsapiFcgiPackaging.cmake).
#
# So the libraries and their CMake package have two sets of install rules:
#   lib          CMAKE_INSTALL_LIBDIR, part of a plain `cmake --install`, not in the packages;
#   package-*    ISAPI_FCGI_PACKAGE_LIBDIR, EXCLUDE_FROM_ALL, only in the packages, split the
#                Debian way (IsapiFcgiPackaging.cmake): package-runtime and package-win32 hold
#                one shared library each (libisapi-runtime0, libisapi-win32-0), package-dev
#                their .so links and the CMake package (isapi-fcgi-dev).
# Everything else is the same relative path in both layouts, in component `server` (the
# binary, its documentation, the web servers' files) or `dev` (headers, isapi-cc).
include_guard(DIRECTORY)   # included at the top; directories below inherit its variables
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# CMAKE_LIBRARY_ARCHITECTURE is the compiler's multiarch tuple (x86_64-linux-gnu) on Debian and
# its derivatives, empty elsewhere.
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(isapi_fcgi_default_package_libdir lib/${CMAKE_LIBRARY_ARCHITECTURE})
else()
  set(isapi_fcgi_default_package_libdir lib)
endif()
set(ISAPI_FCGI_PACKAGE_LIBDIR ${isapi_fcgi_default_package_libdir} CACHE STRING
    "The Debian package's library directory, relative to /usr (Debian: lib/<multiarch>)")

# isapi_fcgi_install_libraries(<package> <target>...): the libraries extensions link, in both
# layouts; in the packages, the shared object goes to component package-<package> (one Debian
# package per soname) and its .so link, for the linker only, to package-dev.
function(isapi_fcgi_install_libraries package)
  install(TARGETS ${ARGN} EXPORT isapi-fcgi-targets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib)
  install(TARGETS ${ARGN} EXPORT isapi-fcgi-package-targets
    LIBRARY DESTINATION ${ISAPI_FCGI_PACKAGE_LIBDIR} COMPONENT package-${package}
      NAMELINK_COMPONENT package-dev EXCLUDE_FROM_ALL)
endfunction()

# isapi_fcgi_install_cmake_package(CONFIG <in> FILES <file>...): the find_package(isapi-fcgi)
# files next to the libraries of each layout: <libdir>/cmake/isapi-fcgi.
function(isapi_fcgi_install_cmake_package)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "CONFIG" "FILES")
  write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/isapi-fcgiConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  foreach(layout lib package-dev)
    if(layout STREQUAL lib)
      set(dir ${CMAKE_INSTALL_LIBDIR}/cmake/isapi-fcgi)
      set(export isapi-fcgi-targets)
      set(exclude)
    else()
      set(dir ${ISAPI_FCGI_PACKAGE_LIBDIR}/cmake/isapi-fcgi)
      set(export isapi-fcgi-package-targets)
      set(exclude EXCLUDE_FROM_ALL)
    endif()
    # PACKAGE_INIT finds the prefix from the file's own depth, which differs between layouts.
    configure_package_config_file(${arg_CONFIG} ${CMAKE_CURRENT_BINARY_DIR}/${layout}/isapi-fcgiConfig.cmake
      INSTALL_DESTINATION ${dir})
    install(EXPORT ${export} FILE isapi-fcgi-targets.cmake NAMESPACE isapi::
      DESTINATION ${dir} COMPONENT ${layout} ${exclude})
    install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${layout}/isapi-fcgiConfig.cmake
      ${CMAKE_CURRENT_BINARY_DIR}/isapi-fcgiConfigVersion.cmake ${arg_FILES}
      DESTINATION ${dir} COMPONENT ${layout} ${exclude})
  endforeach()
endfunction()
