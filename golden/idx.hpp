// Fashion-MNIST / MNIST IDX files (gzip-compressed or plain), read with zlib. Plain C++.
// Every problem is an IdxError naming the file and what is wrong: missing file, not gzip / corrupt
// stream, wrong magic, impossible dimensions, truncated data, trailing bytes, a label > 9.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fxsim::golden {

class IdxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IdxImages {
  int count = 0;  // the images read
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols x channels, row-major (channels
                                     // fastest: the order fxsim streams a map in)
  int channels = 1;
  int file_count = 0;  // the images the file holds (>= count)
  int pixels_per_image() const { return rows * cols * channels; }
};

// magic 0x00000803 (unsigned byte, 3 dimensions: count, rows, cols) or 0x00000804 (4 dimensions:
// count, rows, cols, channels). max_count < 0: all; otherwise the first max_count images (the
// rest of the file is still checked for its length).
IdxImages read_idx_images(const std::string& path, long max_count = -1);
// Writes `images` as an uncompressed IDX file (magic 0x00000803, or 0x00000804 with more than
// one channel, big-endian dimensions, then the pixels); read_idx_images reads it back (zlib reads
// plain files as they are). For tests and tools that make image sets of their own (`fxsim
// import` converts raw tensor files into one). Throws IdxError when the file cannot be written.
void write_idx_images(const std::string& path, const IdxImages& images);

// magic 0x00000801 (unsigned byte, 1 dimension).
std::vector<std::uint8_t> read_idx_labels(const std::string& path, long max_count = -1);

struct Dataset {
  IdxImages images;
  std::vector<std::uint8_t> labels;  // 0..9
};

// dir/{split}-images-idx3-ubyte.gz and dir/{split}-labels-idx1-ubyte.gz (split "train" or
// "t10k"); checks that the counts agree and the labels are 0..9.
Dataset load_fashion_mnist(const std::string& dir, const std::string& split, long max_count = -1);

}  // namespace fxsim::golden
