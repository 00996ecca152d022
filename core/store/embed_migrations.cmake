# Turns core/store/migrations/NNNN_name.sql into a generated .cpp defining EmbeddedMigrations().
# Run at build time by core/CMakeLists.txt: cmake -DSRC_DIR=... -DOUT=... -P embed_migrations.cmake
file(GLOB files "${SRC_DIR}/*.sql")
list(SORT files)
set(delim "b2bsql")
set(body "")
foreach(f ${files})
  get_filename_component(fname ${f} NAME_WE)
  if(NOT fname MATCHES "^([0-9]+)_(.+)$")
    message(FATAL_ERROR "migration file name must be NNNN_name.sql: ${f}")
  endif()
  set(version ${CMAKE_MATCH_1})
  set(name ${CMAKE_MATCH_2})
  math(EXPR version_num "${version}")
  file(READ ${f} sql)
  string(FIND "${sql}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration ${f} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {${version_num}, \"${name}\", R\"${delim}(${sql})${delim}\"},\n")
endforeach()
set(content "// Generated from core/store/migrations/*.sql by embed_migrations.cmake. Do not edit.
#include \"core/store/migrations.hpp\"

namespace b2b::store {

std::span<Migration const> EmbeddedMigrations() {
    static Migration const kMigrations[] = {
${body}    };
    return kMigrations;
}

}  // namespace b2b::store
")
# Write only on change so an unchanged migration set does not rebuild the library.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
