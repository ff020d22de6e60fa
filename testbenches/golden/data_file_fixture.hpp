// A test fixture for the data-file readers (golden/idx.hpp, golden/raw_images.hpp): an empty
// directory per test (removed afterwards), plain files of given bytes in it, and the IdxError
// message of a call ("no error" when it succeeds).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "golden/idx.hpp"

namespace fxsim::golden::test {

class DataFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_" + std::string(t->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" +
            t->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  template <typename Byte>
  std::string plain(const std::string& name, const std::vector<Byte>& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const IdxError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
};

}  // namespace fxsim::golden::test
