# `fxsim sweep`, `merge`, `report`, `status` (and the hidden `fxsim sweep-worker`): included
# from apps/CMakeLists.txt. The library is apps/sweep/ (fxsim_sweep).
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/sweep ${CMAKE_CURRENT_BINARY_DIR}/sweep)
target_sources(fxsim PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_sweep.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_merge.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_report.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cmd_status.cpp)
target_link_libraries(fxsim PRIVATE fxsim_sweep)
# `fxsim report` draws its PNGs with scripts/plot_results.py from this source tree.
target_compile_definitions(fxsim PRIVATE FXSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
