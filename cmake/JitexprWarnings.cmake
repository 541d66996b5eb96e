# The warning set every jitexpr target builds with.
function(jitexpr_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wswitch)
endfunction()
