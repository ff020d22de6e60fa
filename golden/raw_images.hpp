// Images and labels as raw tensor files, the way a PyTorch user writes them without any format:
//   images: x.to(torch.uint8).numpy().tofile("images.u8")   N x C x H x W pixel bytes (NCHW)
//   labels: y.numpy().astype("uint8").tofile("labels.u8")   N bytes, the classes
// The file holds no shape: the network gives C, H and W, and the file's size the count. fxsim
// streams a map channels fastest (y, x, c), so the images are reordered to that on reading.
// Plain C++; errors are IdxError (golden/idx.hpp) naming the file and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/idx.hpp"

namespace fxsim::golden {

// The first max_count (< 0: all) images of a raw N x C x H x W uint8 file, as IdxImages with
// `channels` = C in (y, x, c) order. Throws IdxError when the file cannot be read or its size is
// not a whole number of C x H x W images.
IdxImages read_raw_images(const std::string& path, int channels, int height, int width,
                          long max_count = -1);

// The first `take` labels of a raw uint8 file of one byte for each of the `file_images` images of
// its image file (IdxImages::file_count). Throws IdxError when the file cannot be read, holds
// another number of labels, or its size is that of int64 or int32 labels (with the numpy call
// that fixes it).
std::vector<std::uint8_t> read_raw_labels(const std::string& path, long file_images, long take);

}  // namespace fxsim::golden
