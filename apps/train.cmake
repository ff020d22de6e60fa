# `fxsim train`: included from apps/CMakeLists.txt. The training code (apps/cmd_train.cpp, the
# golden training library with LibTorch inside) is its own executable, fxsim-train, next to
# fxsim; fxsim forwards `fxsim train ...` to it (apps/cmd_train_forward.cpp) so that the other
# subcommands start without loading LibTorch.
target_sources(fxsim PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_train_forward.cpp)

add_executable(fxsim-train train_main.cpp cmd_train.cpp)
target_link_libraries(fxsim-train PRIVATE fxsim::golden_train CLI11::CLI11 fmt::fmt)
target_compile_features(fxsim-train PRIVATE cxx_std_17)
set_target_properties(fxsim-train PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
add_dependencies(fxsim fxsim-train)
