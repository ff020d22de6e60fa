# `fxsim run` (apps/cmd_run.cpp): included from apps/CMakeLists.txt. Links the engine testbench
# (testbenches/engine/, configured before apps/), which brings the model and rtl backends and
# SystemC.
target_sources(fxsim PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_run.cpp)
target_link_libraries(fxsim PRIVATE fxsim_engine_testbench)
