# What a system installation holds besides the binary (src/CMakeLists.txt) and the libraries,
# headers and CMake package for extension authors (src/runtime, src/win32), and the Debian
# packages made of it, split as Debian splits a server and its libraries:
#
#   isapi-fcgi          the server, systemd units, /etc/isapi-fcgi (conf.d/ included), logrotate,
#                       manual pages isapi-fcgi(8) and isapi-fcgi.yaml(5), the web servers' files
#   libisapi-runtime0   libisapi-runtime.so.0, which the server and every extension load
#   libisapi-win32-0    libisapi-win32.so.0, the Win32 layer extensions link
#   isapi-fcgi-dev      headers, the .so links, the CMake package, isapi-cc / isapi-c++
#   isapi-fcgi-wine     optional, when the build made it (ISAPI_FCGI_WINE_WORKER): the Windows
#                       worker(s) that run unmodified DLLs under Wine (docs/wine.md); depends on
#                       wine64, so that the server's package and image stay without Wine
#
# `cpack --config CPackConfig.cmake` in a build tree writes them to package/ (tests/deploy
# builds and checks them; the container image installs the first two). The packages install
# under /usr whatever CMAKE_INSTALL_PREFIX says (/usr/local by default, for `cmake --install`),
# with the libraries in Debian's multiarch directory; cmake/IsapiFcgiInstallDirs.cmake explains
# the two layouts and the install components.
include(IsapiFcgiInstallDirs)

set(ISAPI_FCGI_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH
    "Where the package puts the systemd units (Debian 12: /lib/systemd/system)")
set(deploy_dir ${PROJECT_SOURCE_DIR}/deploy)

# The system's own files, absolute paths: in the package only (component `system`, which a
# plain `cmake --install` skips, so that installing into a prefix never writes to /etc or
# /lib/systemd; tests/deploy/package.sh checks it).
install(FILES ${deploy_dir}/systemd/isapi-fcgi.socket ${deploy_dir}/systemd/isapi-fcgi.service
  DESTINATION ${ISAPI_FCGI_SYSTEMD_UNIT_DIR} COMPONENT system EXCLUDE_FROM_ALL)
# The packaged service's configuration (a conffile); the commented reference goes to the docs.
install(FILES ${deploy_dir}/systemd/isapi-fcgi.yaml DESTINATION /etc/isapi-fcgi COMPONENT system EXCLUDE_FROM_ALL)
# Further pool files, one per site or application (the configuration's `include`, as php-fpm's
# pool.d/): shipped with a commented example only, which the `*.yaml` pattern does not match.
install(FILES ${deploy_dir}/systemd/conf.d/example-pool.yaml.example DESTINATION /etc/isapi-fcgi/conf.d
  COMPONENT system EXCLUDE_FROM_ALL)
# Rotation of the files under /var/log/isapi-fcgi: rename, then SIGUSR1 (a conffile too).
install(FILES ${deploy_dir}/logrotate/isapi-fcgi DESTINATION /etc/logrotate.d COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/conf/isapi-fcgi.yaml ${deploy_dir}/systemd/nginx-site.conf
  ${deploy_dir}/systemd/apache-site.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT server)
# The front ends' files (docs/front-ends.md), for configurations to include from a stable path.
install(FILES ${PROJECT_SOURCE_DIR}/conf/nginx/isapi-fcgi.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/nginx
  COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/conf/apache/isapi-fcgi.conf ${PROJECT_SOURCE_DIR}/conf/apache/isapi-fcgi-sethandler.conf
  DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/apache COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/conf/haproxy/isapi-fcgi.cfg DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/haproxy
  COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${deploy_dir}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR}
  COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT server
  FILES_MATCHING PATTERN "*.md")

