// Entry point of rtl_tests: GoogleTest's own main, plus Verilator's command-line hook so that
// +verilator+ options (e.g. +verilator+seed) reach the models.
#include <gtest/gtest.h>
#include <verilated.h>

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
