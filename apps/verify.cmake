# `fxsim verify` (apps/cmd_verify.cpp): included from apps/CMakeLists.txt. The library is
# apps/verify/ (fxsim_verify): plain C++ on the golden model file and the engine testbench, no
# LibTorch.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/verify ${CMAKE_CURRENT_BINARY_DIR}/verify)
target_sources(fxsim PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_verify.cpp)
target_link_libraries(fxsim PRIVATE fxsim_verify)
