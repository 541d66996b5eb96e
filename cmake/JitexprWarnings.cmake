# The warning set every jitexpr target builds with. Warnings are errors where JITEXPR_WERROR is
# on, or set in the environment at configure time (scripts/test.sh, so CI, sets it).
# Designated initializers that leave fields to their defaults are how options are written
# (`Runtime rt({.num_threads = 4})`): that warning stays off.
option(JITEXPR_WERROR "Treat warnings in jitexpr's own code as errors" OFF)
function(jitexpr_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wswitch
                                           -Wno-missing-designated-field-initializers)
  if(JITEXPR_WERROR OR "$ENV{JITEXPR_WERROR}")
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
