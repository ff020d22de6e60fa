# fxsim_verilate_sc(<target> PREFIX <Vname> SOURCES <file.sv>... [TOP_MODULE <m>] [TRACE|TRACE_FST]
#                   [VERILATOR_ARGS <extra>...])
#
# Verilates SystemVerilog into a SystemC model (--sc) compiled into <target>, which must already
# exist (an executable or a STATIC library). One place for the project's Verilator conventions:
#   - verilate() adds no optimisation flag of its own: FXSIM_VERILATOR_ARGS supplies -O3 and the
#     fast X handling, and the C++ is compiled with the build type's flags (Release by default).
#   - The model is linked against SystemC here (verilate() does not) with the keyword form of
#     target_link_libraries, which verilate() itself uses: mixing forms on one target is an error.
#   - The generated C++ and the Verilator runtime are compiled with -w, and their include
#     directories are SYSTEM, so -Wall -Wextra stays about the project's code (verilated.h alone
#     trips -Wunused-parameter in every testbench that includes a model).
# PREFIX names the generated class and header (<Vname>.h) and must be unique per call: verilate
# the same source twice with different parameters under two prefixes.

set(FXSIM_VERILATOR_ARGS -O3 --x-assign fast --x-initial fast
  CACHE STRING "Arguments fxsim_verilate_sc() passes to every Verilator run")

function(fxsim_verilate_sc target)
  cmake_parse_arguments(arg "TRACE;TRACE_FST" "PREFIX;TOP_MODULE" "SOURCES;VERILATOR_ARGS" ${ARGN})
  if(NOT arg_PREFIX OR NOT arg_SOURCES)
    message(FATAL_ERROR "fxsim_verilate_sc(${target}): PREFIX and SOURCES are required")
  endif()

  set(options SYSTEMC)
  if(arg_TRACE)
    list(APPEND options TRACE)
  endif()
  if(arg_TRACE_FST)
    list(APPEND options TRACE_FST)
  endif()
  if(arg_TOP_MODULE)
    list(APPEND options TOP_MODULE ${arg_TOP_MODULE})
  endif()

  get_target_property(sources_before ${target} SOURCES)
  get_target_property(includes_before ${target} INCLUDE_DIRECTORIES)

  verilate(${target} ${options}
    PREFIX ${arg_PREFIX}
    SOURCES ${arg_SOURCES}
    VERILATOR_ARGS ${FXSIM_VERILATOR_ARGS} ${arg_VERILATOR_ARGS})

  # Everything verilate() added is generated or Verilator-owned C++: silence its warnings.
  get_target_property(sources_after ${target} SOURCES)
  foreach(source IN LISTS sources_after)
    if(NOT source IN_LIST sources_before AND source MATCHES "\\.(cpp|cc)$")
      set_property(SOURCE ${source} TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_OPTIONS -w)
    endif()
  endforeach()
  get_target_property(includes_after ${target} INCLUDE_DIRECTORIES)
  foreach(dir IN LISTS includes_after)
    if(NOT dir IN_LIST includes_before)
      target_include_directories(${target} SYSTEM PUBLIC ${dir})
    endif()
  endforeach()

  target_link_libraries(${target} PUBLIC PkgConfig::SYSTEMC Threads::Threads)
endfunction()