# Debian wants the changelog and the manual page compressed without a timestamp (gzip -n).
set(packaging_out ${CMAKE_CURRENT_BINARY_DIR}/packaging)
set(gzipped)
foreach(pair "changelog;changelog.gz" "isapi-fcgi.8;isapi-fcgi.8.gz" "isapi-fcgi.yaml.5;isapi-fcgi.yaml.5.gz"
             "isapi-cc.1;isapi-cc.1.gz")
  list(GET pair 0 in)
  list(GET pair 1 out)
  add_custom_command(OUTPUT ${packaging_out}/${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${packaging_out}
    COMMAND sh -c "gzip -9nc \"$0\" > \"$1\"" ${deploy_dir}/debian/${in} ${packaging_out}/${out}
    DEPENDS ${deploy_dir}/debian/${in} VERBATIM)
  list(APPEND gzipped ${packaging_out}/${out})
endforeach()
add_custom_target(isapi_fcgi_packaging_files ALL DEPENDS ${gzipped})
install(FILES ${packaging_out}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT server)
install(FILES ${packaging_out}/isapi-fcgi.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT server)
# Generated from docs/config.md (scripts/config-manpage; docs.config_manpage_up_to_date).
install(FILES ${packaging_out}/isapi-fcgi.yaml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5 COMPONENT server)
install(FILES ${packaging_out}/isapi-cc.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT dev)
install(FILES ${packaging_out}/isapi-cc.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 RENAME isapi-c++.1.gz
  COMPONENT dev)
# Every Debian package carries its own copyright and changelog in /usr/share/doc/<package>.
set(isapi_fcgi_wine_package OFF)
if(TARGET isapi_wine_worker_x86_64)
  set(isapi_fcgi_wine_package ON)
endif()
set(doc_packages package-runtime=libisapi-runtime0 package-win32=libisapi-win32-0 package-dev=isapi-fcgi-dev)
if(isapi_fcgi_wine_package)
  list(APPEND doc_packages package-wine=isapi-fcgi-wine)
endif()
if(isapi_fcgi_wine_package)
  # The service's drop-in for Wine pools: an example the administrator installs (docs/wine.md).
  install(FILES ${deploy_dir}/systemd/wine.conf DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/isapi-fcgi-wine/examples
    COMPONENT package-wine EXCLUDE_FROM_ALL)
endif()
foreach(pair IN LISTS doc_packages)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 component)
  list(GET pair 1 package)
  install(FILES ${deploy_dir}/debian/copyright ${packaging_out}/changelog.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME isapi-fcgi)
set(CPACK_PACKAGE_CONTACT "isapi-fcgi maintainers <maintainers@users.noreply.r-seed-e4f76adb.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Each package's description below starts with its own summary line. CPackDeb prepends the
# project's summary to them unless it is CPack's placeholder, which is therefore set (it is
# written nowhere else).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The server links libisapi-runtime.so.0, which is in another package of this build: dpkg-shlibdeps
# finds it in the build tree (and names no package for it; the Depends below does).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src/runtime ${PROJECT_BINARY_DIR}/src/win32)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# One package per group; the install components (IsapiFcgiInstallDirs.cmake) go into them.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL server system package-runtime package-win32 dev package-dev)
if(isapi_fcgi_wine_package)
  list(APPEND CPACK_COMPONENTS_ALL wine package-wine)
endif()
include(CPackComponent)
cpack_add_component_group(server)
cpack_add_component_group(runtime)
cpack_add_component_group(win32)
cpack_add_component_group(dev)
cpack_add_component(server GROUP server)
cpack_add_component(system GROUP server)
cpack_add_component(package-runtime GROUP runtime)
cpack_add_component(package-win32 GROUP win32)
cpack_add_component(dev GROUP dev)
cpack_add_component(package-dev GROUP dev)
if(isapi_fcgi_wine_package)
  cpack_add_component_group(wine)
  cpack_add_component(wine GROUP wine)
  cpack_add_component(package-wine GROUP wine)
endif()

set(version ${PROJECT_VERSION})
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME isapi-fcgi)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION httpd)
set(CPACK_DEBIAN_SERVER_DESCRIPTION "FastCGI responder that hosts IIS ISAPI extensions
isapi-fcgi runs IIS ISAPI extensions recompiled for Linux (shared objects built
against its httpext.h and Win32 compatibility headers) behind nginx, Apache or
HAProxy over FastCGI. A master process supervises worker processes per pool:
crash isolation, rapid-fail protection, recycling, zero-downtime reload, status
and Prometheus metrics, systemd socket activation and notification.

This package holds the server, systemd units and a configuration in
/etc/isapi-fcgi. Extensions are built with isapi-fcgi-dev.")
# The exact version: built together, and libisapi-runtime has no stable ABI of its own yet.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libisapi-runtime0 (= ${version})")
# Most extensions link the Win32 layer; the server itself does not.
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "libisapi-win32-0 (= ${version})")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "nginx | apache2 | haproxy, isapi-fcgi-dev")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${deploy_dir}/debian/conffiles ${deploy_dir}/debian/postinst ${deploy_dir}/debian/prerm ${deploy_dir}/debian/postrm)

