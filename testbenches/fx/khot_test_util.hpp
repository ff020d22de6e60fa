// What the K-hot tests (khot_test.cpp) and the SPT tests (spt_test.cpp) share: the largest
// magnitude of a K-hot-family type worked out from its definition, independently of
// fx::KhotType::max_magnitude, which both suites check against it.
#pragma once

#include <cstdint>

#include "fx/khot.hpp"

namespace fxtest {

// By hand from the definition: the K top bits of the magnitude bits.
inline uint64_t hand_max_magnitude(const fxsim::fx::KhotType& t) {
  const int mb = t.kind == fxsim::fx::KhotKind::UKHOT ? t.width : t.width - 1;
  const uint64_t all = mb == 64 ? ~uint64_t{0} : (uint64_t{1} << mb) - 1;
  const uint64_t low = mb - t.k == 64 ? ~uint64_t{0} : (uint64_t{1} << (mb - t.k)) - 1;
  return all & ~low;
}

}  // namespace fxtest
