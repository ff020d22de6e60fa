// The IDX reader on crafted files (every error path) and on the installed Fashion-MNIST.
#include "golden/idx.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "testbenches/golden/data_file_fixture.hpp"

namespace {

using namespace fxsim::golden;
namespace fs = std::filesystem;

class IdxFiles : public fxsim::golden::test::DataFileTest {
 protected:
  static std::vector<unsigned char> be32(uint32_t v) {
    return {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
            static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  }
  static std::vector<unsigned char> images_bytes(uint32_t magic, uint32_t n, uint32_t rows,
                                                 uint32_t cols, size_t pixel_bytes) {
    std::vector<unsigned char> b;
    for (uint32_t v : {magic, n, rows, cols}) {
      auto w = be32(v);
      b.insert(b.end(), w.begin(), w.end());
    }
    for (size_t i = 0; i < pixel_bytes; ++i) b.push_back(static_cast<unsigned char>(i * 7));
    return b;
  }
  static std::vector<unsigned char> labels_bytes(uint32_t n, std::vector<unsigned char> labels) {
    std::vector<unsigned char> b = be32(0x801);
    auto w = be32(n);
    b.insert(b.end(), w.begin(), w.end());
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
  }
  std::string gz(const std::string& name, const std::vector<unsigned char>& bytes) {
    const std::string path = (dir_ / name).string();
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return path;
  }
};

TEST_F(IdxFiles, ReadsImagesAndLabels) {
  const std::string p = gz("i.gz", images_bytes(0x803, 3, 2, 2, 12));
  const IdxImages im = read_idx_images(p);
  EXPECT_EQ(im.count, 3);
  EXPECT_EQ(im.rows, 2);
  EXPECT_EQ(im.cols, 2);
  ASSERT_EQ(im.pixels.size(), 12u);
  EXPECT_EQ(im.pixels[5], 35);
  EXPECT_EQ(read_idx_images(p, 2).pixels.size(), 8u);  // the first two
  EXPECT_EQ(read_idx_labels(gz("l.gz", labels_bytes(3, {9, 0, 4}))),
            (std::vector<uint8_t>{9, 0, 4}));
}

// write_idx_images writes exactly the bytes of a hand-built plain IDX file, and reads back.
TEST_F(IdxFiles, WritesPlainImages) {
  const std::vector<unsigned char> expected = images_bytes(0x803, 3, 2, 2, 12);
  IdxImages im{3, 2, 2, {}};
  for (size_t i = 0; i < 12; ++i) im.pixels.push_back(static_cast<uint8_t>(i * 7));
  const std::string p = (dir_ / "w.idx").string();
  write_idx_images(p, im);
  std::ifstream in(p, std::ios::binary);
  const std::vector<unsigned char> got((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(read_idx_images(p).pixels, im.pixels);
  EXPECT_NE(error_of([&] {
              write_idx_images((dir_ / "no" / "dir.idx").string(), im);
            }).find("cannot write"),
            std::string::npos);
}

TEST_F(IdxFiles, Errors) {
  EXPECT_NE(error_of([&] { read_idx_images((dir_ / "nope.gz").string()); }).find("cannot open"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_idx_images(gz("m.gz", images_bytes(0x801, 3, 2, 2, 12)));
            }).find("bad magic 0x00000801, expected 0x00000803"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_idx_images(gz("d.gz", images_bytes(0x803, 3, 0, 2, 12)));
            }).find("impossible dimensions 3 x 0 x 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_idx_images(gz("t.gz", images_bytes(0x803, 3, 2, 2, 11)));
            }).find("truncated: 3 images of 2x2 pixels needs 12 bytes, the file ends after 11"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_idx_images(gz("h.gz", {0, 0, 8}));
            }).find("truncated: the magic number"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_idx_images(gz("x.gz", images_bytes(0x803, 3, 2, 2, 13)));
            }).find("unexpected data after the last item"),
            std::string::npos);
  // A gzip stream cut in the middle: zlib reports it.
  const std::string good = gz("g.gz", images_bytes(0x803, 100, 28, 28, 78400));
  std::ifstream in(good, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), {});
  bytes.resize(bytes.size() / 2);
  const std::string cut_error = error_of([&] { read_idx_images(plain("cut.gz", bytes)); });
  EXPECT_TRUE(cut_error.find("corrupt gzip stream") != std::string::npos ||
              cut_error.find("truncated") != std::string::npos)
      << cut_error;
  // Corrupt deflate data (bytes flipped after the gzip header).
  std::vector<unsigned char> flipped(bytes.begin(), bytes.end());
  for (size_t i = 20; i < 60 && i < flipped.size(); ++i) flipped[i] ^= 0x5a;
  EXPECT_NE(error_of([&] { read_idx_images(plain("flip.gz", flipped)); }), "no error");
}

TEST_F(IdxFiles, DatasetChecksLabels) {
  const std::string images = images_bytes(0x803, 2, 1, 1, 2).size() ? "" : "";
  (void)images;
  gz("train-images-idx3-ubyte.gz", images_bytes(0x803, 2, 1, 1, 2));
  gz("train-labels-idx1-ubyte.gz", labels_bytes(2, {3, 10}));
  EXPECT_NE(error_of([&] {
              load_fashion_mnist(dir_.string(), "train");
            }).find("label 1 is 10, expected 0..9"),
            std::string::npos);
  gz("t10k-images-idx3-ubyte.gz", images_bytes(0x803, 2, 1, 1, 2));
  gz("t10k-labels-idx1-ubyte.gz", labels_bytes(3, {3, 1, 2}));
  EXPECT_NE(
      error_of([&] { load_fashion_mnist(dir_.string(), "t10k"); }).find("3 labels for 2 images"),
      std::string::npos);
}

TEST(FashionMnist, InstalledDataset) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(dir + "/t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "dataset not installed";
  const Dataset d = load_fashion_mnist(dir, "t10k", 100);
  EXPECT_EQ(d.images.count, 100);
  EXPECT_EQ(d.images.rows, 28);
  EXPECT_EQ(d.images.cols, 28);
  EXPECT_EQ(d.labels.size(), 100u);
  EXPECT_EQ(d.labels[0], 9);  // the first test image is an ankle boot
}

}  // namespace
