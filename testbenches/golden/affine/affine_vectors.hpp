// Readers of the files make_affine_vectors.py and make_affine_conv_vectors.py write (their
// docstrings have the layouts): PyTorch's quantized dense layers, its quantize / dequantize
// vectors and its quantized 2-D convolutions. Header only, test code.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace fxsim::affine_test {

class ByteReader {
 public:
  explicit ByteReader(const std::string& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open (run the fixtures affine.make_*)");
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  void expect_magic(const char (&magic)[9]) {
    if (take(8) != std::string(magic, 8)) throw std::runtime_error(path_ + ": not a " + magic);
  }

  template <class T>
  T value() {
    T v;
    std::memcpy(&v, need(sizeof(T)), sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  template <class T>
  std::vector<T> values(std::size_t n) {
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), need(n * sizeof(T)), n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }

  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  const char* need(std::size_t n) const {
    if (pos_ + n > bytes_.size()) throw std::runtime_error(path_ + ": truncated");
    return bytes_.data() + pos_;
  }
  std::string take(std::size_t n) {
    std::string s(need(n), n);
    pos_ += n;
    return s;
  }

  std::string path_;
  std::vector<char> bytes_;
  std::size_t pos_ = 0;
};

// One torch.ops.quantized.linear call.
struct LinearCase {
  std::uint32_t batch = 0, in = 0, out = 0;
  bool per_channel = false, has_bias = false, has_onednn = false;
  float sx = 0, sy = 0;
  std::int32_t zx = 0, zy = 0;
  std::vector<float> sw;
  std::vector<std::int32_t> zw;
  std::vector<float> bias;
  std::vector<std::uint8_t> qx;
  std::vector<std::int8_t> qw;
  std::vector<std::uint8_t> y_qnnpack, y_onednn;
};

inline std::vector<LinearCase> read_linear_cases(const std::string& path) {
  ByteReader r(path);
  r.expect_magic("FXAFLIN1");
  const auto count = r.value<std::uint32_t>();
  std::vector<LinearCase> cases(count);
  for (LinearCase& c : cases) {
    c.batch = r.value<std::uint32_t>();
    c.in = r.value<std::uint32_t>();
    c.out = r.value<std::uint32_t>();
    const auto flags = r.value<std::uint32_t>();
    c.per_channel = flags & 1;
    c.has_bias = flags & 2;
    c.has_onednn = flags & 4;
    c.sx = r.value<float>();
    c.zx = r.value<std::int32_t>();
    c.sy = r.value<float>();
    c.zy = r.value<std::int32_t>();
    c.sw = r.values<float>(c.out);
    c.zw = r.values<std::int32_t>(c.out);
    if (c.has_bias) c.bias = r.values<float>(c.out);
    c.qx = r.values<std::uint8_t>(std::size_t{c.batch} * c.in);
    c.qw = r.values<std::int8_t>(std::size_t{c.out} * c.in);
    c.y_qnnpack = r.values<std::uint8_t>(std::size_t{c.batch} * c.out);
    if (c.has_onednn) c.y_onednn = r.values<std::uint8_t>(std::size_t{c.batch} * c.out);
  }
  if (!r.at_end()) throw std::runtime_error(path + ": bytes after the last case");
  return cases;
}

// One torch.ops.quantized.conv2d (or conv2d_relu) call. The 8-bit integers (quint8 or qint8
// by `signed_activations`) are held as int32.
struct ConvCase {
  std::uint32_t batch = 0, channels = 0, height = 0, width = 0, out_channels = 0, kernel = 0,
                stride = 0, padding = 0;
  bool per_channel = false, has_bias = false, has_onednn = false, signed_activations = false,
       relu = false, has_fbgemm = false;
  float sx = 0, sy = 0;
  std::int32_t zx = 0, zy = 0;
  std::vector<float> sw;
  std::vector<std::int32_t> zw;
  std::vector<float> bias;
  std::vector<std::int32_t> qx;                             // N x C x H x W
  std::vector<std::int8_t> qw;                              // O x C x K x K
  std::vector<std::int32_t> y_qnnpack, y_onednn, y_fbgemm;  // N x O x OH x OW

  std::uint32_t out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  std::uint32_t out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
};

inline std::vector<std::int32_t> read_bytes_as_int(ByteReader& r, bool is_signed, std::size_t n) {
  std::vector<std::int32_t> v;
  if (is_signed) {
    const std::vector<std::int8_t> b = r.values<std::int8_t>(n);
    v.assign(b.begin(), b.end());
  } else {
    const std::vector<std::uint8_t> b = r.values<std::uint8_t>(n);
    v.assign(b.begin(), b.end());
  }
  return v;
}

inline std::vector<ConvCase> read_conv_cases(const std::string& path) {
  ByteReader r(path);
  r.expect_magic("FXAFCNV1");
  const auto count = r.value<std::uint32_t>();
  std::vector<ConvCase> cases(count);
  for (ConvCase& c : cases) {
    c.batch = r.value<std::uint32_t>();
    c.channels = r.value<std::uint32_t>();
    c.height = r.value<std::uint32_t>();
    c.width = r.value<std::uint32_t>();
    c.out_channels = r.value<std::uint32_t>();
    c.kernel = r.value<std::uint32_t>();
    c.stride = r.value<std::uint32_t>();
    c.padding = r.value<std::uint32_t>();
    const auto flags = r.value<std::uint32_t>();
    c.per_channel = flags & 1;
    c.has_bias = flags & 2;
    c.has_onednn = flags & 4;
    c.signed_activations = flags & 8;
    c.relu = flags & 16;
    c.has_fbgemm = flags & 32;
    c.sx = r.value<float>();
    c.zx = r.value<std::int32_t>();
    c.sy = r.value<float>();
    c.zy = r.value<std::int32_t>();
    c.sw = r.values<float>(c.out_channels);
    c.zw = r.values<std::int32_t>(c.out_channels);
    if (c.has_bias) c.bias = r.values<float>(c.out_channels);
    const std::size_t k2 = std::size_t{c.kernel} * c.kernel;
    c.qx = read_bytes_as_int(r, c.signed_activations,
                             std::size_t{c.batch} * c.channels * c.height * c.width);
    c.qw = r.values<std::int8_t>(std::size_t{c.out_channels} * c.channels * k2);
    const std::size_t outputs =
        std::size_t{c.batch} * c.out_channels * c.out_height() * c.out_width();
    c.y_qnnpack = read_bytes_as_int(r, c.signed_activations, outputs);
    if (c.has_onednn) c.y_onednn = read_bytes_as_int(r, c.signed_activations, outputs);
    if (c.has_fbgemm) c.y_fbgemm = read_bytes_as_int(r, c.signed_activations, outputs);
  }
  if (!r.at_end()) throw std::runtime_error(path + ": bytes after the last case");
  return cases;
}

// One torch.quantize_per_tensor / quantize_per_channel (axis 0) call and its dequantize().
struct QuantizeRecord {
  std::uint32_t dtype = 0;  // 0 quint8, 1 qint8, 2 qint32
  bool per_channel = false;
  std::uint32_t channels = 0, length = 0;
  std::vector<float> scales;
  std::vector<std::int32_t> zero_points;
  std::vector<float> x;
  std::vector<std::int32_t> q;
  std::vector<float> dequantized;
};

inline std::vector<QuantizeRecord> read_quantize_records(const std::string& path) {
  ByteReader r(path);
  r.expect_magic("FXAFQNT1");
  const auto count = r.value<std::uint32_t>();
  std::vector<QuantizeRecord> records(count);
  for (QuantizeRecord& q : records) {
    q.dtype = r.value<std::uint32_t>();
    q.per_channel = r.value<std::uint32_t>() != 0;
    q.channels = r.value<std::uint32_t>();
    q.length = r.value<std::uint32_t>();
    q.scales = r.values<float>(q.channels);
    q.zero_points = r.values<std::int32_t>(q.channels);
    const std::size_t n = std::size_t{q.channels} * q.length;
    q.x = r.values<float>(n);
    q.q = r.values<std::int32_t>(n);
    q.dequantized = r.values<float>(n);
  }
  if (!r.at_end()) throw std::runtime_error(path + ": bytes after the last record");
  return records;
}

}  // namespace fxsim::affine_test
