// Shared by the fx_mac_pe and khot_pe suites: dot products cut into SIMD-lane beats (unused lanes
// of the last beat are zero, as the contract says), driven through run_stream.
#pragma once

#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

#include "models/arith/unit_arith.hpp"
#include "port_bits.hpp"
#include "stream_check.hpp"

namespace fxsim::arith {
inline std::ostream& operator<<(std::ostream& os, const PeResult& r) {
  return os << "{data " << r.data << ", overflow " << r.overflow << "}";
}
}  // namespace fxsim::arith

namespace fxsim::rtl_test {

// One dot product: activation raws and, per lane, the weight's port word (a W_W-bit raw for
// fx_mac_pe, K packed {en, neg, shift} terms for khot_pe).
struct PeDot {
  std::vector<std::int64_t> a;
  std::vector<std::uint64_t> w_words;
};

struct PeBeat {
  std::vector<std::uint64_t> a, w;
  bool start = false, last = false;
};

inline std::vector<PeBeat> to_beats(const std::vector<PeDot>& dots, int simd) {
  std::vector<PeBeat> beats;
  for (const PeDot& d : dots) {
    for (std::size_t i = 0; i < d.a.size(); i += simd) {
      PeBeat b;
      b.a.assign(simd, 0);
      b.w.assign(simd, 0);
      for (int l = 0; l < simd && i + l < d.a.size(); ++l) {
        b.a[l] = static_cast<std::uint64_t>(d.a[i + l]);
        b.w[l] = d.w_words[i + l];
      }
      b.start = i == 0;
      b.last = i + simd >= d.a.size();
      beats.push_back(std::move(b));
    }
  }
  return beats;
}

template <typename M>
StreamReport run_pe(M& m, const std::vector<PeBeat>& beats,
                    const std::vector<arith::PeResult>& expected, const StreamOptions& opt, int a_w,
                    int w_word_w, const fx::FxType& out) {
  return run_stream(
      m, beats, expected, opt,
      [&](M& mm, const PeBeat& b) {
        for (std::size_t l = 0; l < b.a.size(); ++l) {
          put_bits(mm.in_a, static_cast<int>(l) * a_w, a_w, b.a[l]);
          put_bits(mm.in_w, static_cast<int>(l) * w_word_w, w_word_w, b.w[l]);
        }
        mm.in_start = b.start;
        mm.in_last = b.last;
      },
      [](const PeBeat& b) { return b.last; },
      [&](const M& mm) {
        return arith::PeResult{
            to_raw(get_bits(mm.out_data, 0, out.width), out.width, out.is_signed),
            mm.out_overflow != 0};
      });
}

// A raw of format t: mostly uniform, often an extreme (min / max) or zero.
inline std::int64_t random_raw(std::mt19937_64& rng, const fx::FxType& t) {
  const std::uint64_t pick = rng() % 20;
  if (pick == 0) return t.raw_min();
  if (pick == 1) return t.raw_max();
  if (pick == 2) return 0;
  std::uniform_int_distribution<std::int64_t> d(t.raw_min(), t.raw_max());
  return d(rng);
}

// Stall patterns the random suites cycle through: (p_valid, p_ready).
inline const std::vector<std::pair<double, double>>& stall_patterns() {
  static const std::vector<std::pair<double, double>> p = {
      {1.0, 1.0}, {0.7, 1.0}, {1.0, 0.6}, {0.5, 0.5}, {0.9, 0.3}};
  return p;
}

}  // namespace fxsim::rtl_test
