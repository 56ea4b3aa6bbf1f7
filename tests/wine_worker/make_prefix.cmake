# The Wine tests' shared prefix: created once (~15 s) by wineboot; later runs find it made and
# return at once (wineboot on a live prefix can wait for its processes).
if(EXISTS "${PREFIX}/system.reg")
  message(STATUS "Wine prefix ${PREFIX} exists")
  return()
endif()
set(ENV{WINEPREFIX} "${PREFIX}")
set(ENV{WINEDEBUG} "-all")
set(ENV{WINEDLLOVERRIDES} "winedbg.exe=d;mscoree,mshtml=")
execute_process(COMMAND "${WINE}" wineboot -i RESULT_VARIABLE rc TIMEOUT 150)
if(NOT rc EQUAL 0 OR NOT EXISTS "${PREFIX}/system.reg")
  message(FATAL_ERROR "wineboot -i for ${PREFIX} failed: ${rc}")
endif()
