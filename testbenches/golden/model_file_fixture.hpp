// A test fixture for model files (golden/model_file.hpp): a temporary path per test, the file's
// bytes, a header patch that keeps the offsets valid and fixes the checksum, and the reader's
// error message.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/model_file.hpp"

namespace fxsim::golden::test {

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("fxsim_model_file_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".fxm"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::vector<char> bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(in)), {});
  }
  std::vector<char> bytes() { return bytes(path_); }
  void put(const std::vector<char>& b) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc).write(b.data(), b.size());
  }
  void fix_checksum(std::vector<char>& b) {
    const uint64_t sum = fnv1a64(reinterpret_cast<const unsigned char*>(b.data()), b.size() - 8);
    for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
  }
  // Rewrites the header text (same length keeps offsets valid) and fixes the checksum.
  void patch_header(const std::string& from, const std::string& to) {
    ASSERT_EQ(from.size(), to.size());
    std::vector<char> b = bytes();
    const std::string s(b.begin(), b.end());
    const size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    std::copy(to.begin(), to.end(), b.begin() + static_cast<long>(at));
    fix_checksum(b);
    put(b);
  }
  // Parses the header, lets `edit` change it and writes the file back with the new header (the
  // data region moves with it; block offsets are relative to it) and a fixed checksum.
  void edit_header(const std::function<void(nlohmann::json&)>& edit) {
    const std::vector<char> b = bytes();
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i)
      len |= std::uint32_t(static_cast<unsigned char>(b[12 + i])) << (8 * i);
    std::string text(b.begin() + 16, b.begin() + 16 + len);
    text.erase(text.find_last_not_of('\0') + 1);
    nlohmann::json header = nlohmann::json::parse(text);
    edit(header);
    const std::size_t data = (16 + len + 7) / 8 * 8;
    const std::string out_text = header.dump(1);
    std::vector<char> out(b.begin(), b.begin() + 12);
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<char>((out_text.size() >> (8 * i)) & 0xff));
    out.insert(out.end(), out_text.begin(), out_text.end());
    out.resize((out.size() + 7) / 8 * 8, '\0');
    out.insert(out.end(), b.begin() + static_cast<long>(data), b.end());
    fix_checksum(out);
    put(out);
  }
  std::string error() {
    try {
      read_model_file(path_);
    } catch (const ModelFileError& e) {
      return e.what();
    }
    return "no error";
  }
  std::string path_;
};

}  // namespace fxsim::golden::test
