#include "golden/idx.hpp"

#include <zlib.h>

#include <fstream>
#include <memory>

namespace fxsim::golden {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kChannelImagesMagic = 0x00000804;
constexpr std::uint32_t kLabelsMagic = 0x00000801;
constexpr std::uint32_t kMaxDimension = 1u << 24;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// A gzip (or, transparently, uncompressed) stream with error reporting.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (!file_) throw IdxError(path + ": cannot open (missing file or no permission)");
  }

  // Reads exactly n bytes; `what` names the part for the truncation message.
  void read(void* out, std::size_t n, const std::string& what) {
    auto* p = static_cast<unsigned char*>(out);
    std::size_t done = 0;
    while (done < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
      const int got = gzread(file_.get(), p + done, chunk);
      if (got < 0) fail_stream();
      if (got == 0) {
        check_stream();
        throw IdxError(path_ + ": truncated: " + what + " needs " + std::to_string(n) +
                       " bytes, the file ends after " + std::to_string(done));
      }
      done += static_cast<std::size_t>(got);
    }
  }

  std::uint32_t read_u32(const std::string& what) {
    unsigned char b[4];
    read(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
  }

  // Skips n bytes (data past max_count) still checking that they exist.
  void skip(std::size_t n, const std::string& what) {
    std::vector<unsigned char> buf(1 << 16);
    while (n > 0) {
      const std::size_t chunk = std::min(n, buf.size());
      read(buf.data(), chunk, what);
      n -= chunk;
    }
  }

  void expect_end() {
    unsigned char extra[64];
    const int got = gzread(file_.get(), extra, sizeof extra);
    if (got < 0) fail_stream();
    if (got > 0) throw IdxError(path_ + ": unexpected data after the last item");
  }

 private:
  void check_stream() {
    int err = Z_OK;
    const char* msg = gzerror(file_.get(), &err);
    if (err != Z_OK && err != Z_STREAM_END) {
      throw IdxError(path_ + ": corrupt gzip stream: " + (msg ? msg : "unknown error"));
    }
  }
  [[noreturn]] void fail_stream() {
    int err = Z_OK;
    const char* msg = gzerror(file_.get(), &err);
    throw IdxError(path_ + ": corrupt gzip stream: " + (msg ? msg : "unknown error"));
  }

  std::string path_;
  GzHandle file_;
};

void check_magic(std::uint32_t magic, std::uint32_t expected, const std::string& path,
                 const char* kind) {
  if (magic != expected) {
    char buf[160];
    std::snprintf(buf, sizeof buf, ": bad magic 0x%08x, expected 0x%08x (%s)", magic, expected,
                  kind);
    throw IdxError(path + buf);
  }
}

std::size_t take(std::uint32_t count, long max_count) {
  return max_count < 0 ? count : std::min<std::size_t>(count, static_cast<std::size_t>(max_count));
}

}  // namespace

void write_idx_images(const std::string& path, const IdxImages& images) {
  std::string bytes;
  std::vector<std::uint32_t> header{images.channels > 1 ? kChannelImagesMagic : kImagesMagic,
                                    static_cast<std::uint32_t>(images.count),
                                    static_cast<std::uint32_t>(images.rows),
                                    static_cast<std::uint32_t>(images.cols)};
  if (images.channels > 1) header.push_back(static_cast<std::uint32_t>(images.channels));
  for (const std::uint32_t v : header) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(v >> shift));
  }
  bytes.append(images.pixels.begin(), images.pixels.end());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw IdxError(path + ": cannot write");
}

IdxImages read_idx_images(const std::string& path, long max_count) {
  GzReader in(path);
  const std::uint32_t magic = in.read_u32("the magic number");
  if (magic != kChannelImagesMagic) {
    check_magic(magic, kImagesMagic, path,
                "IDX unsigned-byte images, 3 dimensions, or 0x00000804 with channels");
  }
  const std::uint32_t count = in.read_u32("the image count");
  const std::uint32_t rows = in.read_u32("the row count");
  const std::uint32_t cols = in.read_u32("the column count");
  const std::uint32_t channels =
      magic == kChannelImagesMagic ? in.read_u32("the channel count") : 1;
  if (count == 0 || count > kMaxDimension || rows == 0 || rows > 4096 || cols == 0 || cols > 4096 ||
      channels == 0 || channels > 4096) {
    throw IdxError(path + ": impossible dimensions " + std::to_string(count) + " x " +
                   std::to_string(rows) + " x " + std::to_string(cols) +
                   (magic == kChannelImagesMagic ? " x " + std::to_string(channels) : ""));
  }
  IdxImages im;
  im.count = static_cast<int>(take(count, max_count));
  im.file_count = static_cast<int>(count);
  im.rows = static_cast<int>(rows);
  im.cols = static_cast<int>(cols);
  im.channels = static_cast<int>(channels);
  const std::size_t per_image = std::size_t{rows} * cols * channels;
  im.pixels.resize(per_image * im.count);
  const std::string what =
      std::to_string(count) + " images of " + std::to_string(rows) + "x" + std::to_string(cols) +
      (channels > 1 ? "x" + std::to_string(channels) : std::string()) + " pixels";
  in.read(im.pixels.data(), im.pixels.size(), what);
  in.skip(per_image * (count - im.count), what);
  in.expect_end();
  return im;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path, long max_count) {
  GzReader in(path);
  check_magic(in.read_u32("the magic number"), kLabelsMagic, path,
              "IDX unsigned-byte labels, 1 dimension");
  const std::uint32_t count = in.read_u32("the label count");
  if (count == 0 || count > kMaxDimension) {
    throw IdxError(path + ": impossible label count " + std::to_string(count));
  }
  std::vector<std::uint8_t> labels(take(count, max_count));
  const std::string what = std::to_string(count) + " labels";
  in.read(labels.data(), labels.size(), what);
  in.skip(count - labels.size(), what);
  in.expect_end();
  return labels;
}

Dataset load_fashion_mnist(const std::string& dir, const std::string& split, long max_count) {
  const std::string images = dir + "/" + split + "-images-idx3-ubyte.gz";
  const std::string labels = dir + "/" + split + "-labels-idx1-ubyte.gz";
  Dataset d;
  d.images = read_idx_images(images, max_count);
  d.labels = read_idx_labels(labels, max_count);
  if (d.labels.size() != static_cast<std::size_t>(d.images.count)) {
    throw IdxError(labels + ": " + std::to_string(d.labels.size()) + " labels for " +
                   std::to_string(d.images.count) + " images in " + images);
  }
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    if (d.labels[i] > 9) {
      throw IdxError(labels + ": label " + std::to_string(i) + " is " +
                     std::to_string(d.labels[i]) + ", expected 0..9");
    }
  }
  return d;
}

}  // namespace fxsim::golden
