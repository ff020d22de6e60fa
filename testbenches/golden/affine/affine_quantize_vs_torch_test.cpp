// fx::quantize / fx::dequantize against PyTorch's torch.quantize_per_tensor /
// quantize_per_channel and dequantize() (Debian's python3-torch, through the fixture
// affine_vectors): exact ties, near-ties, +-inf, NaN, huge values, quint8 / qint8 / qint32,
// per tensor and per channel. Every integer and every float bit must match.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "affine_vectors.hpp"
#include "fx/affine.hpp"

namespace fx = fxsim::fx;
using fxsim::affine_test::QuantizeRecord;
using fxsim::affine_test::read_quantize_records;

namespace {

fx::AffineInt format_of(std::uint32_t dtype) {
  switch (dtype) {
    case 0:
      return {false, 8};
    case 1:
      return {true, 8};
    default:
      return {true, 32};
  }
}

fx::AffineType type_of(const QuantizeRecord& r, int axis) {
  if (!r.per_channel) {
    return {format_of(r.dtype), fx::AffineParams::per_tensor(r.scales[0], r.zero_points[0])};
  }
  return {format_of(r.dtype), fx::AffineParams::per_channel(r.scales, r.zero_points, axis)};
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

const std::vector<QuantizeRecord>& records() {
  static const std::vector<QuantizeRecord> r =
      read_quantize_records(std::string(FXSIM_AFFINE_VECTORS_DIR) + "/affine_quantize.bin");
  return r;
}

TEST(AffineQuantizeVsTorch, EveryValueRawForRaw) {
  std::size_t values = 0, mismatches = 0, records_per_channel = 0, wrapped = 0;
  for (const QuantizeRecord& r : records()) {
    const fx::AffineType type = type_of(r, 0);
    const std::vector<std::size_t> shape{r.channels, r.length};
    const std::vector<std::int64_t> q = fx::quantize(r.x, shape, type);
    const std::vector<std::int64_t> torch_q(r.q.begin(), r.q.end());
    const std::vector<float> d = fx::dequantize(torch_q, shape, type);
    for (std::size_t i = 0; i < q.size(); ++i) {
      const std::int64_t difference = torch_q[i] - r.zero_points[i / r.length];
      if (difference < INT32_MIN || difference > INT32_MAX) {
        // PyTorch's qint32 dequantize computes q - zero_point in int32 and wraps; fxsim keeps
        // the exact difference. Only the integers are compared here.
        ++wrapped;
        const float wrapped_difference = static_cast<float>(static_cast<std::int32_t>(
            static_cast<std::uint32_t>(static_cast<std::uint64_t>(difference))));
        EXPECT_TRUE(same_bits(wrapped_difference * r.scales[0], r.dequantized[i]));
        EXPECT_EQ(q[i], r.q[i]);
        continue;
      }
      if (q[i] != r.q[i] || !same_bits(d[i], r.dequantized[i])) {
        if (++mismatches <= 10) {
          ADD_FAILURE() << type.str() << " scale " << r.scales[i / r.length] << " zero point "
                        << r.zero_points[i / r.length] << " x " << r.x[i] << ": fxsim " << q[i]
                        << " / " << d[i] << ", PyTorch " << r.q[i] << " / " << r.dequantized[i];
        }
      }
    }
    values += q.size();
    records_per_channel += r.per_channel;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(values, 1000000u);
  EXPECT_GT(records_per_channel, 10u);
  EXPECT_GT(wrapped, 0u);
  std::printf(
      "quantize vs PyTorch: %zu values (%zu records) raw for raw; dequantize bit for bit "
      "except %zu qint32 values whose q - zero_point PyTorch wraps in int32\n",
      values, records().size(), wrapped);
}

// The same per-channel records with the channel on the last axis: the tensor transposed.
TEST(AffineQuantizeVsTorch, ChannelOnTheLastAxis) {
  for (const QuantizeRecord& r : records()) {
    if (!r.per_channel) continue;
    std::vector<float> xt(r.x.size());
    for (std::size_t c = 0; c < r.channels; ++c) {
      for (std::size_t i = 0; i < r.length; ++i) xt[i * r.channels + c] = r.x[c * r.length + i];
    }
    const std::vector<std::int64_t> q = fx::quantize(xt, {r.length, r.channels}, type_of(r, 1));
    for (std::size_t c = 0; c < r.channels; ++c) {
      for (std::size_t i = 0; i < r.length; ++i) {
        ASSERT_EQ(q[i * r.channels + c], r.q[c * r.length + i])
            << "channel " << c << " value " << i;
      }
    }
  }
}

}  // namespace