# The libraries' packages: a `triggers` file refreshes the linker cache (as debhelper does).
# CMake 3.25's CPack writes a postinst and postrm that call ldconfig into any package with a
# library under /usr/lib unless CONTROL_EXTRA names its own (lintian: maintscript-calls-ldconfig),
# and a library package has nothing else to do: CONTROL_EXTRA names `postinst` and `postrm`
# paths that do not exist, which CPack skips when it assembles the control archive.
set(no_script ${CMAKE_CURRENT_BINARY_DIR}/packaging/no-maintainer-scripts)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libisapi-runtime0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "isapi-fcgi runtime library for ISAPI extensions
libisapi-runtime holds what the isapi-fcgi server and the ISAPI extensions it
loads share: the per-call context behind GetLastError/SetLastError and the
extension logging hook.")
set(CPACK_DEBIAN_WIN32_PACKAGE_NAME libisapi-win32-0)
set(CPACK_DEBIAN_WIN32_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_WIN32_DESCRIPTION "Win32 compatibility layer for ISAPI extensions on Linux
libisapi-win32 implements the Win32 API subset IIS-era ISAPI extensions call
(strings, critical sections, events, threads, files, registry, time), so that
their sources build unchanged for the isapi-fcgi server.")
# Both libraries call into libisapi-runtime's per-call context of the same version.
set(CPACK_DEBIAN_WIN32_PACKAGE_DEPENDS "libisapi-runtime0 (= ${version})")
foreach(group RUNTIME WIN32)
  set(CPACK_DEBIAN_${group}_PACKAGE_CONTROL_EXTRA ${deploy_dir}/debian/triggers ${no_script}/postinst ${no_script}/postrm)
endforeach()

set(CPACK_DEBIAN_DEV_PACKAGE_NAME isapi-fcgi-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION "development files for isapi-fcgi ISAPI extensions
Headers (httpext.h, httpfilt.h and the Win32 compatibility headers), the .so
links of libisapi-runtime and libisapi-win32, the CMake package
(find_package(isapi-fcgi), isapi_add_extension()) and the isapi-cc / isapi-c++
compiler drivers (case-insensitive includes, .def files), to build IIS ISAPI
extensions for the isapi-fcgi server.")
# isapi-cc and isapi-c++ are python3 scripts that run the C and C++ compilers.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libisapi-runtime0 (= ${version}), libisapi-win32-0 (= ${version}), python3, g++ | c++-compiler")
set(CPACK_DEBIAN_DEV_PACKAGE_CONTROL_EXTRA ${no_script}/postinst ${no_script}/postrm)

set(CPACK_DEBIAN_WINE_PACKAGE_NAME isapi-fcgi-wine)
set(CPACK_DEBIAN_WINE_PACKAGE_SECTION httpd)
set(CPACK_DEBIAN_WINE_DESCRIPTION "Windows worker to run unmodified ISAPI DLLs under Wine
isapi-wine-worker.exe, built with mingw-w64 from the isapi-fcgi sources, lets
the isapi-fcgi server serve an extension nobody can recompile: a pool's
extension marked `runtime: wine` with the path of its .dll is loaded by this
worker under Wine, which the server starts, supervises and recycles like its
own workers. 32-bit DLLs also need Wine's 32-bit part (wine32:i386) and the
i686 worker, when the package was built with it.")
# The worker speaks the link of the server of the same build (src/wine/link_protocol.hpp).
set(CPACK_DEBIAN_WINE_PACKAGE_DEPENDS "isapi-fcgi (= ${version}), wine64")
set(CPACK_DEBIAN_WINE_PACKAGE_CONTROL_EXTRA ${no_script}/postinst ${no_script}/postrm)
include(CPack)
