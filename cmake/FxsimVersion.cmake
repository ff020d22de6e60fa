# Generates <build>/generated/fxsim_version.hpp from project(VERSION) so the version has one
# source, and offers it as the INTERFACE target fxsim::version:
#   target_link_libraries(my_target PRIVATE fxsim::version)  then  #include "fxsim_version.hpp"

set(FXSIM_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
configure_file(${CMAKE_CURRENT_LIST_DIR}/fxsim_version.hpp.in
  ${FXSIM_GENERATED_DIR}/fxsim_version.hpp @ONLY)

add_library(fxsim_version INTERFACE)
add_library(fxsim::version ALIAS fxsim_version)
target_include_directories(fxsim_version INTERFACE ${FXSIM_GENERATED_DIR})
