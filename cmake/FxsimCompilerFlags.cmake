# Flags for every target the project defines, set before any add_subdirectory() so that fx/,
# golden/, apps/ and testbenches/ get them without repeating them.

# Release unless told otherwise: Verilated models and fixed-point loops are 10x slower at -O0.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type (default Release)" FORCE)
  set_property(CACHE CMAKE_BUILD_TYPE PROPERTY STRINGS Debug Release RelWithDebInfo MinSizeRel)
endif()

# SystemC 2.3.4 in Debian was built as C++17: C++14 and C++20 fail to link sc_main.
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)

set(CMAKE_EXPORT_COMPILE_COMMANDS ON)  # for clangd and clang-tidy
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)

# Only 2 cores: a warm ccache turns a rebuild after `git checkout` into seconds.
option(FXSIM_USE_CCACHE "Use ccache as the compiler launcher when it is installed" ON)
if(FXSIM_USE_CCACHE)
  find_program(FXSIM_CCACHE_PROGRAM ccache)
  if(FXSIM_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${FXSIM_CCACHE_PROGRAM})
  endif()
endif()

# Warnings for project code, never -Werror: a new compiler's new warning must not break a build.
# Headers of imported targets (Torch, SystemC, GTest, ...) are -isystem and stay quiet.
add_compile_options(-Wall -Wextra)

if(FXSIM_SANITIZE)
  set(FXSIM_SANITIZER_FLAGS
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${FXSIM_SANITIZER_FLAGS})
  add_link_options(${FXSIM_SANITIZER_FLAGS})
endif()
