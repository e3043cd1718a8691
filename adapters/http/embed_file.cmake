# Embeds a text file as a C++ string constant: cmake -DIN=... -DOUT=... -DNAME=... -P embed_file.cmake
file(READ "${IN}" CONTENT)
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace xj::http {\nextern const std::string_view ${NAME} = R\"__xj__(${CONTENT})__xj__\";\n}\n")
