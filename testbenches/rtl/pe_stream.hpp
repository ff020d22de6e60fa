// Shared by the fx_mac_pe and khot_pe suites: dot products cut into SIMD-lane beats (unused lanes
// of the last beat are zero, as the contract says), driven through run_stream.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

#include "fx/cast.hpp"
#include "models/units/fx_acc_out/fx_acc_out.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/stream_check.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fxsim::units {
inline std::ostream& operator<<(std::ostream& os, const PeResult& r) {
  return os << "{data " << r.data << ", overflow " << r.overflow << "}";
}
}  // namespace fxsim::units

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

inline StreamReport run_pe(Dut& m, const std::vector<PeBeat>& beats,
                           const std::vector<units::PeResult>& expected, const StreamOptions& opt,
                           int a_w, int w_word_w, const fx::FxType& out) {
  return run_stream(
      m, beats, expected, opt,
      [&](Dut& mm, const PeBeat& b) {
        for (std::size_t l = 0; l < b.a.size(); ++l) {
          put_bits(mm.in_a, static_cast<int>(l) * a_w, a_w, b.a[l]);
          put_bits(mm.in_w, static_cast<int>(l) * w_word_w, w_word_w, b.w[l]);
        }
        mm.in_start = b.start;
        mm.in_last = b.last;
      },
      [](const PeBeat& b) { return b.last; },
      [&](const Dut& mm) {
        return units::PeResult{
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

// What the fx reference of the random suites saw: the corners that matter.
struct PeCoverage {
  std::uint64_t acc_overflows = 0, out_ties = 0, out_overflows = 0;
};

// fx directly, for either PE: exact beat sums of a * weight_value(word) (__int128), the
// accumulator's wrap/saturation after every beat (fx::cast_from_raw), then the output format.
template <typename Config, typename WeightValue>
units::PeResult fx_pe_reference(const Config& c, const PeDot& d, WeightValue weight_value,
                                PeCoverage* cov) {
  std::int64_t acc = 0;
  for (std::size_t i = 0; i < d.a.size(); i += c.simd) {
    __int128 s = i == 0 ? 0 : acc;
    for (std::size_t l = i; l < std::min(d.a.size(), i + c.simd); ++l) {
      s += static_cast<__int128>(d.a[l]) * weight_value(d.w_words[l]);
    }
    fx::CastFlags f;
    acc = fx::cast_from_raw(static_cast<std::int64_t>(s), c.product_frac(), c.acc, &f);
    cov->acc_overflows += f.overflow;
  }
  fx::CastFlags f;
  units::PeResult r;
  r.data = fx::cast_from_raw(acc, c.product_frac(), c.out, &f);
  r.data = perturb_on_tie(r.data, f.tie);  // a separate statement: f is set by the cast
  r.overflow = f.overflow;
  cov->out_ties += f.tie;
  cov->out_overflows += f.overflow;
  return r;
}

struct RandomPeReport {
  std::uint64_t arith_mismatches = 0, rtl_mismatches = 0;
  PeCoverage cov;
};

// The random suite of either PE: vectors_per_variant() dots in chunks of 20,000, each drawn by
// draw(rng), its expected result from fx_pe_reference, checked against arith_result(dot)
// (models/units; the first 3 differences reported), then every chunk streamed through the
// Verilated unit m under the next stall pattern of stall_patterns().
template <typename Config, typename Draw, typename WeightValue, typename Arith>
RandomPeReport random_pe_suite(Dut& m, const Config& c, std::uint64_t seed, int w_word_w, Draw draw,
                               WeightValue weight_value, Arith arith_result) {
  std::mt19937_64 rng(seed);
  const std::uint64_t total = vectors_per_variant();
  RandomPeReport report;
  std::uint64_t done = 0, run = 0;
  while (done < total) {
    const std::uint64_t n = std::min<std::uint64_t>(20000, total - done);
    std::vector<PeDot> dots;
    std::vector<units::PeResult> expected;
    for (std::uint64_t i = 0; i < n; ++i) {
      dots.push_back(draw(rng));
      const units::PeResult want = fx_pe_reference(c, dots.back(), weight_value, &report.cov);
      const units::PeResult a = arith_result(dots.back());
      if (!(a.data == want.data && a.overflow == want.overflow) && report.arith_mismatches++ < 3) {
        ADD_FAILURE() << "arith " << a << " vs fx " << want;
      }
      expected.push_back(want);
    }
    const auto& [pv, pr] = stall_patterns()[run % stall_patterns().size()];
    const StreamOptions opt{c.stages, pv, pr, rng()};
    const StreamReport rep =
        run_pe(m, to_beats(dots, c.simd), expected, opt, c.a.width, w_word_w, c.out);
    report.rtl_mismatches += rep.mismatches;
    EXPECT_EQ(rep.results, n);
    done += n;
    ++run;
  }
  return report;
}

}  // namespace fxsim::rtl_test
