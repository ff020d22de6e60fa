// Entry point of engine_ondemand_tests: GoogleTest's main, plus a child mode the concurrency test
// starts twice at once (ondemand_child.hpp). Without FXSIM_CACHE_DIR (ctest sets it to the run's
// cache directory) the tests use a fresh temporary one, so a manual run never touches ~/.cache.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "testbenches/tlm/rtl/ondemand_child.hpp"

extern "C" int sc_main(int, char**) {
  std::fputs("engine_ondemand_tests: sc_main is not used\n", stderr);
  return 1;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], fxsim::engine_test::kChildFlag) == 0) {
    return fxsim::engine_test::child_main(argv[2]);
  }
  const char* dir = std::getenv("FXSIM_CACHE_DIR");
  if (dir == nullptr || *dir == '\0') {
    std::string pattern = "/tmp/fxsim-ondemand-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    ::setenv("FXSIM_CACHE_DIR", pattern.c_str(), 1);
    std::fprintf(stderr, "engine_ondemand_tests: cache directory %s\n", pattern.c_str());
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
