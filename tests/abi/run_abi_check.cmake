# ctest driver for the ABI check (see CMakeLists.txt): generate the probe from the headers,
# compile it with mingw (C and C++) and with each Linux compiler, compare the values.
cmake_minimum_required(VERSION 3.25)

foreach(var ABI_CHECK INCLUDE_DIR ACCEPTED WORK_DIR LINUX_C LINUX_CXX)
  if(NOT ${var})
    message(FATAL_ERROR "run_abi_check.cmake: ${var} not set")
  endif()
endforeach()
foreach(var MINGW_CC MINGW_CXX)
  if(NOT ${var} OR NOT EXISTS "${${var}}")
    message(FATAL_ERROR "${var} (x86_64-w64-mingw32-gcc/g++) not found: run scripts/setup, "
                        "which installs gcc-mingw-w64-x86-64, g++-mingw-w64-x86-64-win32 and "
                        "mingw-w64-x86-64-dev, then re-run cmake")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN}
    WORKING_DIRECTORY ${WORK_DIR}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${out}${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# Which httpext.h and httpfilt.h mingw itself would include: ask its preprocessor.
file(WRITE ${WORK_DIR}/locate.c "#include <windows.h>\n#include <httpext.h>\n#include <httpfilt.h>\n")
run(${MINGW_CC} -M ${WORK_DIR}/locate.c)
foreach(name httpext httpfilt)
  string(REGEX MATCH "[^ \t\r\n\\\\]*/${name}\\.h" mingw_${name} "${run_output}")
  if(NOT mingw_${name} OR NOT EXISTS "${mingw_${name}}")
    message(FATAL_ERROR "cannot locate mingw's ${name}.h in:\n${run_output}")
  endif()
  message(STATUS "reference: ${mingw_${name}}")
endforeach()

run(${ABI_CHECK} generate ${mingw_httpext} ${INCLUDE_DIR}/httpext.h
    ${INCLUDE_DIR}/windef_subset.h ${WORK_DIR}/probe.c ${WORK_DIR}/manifest.txt
    ${mingw_httpfilt} ${INCLUDE_DIR}/httpfilt.h)
message(STATUS "${run_output}")

# -w: the probe itself is not under test here (header_warnings.cmake is); mingw also warns
# that __stdcall is ignored on x86_64, which is the point.
set(common -S -O0 -w)
run(${MINGW_CC} ${common} -DABI_PROBE_WINDOWS -x c -std=gnu11 ${WORK_DIR}/probe.c
    -o ${WORK_DIR}/windows-c.s)
run(${MINGW_CXX} ${common} -DABI_PROBE_WINDOWS -x c++ -std=gnu++20 ${WORK_DIR}/probe.c
    -o ${WORK_DIR}/windows-cxx.s)

set(pairs)
string(REPLACE "|" ";" linux_c "${LINUX_C}")
string(REPLACE "|" ";" linux_cxx "${LINUX_CXX}")
foreach(compiler IN LISTS linux_c)
  get_filename_component(name ${compiler} NAME)
  run(${compiler} ${common} -I${INCLUDE_DIR} -x c -std=gnu11 ${WORK_DIR}/probe.c
      -o ${WORK_DIR}/linux-${name}.s)
  list(APPEND pairs "${name}=${WORK_DIR}/windows-c.s,${WORK_DIR}/linux-${name}.s")
endforeach()
foreach(compiler IN LISTS linux_cxx)
  get_filename_component(name ${compiler} NAME)
  run(${compiler} ${common} -I${INCLUDE_DIR} -x c++ -std=gnu++20 ${WORK_DIR}/probe.c
      -o ${WORK_DIR}/linux-${name}.s)
  list(APPEND pairs "${name}=${WORK_DIR}/windows-cxx.s,${WORK_DIR}/linux-${name}.s")
endforeach()

execute_process(COMMAND ${ABI_CHECK} compare ${WORK_DIR}/manifest.txt ${ACCEPTED} ${pairs}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "include/isapi differs from the Windows x64 ABI (FAIL lines above)")
endif()
