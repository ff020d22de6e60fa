// Entry point of tlm_tests: GoogleTest's main; the dummy sc_main only satisfies libsystemc.so's
// own main(), which this one replaces (see testbenches/fx/main.cpp).
#include <gtest/gtest.h>

#include <cstdlib>

extern "C" int sc_main(int, char**) { return 0; }

int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
