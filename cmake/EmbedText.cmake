# Script mode: turns INPUT into a C++ function returning its text verbatim.
file(READ ${INPUT} text)
string(FIND "${text}" ")incubsim_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by cmake/EmbedText.cmake; do not edit.
#include <string_view>
namespace incubsim {
std::string_view embedded_baseline_text() {
  return R\"incubsim_embed(${text})incubsim_embed\";
}
}  // namespace incubsim
")
