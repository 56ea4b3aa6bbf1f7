# Include roots per source folder, so a library reaches only the folders it links.
#
# Every header is included as "folder/name.hpp". With src/ itself on a target's include path,
# any folder resolves, and a forbidden include (the engine reading the configuration) compiles.
# Instead each folder gets a root of its own in the build tree, holding one link named after
# the folder; a library adds its folders' roots, and the libraries it links bring theirs. Then
# #include "config/settings.hpp" fails to compile in a target that does not link the
# configuration, however it reaches the header (docs/architecture.md, "Layers").
function(isapi_fcgi_source_root target scope)
  foreach(folder IN LISTS ARGN)
    set(root ${PROJECT_BINARY_DIR}/source_roots/${folder})
    if(NOT IS_SYMLINK ${root}/${folder})
      file(MAKE_DIRECTORY ${root})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${folder} ${root}/${folder} SYMBOLIC)
    endif()
    target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${root}>)
  endforeach()
endfunction()
