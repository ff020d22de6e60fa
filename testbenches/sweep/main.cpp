// Entry point of sweep_tests: GoogleTest's main. libsystemc.so brings its own main() calling
// sc_main; this executable defines main, so sc_main is only a stub for the linker.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "testbenches/sweep/sweep_test_util.hpp"

extern "C" int sc_main(int, char**) {
  std::fputs("sweep_tests: sc_main is not used\n", stderr);
  return 1;
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  std::error_code ec;  // best effort: a leftover directory is not a test failure
  std::filesystem::remove_all(fxsim::sweep_test::process_temp_root(), ec);
  return rc;
}
