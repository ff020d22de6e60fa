#include "golden/raw_images.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <system_error>

namespace fxsim::golden {
namespace {

std::uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t n = std::filesystem::file_size(path, ec);
  if (ec) throw IdxError(path + ": cannot read (" + ec.message() + ")");
  return n;
}

std::vector<std::uint8_t> read_bytes(const std::string& path, std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(n));
  if (!in) throw IdxError(path + ": cannot read " + std::to_string(n) + " bytes");
  return bytes;
}

}  // namespace

IdxImages read_raw_images(const std::string& path, int channels, int height, int width,
                          long max_count) {
  const std::uintmax_t size = size_of(path);
  const std::uintmax_t per_image = static_cast<std::uintmax_t>(channels) * height * width;
  if (size == 0 || size % per_image != 0) {
    throw IdxError(fmt::format(
        "{}: {} bytes is not a whole number of {} x {} x {} = {}-byte images; expected the "
        "network's N x C x H x W input as uint8 pixels (x.to(torch.uint8).numpy().tofile(...))",
        path, size, channels, height, width, per_image));
  }
  const std::uintmax_t count = size / per_image;
  if (count > (1u << 24))
    throw IdxError(fmt::format("{}: {} images; expected at most 2^24", path, count));
  IdxImages im;
  im.file_count = static_cast<int>(count);
  im.count = static_cast<int>(
      max_count < 0 ? count
                    : std::min<std::uintmax_t>(count, static_cast<std::uintmax_t>(max_count)));
  im.rows = height;
  im.cols = width;
  im.channels = channels;
  const std::vector<std::uint8_t> nchw = read_bytes(path, im.count * per_image);
  im.pixels.resize(nchw.size());
  const std::size_t plane = static_cast<std::size_t>(height) * width;
  for (std::size_t n = 0; n < static_cast<std::size_t>(im.count); ++n) {
    const std::uint8_t* src = nchw.data() + n * per_image;
    std::uint8_t* dst = im.pixels.data() + n * per_image;
    for (std::size_t c = 0; c < static_cast<std::size_t>(channels); ++c) {
      for (std::size_t p = 0; p < plane; ++p) dst[p * channels + c] = src[c * plane + p];
    }
  }
  return im;
}

std::vector<std::uint8_t> read_raw_labels(const std::string& path, long file_images, long take) {
  const std::uintmax_t size = size_of(path);
  const auto count = static_cast<std::uintmax_t>(file_images);
  for (const int wide : {8, 4}) {
    if (size == count * wide) {
      throw IdxError(fmt::format(
          "{}: {} bytes for {} images: {} bytes a label, as int{} labels; expected one uint8 "
          "label an image (y.numpy().astype(\"uint8\").tofile(...))",
          path, size, file_images, wide, wide * 8));
    }
  }
  if (size != count) {
    throw IdxError(fmt::format("{}: {} labels for {} images; expected one uint8 label an image",
                               path, size, file_images));
  }
  return read_bytes(path, static_cast<std::size_t>(std::min(take, file_images)));
}

}  // namespace fxsim::golden
