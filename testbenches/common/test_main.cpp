// The entry point of every GoogleTest binary of fxsim (library fxsim_test_main). libsystemc.so
// brings its own main() calling sc_main(); this main() takes precedence and runs GoogleTest, and
// the sc_main() below only satisfies the shared library's reference: tests that simulate build a
// fresh context of their own (testbenches/env/simulation_scope.hpp), never sc_elab_and_sim.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

extern "C" int sc_main(int, char**) {
  std::fputs("fxsim tests: sc_main is not used\n", stderr);
  return 1;
}

int main(int argc, char** argv) {
  // Keep the SystemC banner out of test listings (gtest_discover_tests parses stdout).
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
