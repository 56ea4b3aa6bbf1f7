# ctest driver: installs isapi-fcgi into a scratch prefix, then compiles each sample extension
# with the build command of docs/porting.md exactly as written there (only the prefix, the file
# names and, for C++, isapi-cc -> isapi-c++ replaced, as the guide says), and checks what each
# exports.
cmake_minimum_required(VERSION 3.25)
foreach(var BUILD_DIR PORTING_DOC SAMPLES_DIR WORK_DIR SAMPLES)
  if(NOT ${var})
    message(FATAL_ERROR "build_samples.cmake: ${var} not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/ext)
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
endif()

# The command between the build-command markers, continuation lines joined.
file(READ ${PORTING_DOC} doc)
string(REGEX MATCH "<!-- build-command:begin[^\n]*\n```sh\n([^`]*)```\n<!-- build-command:end -->"
       block "${doc}")
if(NOT block)
  message(FATAL_ERROR "no build-command block in ${PORTING_DOC}")
endif()
set(command "${CMAKE_MATCH_1}")
string(REGEX REPLACE "\\\\\n[ \t]*" "" command "${command}")
string(STRIP "${command}" command)
message(STATUS "documented command: ${command}")

string(REPLACE "|" ";" samples "${SAMPLES}")
foreach(sample IN LISTS samples)
  get_filename_component(stem ${sample} NAME_WE)
  get_filename_component(extension ${sample} EXT)
  file(COPY ${SAMPLES_DIR}/${sample} DESTINATION ${WORK_DIR}/ext)
  set(line "${command}")
  # isapi-cc is on the PATH of an installed prefix: here it is the scratch prefix's.
  if(extension STREQUAL ".cpp")
    string(REGEX REPLACE "^isapi-cc " "isapi-c++ " line "${line}")
  endif()
  string(REGEX REPLACE "^isapi-c" "${prefix}/bin/isapi-c" line "${line}")
  string(REPLACE "/usr/local" "${prefix}" line "${line}")
  string(REPLACE "*.c" "${sample}" line "${line}")
  string(REPLACE "app.so" "${stem}.so" line "${line}")
  execute_process(COMMAND sh -c "${line}" WORKING_DIRECTORY ${WORK_DIR}/ext
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${sample}: the documented command failed:\n${line}\n${out}${err}")
  endif()
  # Exported: exactly the ISAPI entry points (and DllMain where defined), unmangled.
  execute_process(COMMAND nm -D --defined-only ${WORK_DIR}/ext/${stem}.so
    OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
  foreach(entry GetExtensionVersion HttpExtensionProc)
    if(NOT symbols MATCHES " T ${entry}\n")
      message(FATAL_ERROR "${stem}.so does not export ${entry}:\n${symbols}")
    endif()
  endforeach()
  string(REGEX MATCHALL " [TDB] [^\n]+" exported "${symbols}")
  foreach(symbol IN LISTS exported)
    if(NOT symbol MATCHES " (GetExtensionVersion|HttpExtensionProc|TerminateExtension|DllMain)$")
      message(FATAL_ERROR "${stem}.so exports more than a DLL would:${symbol}")
    endif()
  endforeach()
  message(STATUS "built ${stem}.so: ${line}")
endforeach()
# Files the samples read at run time, next to them.
file(COPY ${SAMPLES_DIR}/configured.ini DESTINATION ${WORK_DIR}/ext)
