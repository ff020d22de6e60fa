# RTL units (rtl/) as Verilated C++ models, one per named parameter set ("variant").
#
#   fxsim_add_rtl_variant(NAME <name> TOP <module> [UNIT <unit>] [PARAMS NAME=VALUE...]
#                         [SOURCES <extra.sv>...] [LIBRARY <target>] [TRACE|TRACE_FST])
#
# Verilates TOP (--cc, class V<name>, header V<name>.h) with -G<param> for every PARAMS entry and
# the project's Verilator flags (FXSIM_VERILATOR_ARGS: -O3 --x-assign fast --x-initial fast).
# The RTL sources are the unit's file list FXSIM_RTL_FILES_<unit> below (UNIT defaults to TOP),
# plus SOURCES (e.g. a test-only wrapper). It also writes <name>_params.hpp:
#   namespace fxsim::rtl_variants::<name> {
#     kUnit, kTop; constexpr std::int64_t <PARAM> = value...; units::ParamMap overrides();
#   }
# so a testbench reads the parameter values the model was built with from the same place;
# units::resolve_params(find_unit(kUnit), overrides()) fills the defaults and checks ranges.
#
# Every variant goes into ONE static library (LIBRARY, default fxsim_rtl_models). verilate()
# adds the Verilator runtime (verilated.cpp, ...) to the target it verilates into; several
# models in one library share one copy of it, so any number of variants link into one
# executable without duplicate symbols. Link it with target_link_libraries(<exe> PRIVATE
# fxsim_rtl_models). The models are plain C++ (--cc): drive them from a C++ loop or from one
# SC_METHOD (in a SystemC translation unit put `using sc_core::sc_time_stamp;` before including a
# V<name>.h: Verilator 5.006 quirk, see /work/shared/TOOLCHAIN.md).
# TRACE / TRACE_FST add --trace / --trace-fst to that variant (and the runtime's tracer to the
# library); call Verilated::traceEverOn(true) and model.trace(tfp, 99) in the testbench.

# The RTL file list of each unit, in dependency order. models/units (UnitSpec::rtl_files) holds
# the same lists; testbenches/rtl checks that they agree.
set(FXSIM_RTL_DIR ${PROJECT_SOURCE_DIR}/rtl)
set(FXSIM_RTL_FILES_fx_requant fx_requant.sv)
set(FXSIM_RTL_FILES_fx_mac_pe fx_requant.sv fx_pipe.sv fx_acc_out.sv fx_mac_pe.sv)
set(FXSIM_RTL_FILES_khot_pe fx_requant.sv fx_pipe.sv fx_acc_out.sv khot_pe.sv)
set(FXSIM_RTL_FILES_bn_act fx_requant.sv fx_pipe.sv bn_act.sv)
set(FXSIM_RTL_UNITS fx_requant fx_mac_pe khot_pe bn_act)

