// Entry point of sweep_tests: GoogleTest's main. libsystemc.so brings its own main() calling
// sc_main; this executable defines main, so sc_main is only a stub for the linker.
#include <gtest/gtest.h>

#include <cstdio>

extern "C" int sc_main(int, char**) {
  std::fputs("sweep_tests: sc_main is not used\n", stderr);
  return 1;
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
