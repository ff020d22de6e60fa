# Helpers that find one dependency and, when it is missing, stop configuration with a message that
# names the Debian package to install. Without them a fresh machine gets CMake's generic "could not
# find a package configuration file" and the reader has to guess the package name.
#
# They are macros, not functions, on purpose: find_package() and pkg_check_modules() define
# variables (VERILATOR_BIN, TORCH_LIBRARIES, SYSTEMC_VERSION, ...) that the caller's scope and the
# subdirectories added after it must see.

# Stops configuration: "<what> not found — install the Debian package <deb>".
function(fxsim_fail_missing what debian_package)
  message(FATAL_ERROR
    "fxsim: ${what} not found — install the Debian package ${debian_package} "
    "(scripts/install-deps does)")
endfunction()

# fxsim_require_package(<Package> DEBIAN <deb> [NAME <display name>] [FIND_ARGS <args>...])
# find_package(<Package> <args> QUIET) or fail naming <deb>.
macro(fxsim_require_package _fxrp_package)
  cmake_parse_arguments(_fxrp "" "DEBIAN;NAME" "FIND_ARGS" ${ARGN})
  if(NOT _fxrp_NAME)
    set(_fxrp_NAME "${_fxrp_package}")
  endif()
  find_package(${_fxrp_package} ${_fxrp_FIND_ARGS} QUIET)
  if(NOT ${_fxrp_package}_FOUND)
    fxsim_fail_missing("${_fxrp_NAME}" "${_fxrp_DEBIAN}")
  endif()
  message(STATUS "fxsim: found ${_fxrp_NAME} ${${_fxrp_package}_VERSION}")
endmacro()

# fxsim_require_pkgconfig(<PREFIX> <module> DEBIAN <deb> [NAME <display name>])
# pkg_check_modules(<PREFIX> IMPORTED_TARGET <module>) or fail naming <deb>.
# Creates the imported target PkgConfig::<PREFIX>.
macro(fxsim_require_pkgconfig _fxrpc_prefix _fxrpc_module)
  cmake_parse_arguments(_fxrpc "" "DEBIAN;NAME" "" ${ARGN})
  if(NOT _fxrpc_NAME)
    set(_fxrpc_NAME "${_fxrpc_module}")
  endif()
  if(NOT PKG_CONFIG_FOUND)
    find_package(PkgConfig QUIET)
    if(NOT PKG_CONFIG_FOUND)
      fxsim_fail_missing("pkg-config" "pkg-config")
    endif()
  endif()
  pkg_check_modules(${_fxrpc_prefix} QUIET IMPORTED_TARGET ${_fxrpc_module})
  if(NOT ${_fxrpc_prefix}_FOUND)
    fxsim_fail_missing("${_fxrpc_NAME}" "${_fxrpc_DEBIAN}")
  endif()
  message(STATUS "fxsim: found ${_fxrpc_NAME} ${${_fxrpc_prefix}_VERSION}")
endmacro()

# fxsim_require_program(<VAR> <program> DEBIAN <deb>)
# find_program(<VAR> <program>) or fail naming <deb>. <VAR> is a cache entry holding the path.
macro(fxsim_require_program _fxrpg_var _fxrpg_program)
  cmake_parse_arguments(_fxrpg "" "DEBIAN" "" ${ARGN})
  find_program(${_fxrpg_var} ${_fxrpg_program})
  if(NOT ${_fxrpg_var})
    fxsim_fail_missing("${_fxrpg_program}" "${_fxrpg_DEBIAN}")
  endif()
  message(STATUS "fxsim: found ${_fxrpg_program} at ${${_fxrpg_var}}")
endmacro()
