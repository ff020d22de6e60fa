// The packing of beats into port images (tlm/rtl/verilated/port_image.hpp): or_lanes, the
// transactor's fast path, writes exactly the bits of or_field lane by lane, for every lane width
// (both sides of its 32-bit switch), lane count and sign, into words that already hold other
// fields.
#include "tlm/rtl/verilated/port_image.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace fxsim::engine_test {
namespace {

TEST(PortImage, OrLanesEqualsOrFieldPerLane) {
  std::mt19937_64 rng(5);
  for (int width = 1; width <= 64; ++width) {
    for (int count = 0; count <= 9; ++count) {
      std::vector<std::int64_t> values(count);
      for (std::int64_t& v : values) v = static_cast<std::int64_t>(rng());  // any sign, any bits
      const int words = verilated::port_words(count * width + 40);
      // A field past the lanes already set: both must keep it.
      std::vector<std::uint32_t> want(words, 0), got(words, 0);
      verilated::or_field(want.data(), count * width + 3, 37, 0x1234567891ull);
      got = want;
      for (int l = 0; l < count; ++l) {
        verilated::or_field(want.data(), l * width, width, static_cast<std::uint64_t>(values[l]));
      }
      verilated::or_lanes(got.data(), values.data(), count, width);
      EXPECT_EQ(got, want) << "width " << width << ", " << count << " lanes";
    }
  }
}

}  // namespace
}  // namespace fxsim::engine_test
