# Embeds the console's static files into one C++ source as a table of {name, body} (raw string
# literals): cmake -DOUT=generated.cpp -DDIR=static -P embed_assets.cmake
# Names are the file names (the console is flat: /console/{file}). A file holding the literal's
# closing delimiter cannot be embedded this way and fails the build rather than miscompiling.
set(body "// Generated from adapters/console/static by embed_assets.cmake; do not edit.\n")
string(APPEND body "#include \"adapters/console/console_assets.h\"\n\nnamespace xj::console {\n")
string(APPEND body "extern const EmbeddedFile kEmbeddedFiles[] = {\n")
file(GLOB FILES "${DIR}/*")
list(SORT FILES)
set(count 0)
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" content)
  string(FIND "${content}" ")__xjc__\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw-string delimiter )__xjc__\"")
  endif()
  string(APPEND body "    {\"${name}\", R\"__xjc__(${content})__xjc__\"},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND body "};\nextern const size_t kEmbeddedFileCount = ${count};\n}  // namespace xj::console\n")
file(WRITE "${OUT}.tmp" "${body}")
# Only touch the output when it changed, so an unchanged console does not relink the hub.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
