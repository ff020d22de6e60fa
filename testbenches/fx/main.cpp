// Entry point of fx_tests. libsystemc.so brings its own main() that calls
// sc_main(); this executable's main() takes precedence and runs GoogleTest,
// and the dummy sc_main() below only satisfies the shared library's reference.
#include <gtest/gtest.h>

#include <cstdlib>

extern "C" int sc_main(int, char**) { return 0; }

int main(int argc, char** argv) {
  // Keep the SystemC banner out of test listings (gtest_discover_tests parses stdout).
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
