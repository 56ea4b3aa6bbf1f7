# CMake's GoogleTest module, plus a record of every test executable and its CTest labels: this
# file is found first on CMAKE_MODULE_PATH, so each `include(GoogleTest)` of the tree reaches it
# and every gtest_discover_tests() call is recorded, whoever writes it. No include guard: a
# find_package(GTest) includes CMake's module again (FindGTest does), and the next
# include(GoogleTest) puts the recording wrapper back in front of it. The record serves
# isapi_fcgi_finish_test_executables() (tests/CMakeLists.txt calls it after every test directory):
#  - ISAPI_FCGI_TEST_LABELS (a regex, the sanitizer presets set it to their test preset's label
#    filter): executables none of whose labels match are left out of `all`, and a failing
#    placeholder test carrying their labels stands in for them, so a label filter that includes
#    them again fails loudly instead of skipping their tests. `test-executables` builds them all.
#  - ISAPI_FCGI_PRECOMPILED_HEADERS: every test executable reuses one precompiled gtest header.
include(${CMAKE_ROOT}/Modules/GoogleTest.cmake)

function(gtest_discover_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PROPERTIES")
  set(labels "")
  list(FIND arg_PROPERTIES LABELS at)
  if(at GREATER_EQUAL 0)
    math(EXPR at "${at} + 1")
    list(GET arg_PROPERTIES ${at} labels)
  endif()
  set_property(GLOBAL APPEND PROPERTY ISAPI_FCGI_TEST_EXECUTABLES ${target})
  set_property(GLOBAL APPEND PROPERTY ISAPI_FCGI_TEST_LABELS_OF_${target} ${labels})
  # Forwarded as bracket arguments: values holding ';' (ENVIRONMENT "A=1;B=2") stay whole.
  set(call "_gtest_discover_tests(")
  foreach(i RANGE ${ARGC})
    if(i LESS ARGC)
      string(APPEND call " [=======[${ARGV${i}}]=======]")
    endif()
  endforeach()
  cmake_language(EVAL CODE "${call})")
endfunction()

# Every executable gtest_discover_tests() was called for under `dir`, recorded or not (CMake's
# module lists their CTest include files, named after the target, in TEST_INCLUDE_FILES).
function(isapi_fcgi_discovered_executables dir out)
  set(found "")
  get_property(includes DIRECTORY ${dir} PROPERTY TEST_INCLUDE_FILES)
  foreach(file IN LISTS includes)
    get_filename_component(name "${file}" NAME)
    if(name MATCHES "^(.+)\\[[0-9]+\\]_include\\.cmake$")
      list(APPEND found ${CMAKE_MATCH_1})
    endif()
  endforeach()
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    isapi_fcgi_discovered_executables(${subdirectory} below)
    list(APPEND found ${below})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

function(isapi_fcgi_finish_test_executables)
  get_property(recorded GLOBAL PROPERTY ISAPI_FCGI_TEST_EXECUTABLES)
  isapi_fcgi_discovered_executables(${CMAKE_CURRENT_SOURCE_DIR} executables)
  list(REMOVE_DUPLICATES executables)
  # Not recorded (a find_package(GTest) after the last include(GoogleTest)): always built.
  foreach(target IN LISTS executables)
    if(NOT target IN_LIST recorded)
      message(AUTHOR_WARNING "gtest_discover_tests(${target}) bypassed cmake/GoogleTest.cmake "
        "(find_package(GTest) without include(GoogleTest) after it?): built whatever ISAPI_FCGI_TEST_LABELS says")
    endif()
  endforeach()
  add_custom_target(test-executables DEPENDS ${executables})
  if(ISAPI_FCGI_PRECOMPILED_HEADERS)
    # One precompiled gtest for every test executable. Its owner has no definitions of its own,
    # since GCC refuses a precompiled header built with a macro its user lacks; users' extra
    # macros are fine. Executables only: -fPIE and -fPIC headers do not mix.
    add_executable(isapi_fcgi_test_pch ${PROJECT_SOURCE_DIR}/tests/support/test_pch.cpp)
    target_link_libraries(isapi_fcgi_test_pch PRIVATE GTest::gtest)
    isapi_fcgi_enable_warnings(isapi_fcgi_test_pch)
    target_precompile_headers(isapi_fcgi_test_pch PRIVATE
      <gtest/gtest.h> <string> <string_view> <vector> <map> <memory> <optional> <chrono> <thread>
      <functional> <filesystem>)
    foreach(target IN LISTS executables)
      target_precompile_headers(${target} REUSE_FROM isapi_fcgi_test_pch)
    endforeach()
  endif()
  if(ISAPI_FCGI_TEST_LABELS STREQUAL "")
    return()
  endif()
  foreach(target IN LISTS executables)
    if(NOT target IN_LIST recorded)
      continue()
    endif()
    get_property(labels GLOBAL PROPERTY ISAPI_FCGI_TEST_LABELS_OF_${target})
    set(wanted FALSE)
    foreach(label IN LISTS labels)
      if(label MATCHES "${ISAPI_FCGI_TEST_LABELS}")
        set(wanted TRUE)
      endif()
    endforeach()
    if(NOT wanted)
      set_property(TARGET ${target} PROPERTY EXCLUDE_FROM_ALL ON)
      if(labels)
        add_test(NAME ${target}.not_built
          COMMAND ${CMAKE_COMMAND} -E echo "${target} is not built in this tree: its labels (${labels}) do not match ISAPI_FCGI_TEST_LABELS (${ISAPI_FCGI_TEST_LABELS}); reconfigure with -DISAPI_FCGI_TEST_LABELS= or a wider regex")
        set_tests_properties(${target}.not_built PROPERTIES LABELS "${labels}" WILL_FAIL ON)
      endif()
    endif()
  endforeach()
endfunction()