function(fxsim_add_rtl_variant)
  cmake_parse_arguments(arg "TRACE;TRACE_FST" "NAME;TOP;UNIT;LIBRARY" "PARAMS;SOURCES" ${ARGN})
  if(NOT arg_NAME OR NOT arg_TOP)
    message(FATAL_ERROR "fxsim_add_rtl_variant: NAME and TOP are required")
  endif()
  if(NOT arg_NAME MATCHES "^[A-Za-z][A-Za-z0-9_]*$")
    message(FATAL_ERROR "fxsim_add_rtl_variant: NAME '${arg_NAME}' must be a C++ identifier")
  endif()
  if(NOT arg_UNIT)
    set(arg_UNIT ${arg_TOP})
  endif()
  if(NOT arg_UNIT IN_LIST FXSIM_RTL_UNITS)
    message(FATAL_ERROR
      "fxsim_add_rtl_variant(${arg_NAME}): unknown unit '${arg_UNIT}', expected one of "
      "${FXSIM_RTL_UNITS}")
  endif()
  if(NOT arg_LIBRARY)
    set(arg_LIBRARY fxsim_rtl_models)
  endif()
  get_property(names GLOBAL PROPERTY FXSIM_RTL_VARIANTS)
  if(arg_NAME IN_LIST names)
    message(FATAL_ERROR "fxsim_add_rtl_variant: variant '${arg_NAME}' is defined twice")
  endif()
  set_property(GLOBAL APPEND PROPERTY FXSIM_RTL_VARIANTS ${arg_NAME})

  set(gen_dir ${CMAKE_BINARY_DIR}/rtl_models)
  if(NOT TARGET ${arg_LIBRARY})
    add_library(${arg_LIBRARY} STATIC)
    set_target_properties(${arg_LIBRARY} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_include_directories(${arg_LIBRARY} PUBLIC ${gen_dir})
    target_link_libraries(${arg_LIBRARY} PUBLIC fxsim::units Threads::Threads)
  endif()

  set(sources)
  foreach(f IN LISTS FXSIM_RTL_FILES_${arg_UNIT})
    list(APPEND sources ${FXSIM_RTL_DIR}/${f})
  endforeach()
  list(APPEND sources ${arg_SOURCES})

  set(gparams)
  set(constants)
  set(entries)
  foreach(p IN LISTS arg_PARAMS)
    if(NOT p MATCHES "^([A-Z][A-Z0-9_]*)=(-?[0-9]+)$")
      message(FATAL_ERROR
        "fxsim_add_rtl_variant(${arg_NAME}): PARAMS entry '${p}' is not NAME=INTEGER")
    endif()
    set(pname ${CMAKE_MATCH_1})
    set(pvalue ${CMAKE_MATCH_2})
    # *_SIGNED parameters are declared `bit`: a sized literal keeps Verilator's WIDTH check quiet.
    if(pname MATCHES "_SIGNED$")
      list(APPEND gparams "-G${pname}=1'b${pvalue}")
    else()
      list(APPEND gparams "-G${pname}=${pvalue}")
    endif()
    string(APPEND constants "inline constexpr std::int64_t ${pname} = ${pvalue};\n")
    string(APPEND entries "{\"${pname}\", ${pvalue}}, ")
  endforeach()

  set(options)
  if(arg_TRACE)
    list(APPEND options TRACE)
  endif()
  if(arg_TRACE_FST)
    list(APPEND options TRACE_FST)
  endif()

  verilate(${arg_LIBRARY} ${options}
    PREFIX V${arg_NAME}
    TOP_MODULE ${arg_TOP}
    DIRECTORY ${CMAKE_BINARY_DIR}/rtl_models/V${arg_NAME}.dir
    SOURCES ${sources}
    VERILATOR_ARGS ${FXSIM_VERILATOR_ARGS} ${gparams})

  # Generated and Verilator-owned C++ stays quiet under the project's -Wall -Wextra.
  get_target_property(all_sources ${arg_LIBRARY} SOURCES)
  foreach(source IN LISTS all_sources)
    if(source MATCHES "\\.(cpp|cc)$")
      set_property(SOURCE ${source} TARGET_DIRECTORY ${arg_LIBRARY} PROPERTY COMPILE_OPTIONS -w)
    endif()
  endforeach()
  get_target_property(includes ${arg_LIBRARY} INCLUDE_DIRECTORIES)
  foreach(dir IN LISTS includes)
    if(NOT dir STREQUAL gen_dir)
      target_include_directories(${arg_LIBRARY} SYSTEM PUBLIC ${dir})
    endif()
  endforeach()

  file(WRITE ${gen_dir}/${arg_NAME}_params.hpp.tmp
"// Generated by fxsim_add_rtl_variant(NAME ${arg_NAME}) in cmake/FxsimRtl.cmake: the parameter
// overrides model V${arg_NAME} was verilated with. Do not edit.
#pragma once

#include <cstdint>

#include \"models/units/unit_params.hpp\"

namespace fxsim::rtl_variants::${arg_NAME} {
inline constexpr const char* kUnit = \"${arg_UNIT}\";
inline constexpr const char* kTop = \"${arg_TOP}\";
${constants}inline units::ParamMap overrides() { return {${entries}}; }
}  // namespace fxsim::rtl_variants::${arg_NAME}
")
  # Rewrite only on change, so an unrelated reconfigure does not rebuild every testbench.
  file(COPY_FILE ${gen_dir}/${arg_NAME}_params.hpp.tmp ${gen_dir}/${arg_NAME}_params.hpp
       ONLY_IF_DIFFERENT)
  file(REMOVE ${gen_dir}/${arg_NAME}_params.hpp.tmp)
endfunction()
