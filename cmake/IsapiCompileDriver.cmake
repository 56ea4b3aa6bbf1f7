# isapi-cc / isapi-c++ (scripts/isapi-cc.in): the compile driver for extension authors, in two
# forms from one source:
#  - the build tree's, <build>/bin/isapi-cc and isapi-c++, pointing at this tree's headers and
#    libraries (absolute paths), usable without installing;
#  - the installed one, <prefix>/bin/isapi-cc and isapi-c++, which finds the headers and
#    libraries relative to its own location, so the whole prefix can move.
include_guard(GLOBAL)

function(isapi_fcgi_compile_driver)
  set(driver_in ${PROJECT_SOURCE_DIR}/scripts/isapi-cc.in)
  set(work ${PROJECT_BINARY_DIR}/isapi-cc)

  set(ISAPI_CC_RELATIVE OFF)
  set(ISAPI_CC_INCLUDE_DIRS
      "${PROJECT_SOURCE_DIR}/include/isapi/win32;${PROJECT_SOURCE_DIR}/include/isapi;${PROJECT_SOURCE_DIR}/include")
  set(ISAPI_CC_LIB_DIRS "${PROJECT_BINARY_DIR}/src/runtime;${PROJECT_BINARY_DIR}/src/win32")
  foreach(name isapi-cc isapi-c++)
    configure_file(${driver_in} ${PROJECT_BINARY_DIR}/bin/${name} @ONLY
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endforeach()
  # isapi_add_extension() (IsapiExtension.cmake) runs this tree's driver for its case-insensitive
  # includes and .def files; the installed package config names the installed one.
  set_property(GLOBAL PROPERTY ISAPI_FCGI_CC_DRIVER ${PROJECT_BINARY_DIR}/bin/isapi-cc)

  set(ISAPI_CC_RELATIVE ON)
  set(ISAPI_CC_INCLUDE_DIRS
      "${CMAKE_INSTALL_INCLUDEDIR}/isapi/win32;${CMAKE_INSTALL_INCLUDEDIR}/isapi;${CMAKE_INSTALL_INCLUDEDIR}")
  # Both library layouts (IsapiFcgiInstallDirs.cmake): a plain install's and the .deb's.
  set(ISAPI_CC_LIB_DIRS "${CMAKE_INSTALL_LIBDIR};${ISAPI_FCGI_PACKAGE_LIBDIR}")
  configure_file(${driver_in} ${work}/installed/isapi-cc @ONLY)
  foreach(name isapi-cc isapi-c++)
    install(PROGRAMS ${work}/installed/isapi-cc DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME ${name} COMPONENT dev)
  endforeach()
endfunction()
