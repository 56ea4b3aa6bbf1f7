# What a system installation holds besides the binary (src/CMakeLists.txt) and the libraries,
# headers and CMake package for extension authors (src/runtime, src/win32), and the Debian
# package made of it all: `cpack --config CPackConfig.cmake` in a build tree writes
# package/isapi-fcgi_<version>_<arch>.deb (tests/deploy builds and checks it; the container
# image installs it). The package installs under /usr whatever CMAKE_INSTALL_PREFIX says
# (/usr/local by default, for `cmake --install`), with the libraries in Debian's multiarch
# directory; cmake/IsapiFcgiInstallDirs.cmake explains the two layouts and their components.
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
# Rotation of the files under /var/log/isapi-fcgi: rename, then SIGUSR1 (a conffile too).
install(FILES ${deploy_dir}/logrotate/isapi-fcgi DESTINATION /etc/logrotate.d COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/conf/isapi-fcgi.yaml ${deploy_dir}/systemd/nginx-site.conf
  ${deploy_dir}/systemd/apache-site.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# The front ends' files (docs/front-ends.md), for configurations to include from a stable path.
install(FILES ${PROJECT_SOURCE_DIR}/conf/nginx/isapi-fcgi.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/nginx)
install(FILES ${PROJECT_SOURCE_DIR}/conf/apache/isapi-fcgi.conf ${PROJECT_SOURCE_DIR}/conf/apache/isapi-fcgi-sethandler.conf
  DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/apache)
install(FILES ${PROJECT_SOURCE_DIR}/conf/haproxy/isapi-fcgi.cfg DESTINATION ${CMAKE_INSTALL_DATADIR}/isapi-fcgi/haproxy)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${deploy_dir}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

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
install(FILES ${packaging_out}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${packaging_out}/isapi-fcgi.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
# Generated from docs/config.md (scripts/config-manpage; docs.config_manpage_up_to_date).
install(FILES ${packaging_out}/isapi-fcgi.yaml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${packaging_out}/isapi-cc.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${packaging_out}/isapi-cc.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 RENAME isapi-c++.1.gz)
# The package's own metadata: package only, like the system's files.
install(FILES ${deploy_dir}/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
  RENAME isapi-fcgi COMPONENT system EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME isapi-fcgi)
set(CPACK_PACKAGE_CONTACT "isapi-fcgi maintainers <maintainers@users.noreply.r-seed-e4f76adb.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "FastCGI responder that hosts IIS ISAPI extensions")
set(CPACK_PACKAGE_DESCRIPTION "\
isapi-fcgi runs IIS ISAPI extensions recompiled for Linux (shared objects built
against its httpext.h and Win32 compatibility headers) behind nginx, Apache or
HAProxy over FastCGI. A master process supervises worker processes per pool:
crash isolation, rapid-fail protection, recycling, zero-downtime reload, status
and Prometheus metrics, systemd socket activation and notification.
.
The package holds the server, the libraries extensions link (libisapi-runtime,
libisapi-win32), their headers and CMake package, systemd units and a
configuration in /etc/isapi-fcgi.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# One package of the default component, the system's files and the libraries at the
# package's libdir; not `lib` (the same libraries at the prefix's libdir, for `cmake --install`).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified system package-lib)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION httpd)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# isapi-cc and isapi-c++ are python3 scripts (shlibdeps adds the libraries the binaries need).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx | apache2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${deploy_dir}/debian/conffiles ${deploy_dir}/debian/triggers
  ${deploy_dir}/debian/postinst ${deploy_dir}/debian/prerm ${deploy_dir}/debian/postrm)
include(CPack)
