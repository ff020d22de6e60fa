# `fxsim train` (apps/cmd_train.cpp): included from apps/CMakeLists.txt. Links the golden training
# library (golden/, LibTorch inside; its header golden/train.hpp is plain C++).
target_sources(fxsim PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_train.cpp)
target_link_libraries(fxsim PRIVATE fxsim::golden_train)
