# jitexpr_add_kernels(<target> SOURCE <module.py> SIGNATURES <"name(type, ...)">...
#                     [CPU native|x86-64-v3|x86-64|...] [NAMESPACE <ns>] [NO_BOUNDSCHECK])
#
# Compiles kernels of a module ahead of time (jitexpr-aot) at build time into an object that
# <target> links, with a header <module stem>.h on its include path declaring one C++ function per
# signature in namespace <ns> (default: the module's stem). A wrong signature or a kernel that
# does not type-check fails the build with the JIT's error message.
#
# Needs JITEXPR_AOT_EXECUTABLE (the jitexpr-aot program) and JITEXPR_AOT_LIBRARY (the target to
# link: jitexpr::jitexpr, or jitexpr inside jitexpr's own build).
function(jitexpr_add_kernels target)
  cmake_parse_arguments(ARG "NO_BOUNDSCHECK" "SOURCE;CPU;NAMESPACE" "SIGNATURES" ${ARGN})
  if(NOT ARG_SOURCE OR NOT ARG_SIGNATURES)
    message(FATAL_ERROR "jitexpr_add_kernels(${target}) needs SOURCE and SIGNATURES")
  endif()
  get_filename_component(source "${ARG_SOURCE}" ABSOLUTE)
  get_filename_component(stem "${ARG_SOURCE}" NAME_WE)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/jitexpr_kernels/${target}")
  set(object "${dir}/${stem}.o")
  set(header "${dir}/${stem}.h")
  set(args "")
  foreach(sig IN LISTS ARG_SIGNATURES)
    list(APPEND args -s "${sig}")
  endforeach()
  if(ARG_CPU)
    list(APPEND args --cpu "${ARG_CPU}")
  endif()
  if(ARG_NAMESPACE)
    list(APPEND args --namespace "${ARG_NAMESPACE}")
  endif()
  if(ARG_NO_BOUNDSCHECK)
    list(APPEND args --no-boundscheck)
  endif()
  add_custom_command(OUTPUT "${object}" "${header}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND ${JITEXPR_AOT_EXECUTABLE} "${source}" ${args} -o "${object}" --header "${header}"
    DEPENDS "${source}" ${JITEXPR_AOT_EXECUTABLE}
    COMMENT "jitexpr-aot: compiling ${stem} kernels for ${target}"
    VERBATIM)
  set_source_files_properties("${object}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  target_sources(${target} PRIVATE "${object}" "${header}")
  target_include_directories(${target} PRIVATE "${dir}")
  # The kernels' vectorized math calls glibc's libmvec.
  target_link_libraries(${target} PRIVATE ${JITEXPR_AOT_LIBRARY} -Wl,--push-state,--no-as-needed mvec -Wl,--pop-state m)
endfunction()
