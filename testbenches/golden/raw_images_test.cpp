// Raw tensor files (golden/raw_images.hpp) on hand-built bytes: N x C x H x W uint8 images are
// reordered to (y, x, c), labels are one byte an image, and each wrong size is refused with what
// was expected; 4-D IDX files (0x00000804) round-trip the channels.
#include "golden/raw_images.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testbenches/golden/data_file_fixture.hpp"

namespace fxsim::golden {
namespace {

namespace fs = std::filesystem;

class RawImages : public test::DataFileTest {
 protected:
  std::string file(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    return plain(name, bytes);
  }
};

// Two images of 2 channels x 1 row x 3 columns, byte 10 n + 3 c + x in NCHW order: image n's
// pixel (0, x) channel c. In (y, x, c) order image 0 is 0, 3, 1, 4, 2, 5.
TEST_F(RawImages, ReordersChannelsLast) {
  std::vector<std::uint8_t> nchw;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 2; ++c)
      for (int x = 0; x < 3; ++x) nchw.push_back(static_cast<std::uint8_t>(10 * n + 3 * c + x));
  const std::string p = file("images.u8", nchw);
  const IdxImages all = read_raw_images(p, 2, 1, 3);
  EXPECT_EQ(all.count, 2);
  EXPECT_EQ(all.file_count, 2);
  EXPECT_EQ(all.channels, 2);
  EXPECT_EQ(all.pixels_per_image(), 6);
  EXPECT_EQ(all.pixels, (std::vector<std::uint8_t>{0, 3, 1, 4, 2, 5, 10, 13, 11, 14, 12, 15}));
  const IdxImages first = read_raw_images(p, 2, 1, 3, 1);
  EXPECT_EQ(first.count, 1);
  EXPECT_EQ(first.file_count, 2);
  EXPECT_EQ(first.pixels, (std::vector<std::uint8_t>{0, 3, 1, 4, 2, 5}));
  // Through a 4-D IDX file and back.
  const std::string idx = (dir_ / "images.idx").string();
  write_idx_images(idx, all);
  const IdxImages back = read_idx_images(idx);
  EXPECT_EQ(back.channels, 2);
  EXPECT_EQ(back.rows, 1);
  EXPECT_EQ(back.cols, 3);
  EXPECT_EQ(back.pixels, all.pixels);
  EXPECT_EQ(fs::file_size(idx), 20u + 12u);  // magic and 4 dimensions, then the pixels
}

TEST_F(RawImages, ASizeThatIsNotWholeImagesIsRefused) {
  const std::string p = file("images.u8", std::vector<std::uint8_t>(13));
  EXPECT_EQ(error_of([&] { read_raw_images(p, 2, 1, 3); }),
            p + ": 13 bytes is not a whole number of 2 x 1 x 3 = 6-byte images; expected the "
                "network's N x C x H x W input as uint8 pixels "
                "(x.to(torch.uint8).numpy().tofile(...))");
  EXPECT_EQ(error_of([&] {
              read_raw_images((dir_ / "none.u8").string(), 1, 1, 1);
            }).rfind((dir_ / "none.u8").string() + ": cannot read (", 0),
            0u);
}

TEST_F(RawImages, LabelsAreOneByteAnImage) {
  const std::string ok = file("labels.u8", {3, 1, 4, 1});
  EXPECT_EQ(read_raw_labels(ok, 4, 4), (std::vector<std::uint8_t>{3, 1, 4, 1}));
  EXPECT_EQ(read_raw_labels(ok, 4, 2), (std::vector<std::uint8_t>{3, 1}));
  EXPECT_EQ(error_of([&] { read_raw_labels(ok, 5, 5); }),
            ok + ": 4 labels for 5 images; expected one uint8 label an image");
  const std::string wide = file("labels64.u8", std::vector<std::uint8_t>(32));
  EXPECT_EQ(error_of([&] { read_raw_labels(wide, 4, 4); }),
            wide +
                ": 32 bytes for 4 images: 8 bytes a label, as int64 labels; expected one "
                "uint8 label an image (y.numpy().astype(\"uint8\").tofile(...))");
}

}  // namespace
}  // namespace fxsim::golden
