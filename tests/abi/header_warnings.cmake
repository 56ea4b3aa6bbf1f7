# ctest driver: compiles header_use.c, which includes every include/isapi header and expands
# its macros, with each compiler and language standard at -Werror.
cmake_minimum_required(VERSION 3.25)

set(c_flags -Wall -Wextra -pedantic -Werror -Wconversion -Wshadow -Wundef -Wcast-align
    -Wstrict-prototypes -Wmissing-prototypes -fvisibility=hidden)
set(cxx_flags -Wall -Wextra -pedantic -Werror -Wconversion -Wshadow -Wundef -Wcast-align
    -Wold-style-cast -Wnon-virtual-dtor -fvisibility=hidden)

set(failures 0)
function(try_compile_with compiler language std flags)
  execute_process(
    COMMAND ${compiler} -x ${language} -std=${std} ${flags} -I${INCLUDE_DIR} -c ${SOURCE}
            -o /dev/null
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  get_filename_component(name ${compiler} NAME)
  if(result EQUAL 0)
    message(STATUS "ok: ${name} -std=${std}")
  else()
    message(SEND_ERROR "${name} -std=${std}:\n${out}${err}")
  endif()
endfunction()

string(REPLACE "|" ";" linux_c "${LINUX_C}")
string(REPLACE "|" ";" linux_cxx "${LINUX_CXX}")
foreach(compiler IN LISTS linux_c)
  foreach(std c99 c11 c17)
    try_compile_with(${compiler} c ${std} "${c_flags}")
  endforeach()
endforeach()
foreach(compiler IN LISTS linux_cxx)
  foreach(std c++11 c++17 c++20)
    try_compile_with(${compiler} c++ ${std} "${cxx_flags}")
  endforeach()
endforeach()
