// fx_cast_bench: casting 1M doubles to fixed<8,3,RND_CONV,SAT> four ways:
//   fx_cast_array     fx::cast_array_from_double (the fxsim hot path)
//   sc_fixed          sc_dt::sc_fixed<8,3,SC_RND_CONV,SC_SAT> assignment per element
//   sc_fixed_fast     sc_dt::sc_fixed_fast<8,3,SC_RND_CONV,SC_SAT> assignment per element
//   plain_int8        std::nearbyint(x * 32) clamped to [-128, 127] into int8_t
// and, on the same inputs, K-hot quantization to khot<8,1,2> against the fx cast to the fixed
// format of the same W and I:
//   fx_cast_8_1         fx::cast_array_from_double to fixed<8,1,RND_CONV,SAT>
//   khot_codec          fx::KhotCodec::quantize of the array (the table path, two values a step)
//   khot_codec_scalar   fx::KhotCodec::quantize(double) called per element
//   khot_reference      fx::khot_quantize per element (the reference algorithm)
// The inputs are normal with sigma 2 (fixed seed), so about 4.7% of them saturate in fixed<8,3>
// (about 70% beyond the +-0.75 range of khot<8,1,2> and fixed<8,1>).
// Before timing, the four fixed<8,3> results are compared element by element, and the codec
// with the reference.
// After the benchmarks it prints one RATIO line per comparison:
//   RATIO fx_vs_sc_fixed=NN.N       time(sc_fixed) / time(fx): how many times faster fx is
//   RATIO fx_vs_sc_fixed_fast=NN.N  time(sc_fixed_fast) / time(fx)
//   RATIO fx_vs_plain_int=N.NN      time(fx) / time(plain int8): how many times slower fx is
//   RATIO khot_quantize_vs_fx_cast=N.NN         time(khot_codec) / time(fx_cast_8_1)
//   RATIO khot_quantize_scalar_vs_fx_cast=N.NN  time(khot_codec_scalar) / time(fx_cast_8_1)
//   RATIO khot_reference_vs_fx_cast=N.N         time(khot_reference) / time(fx_cast_8_1)
#define SC_INCLUDE_FX
#include <benchmark/benchmark.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <systemc>
#include <vector>

#include "fx/fx.hpp"

namespace fx = fxsim::fx;

namespace {

constexpr size_t kNumValues = 1000000;
constexpr uint64_t kSeed = 20241123;
constexpr double kSigma = 2.0;

using ScFixed = sc_dt::sc_fixed<8, 3, sc_dt::SC_RND_CONV, sc_dt::SC_SAT>;
using ScFixedFast = sc_dt::sc_fixed_fast<8, 3, sc_dt::SC_RND_CONV, sc_dt::SC_SAT>;

const fx::FxType& fx_type() {
  static const fx::FxType t =
      fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  return t;
}

const fx::FxType& fx_type_8_1() {
  static const fx::FxType t =
      fx::FxType::make_signed(8, 1, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  return t;
}

const fx::KhotCodec& khot_codec() {
  static const fx::KhotCodec codec(fx::KhotType::make(fx::KhotKind::KHOT, 8, 1, 2));
  return codec;
}

const std::vector<double>& inputs() {
  static const std::vector<double> values = [] {
    std::mt19937_64 rng(kSeed);
    std::normal_distribution<double> normal(0.0, kSigma);
    std::vector<double> v(kNumValues);
    for (double& x : v) x = normal(rng);
    return v;
  }();
  return values;
}

// ---- the four implementations, each over the whole array ------------------

void cast_fx(const std::vector<double>& in, int64_t* out) {
  fx::cast_array_from_double(in.data(), in.size(), out, fx_type());
}

void cast_sc_fixed(const std::vector<double>& in, double* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    const ScFixed v = in[i];
    out[i] = v.to_double();
  }
}

void cast_sc_fixed_fast(const std::vector<double>& in, double* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    const ScFixedFast v = in[i];
    out[i] = v.to_double();
  }
}

void cast_plain_int8(const std::vector<double>& in, int8_t* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    const double r = std::nearbyint(in[i] * 32.0);  // ties to even in the default FP mode
    out[i] = static_cast<int8_t>(std::clamp(r, -128.0, 127.0));
  }
}

// ---- K-hot quantization and the fx cast of the same W and I ------------------

void cast_fx_8_1(const std::vector<double>& in, int64_t* out) {
  fx::cast_array_from_double(in.data(), in.size(), out, fx_type_8_1());
}

void quantize_khot_codec(const std::vector<double>& in, int64_t* out) {
  khot_codec().quantize(in.data(), in.size(), out);
}

void quantize_khot_codec_scalar(const std::vector<double>& in, int64_t* out) {
  const fx::KhotCodec& codec = khot_codec();
  for (size_t i = 0; i < in.size(); ++i) out[i] = codec.quantize(in[i]);
}

void quantize_khot_reference(const std::vector<double>& in, int64_t* out) {
  const fx::KhotType& t = khot_codec().type();
  for (size_t i = 0; i < in.size(); ++i) out[i] = fx::khot_quantize(in[i], t);
}

// ---- benchmarks --------------------------------------------------------------

void BM_fx_cast_array(benchmark::State& state) {
  const std::vector<double>& in = inputs();
  std::vector<int64_t> out(in.size());
  for (auto _ : state) {
    cast_fx(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

void BM_sc_fixed(benchmark::State& state) {
  const std::vector<double>& in = inputs();
  std::vector<double> out(in.size());
  for (auto _ : state) {
    cast_sc_fixed(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

void BM_sc_fixed_fast(benchmark::State& state) {
  const std::vector<double>& in = inputs();
  std::vector<double> out(in.size());
  for (auto _ : state) {
    cast_sc_fixed_fast(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

void BM_plain_int8(benchmark::State& state) {
  const std::vector<double>& in = inputs();
  std::vector<int8_t> out(in.size());
  for (auto _ : state) {
    cast_plain_int8(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

// One benchmark per int64_t-output array function.
template <void (*Run)(const std::vector<double>&, int64_t*)>
void BM_int64_array(benchmark::State& state) {
  const std::vector<double>& in = inputs();
  std::vector<int64_t> out(in.size());
  for (auto _ : state) {
    Run(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

void BM_fx_cast_8_1(benchmark::State& state) { BM_int64_array<cast_fx_8_1>(state); }
void BM_khot_codec(benchmark::State& state) { BM_int64_array<quantize_khot_codec>(state); }
void BM_khot_codec_scalar(benchmark::State& state) {
  BM_int64_array<quantize_khot_codec_scalar>(state);
}
void BM_khot_reference(benchmark::State& state) { BM_int64_array<quantize_khot_reference>(state); }

BENCHMARK(BM_fx_cast_array)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sc_fixed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sc_fixed_fast)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_plain_int8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fx_cast_8_1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_khot_codec)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_khot_codec_scalar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_khot_reference)->Unit(benchmark::kMillisecond);

// ---- agreement check -----------------------------------------------------------

// All four must give the same raw values; returns the number of mismatches.
size_t check_agreement() {
  const std::vector<double>& in = inputs();
  std::vector<int64_t> fx_out(in.size());
  std::vector<double> sc_out(in.size()), sc_fast_out(in.size());
  std::vector<int8_t> int_out(in.size());
  cast_fx(in, fx_out.data());
  cast_sc_fixed(in, sc_out.data());
  cast_sc_fixed_fast(in, sc_fast_out.data());
  cast_plain_int8(in, int_out.data());
  size_t mismatches = 0, saturated = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const int64_t sc_raw = static_cast<int64_t>(sc_out[i] * 32.0);
    const int64_t sc_fast_raw = static_cast<int64_t>(sc_fast_out[i] * 32.0);
    saturated += (int_out[i] == -128 || int_out[i] == 127);
    if (fx_out[i] != sc_raw || fx_out[i] != sc_fast_raw || fx_out[i] != int_out[i]) {
      if (++mismatches <= 5) {
        fmt::print(stderr, "MISMATCH x={:.17g}: fx {} sc_fixed {} sc_fixed_fast {} int8 {}\n",
                   in[i], fx_out[i], sc_raw, sc_fast_raw, int_out[i]);
      }
    }
  }
  fmt::print("check: {} values (normal, sigma {}, seed {}), {} at the range limits: {}\n",
             in.size(), kSigma, kSeed, saturated,
             mismatches == 0 ? std::string("fx == sc_fixed == sc_fixed_fast == plain int8")
                             : fmt::format("{} MISMATCHES", mismatches));
  return mismatches;
}

// Both codec paths must give the reference's values; returns the number of mismatches.
size_t check_khot_agreement() {
  const std::vector<double>& in = inputs();
  std::vector<int64_t> codec_out(in.size()), scalar_out(in.size()), reference_out(in.size());
  quantize_khot_codec(in, codec_out.data());
  quantize_khot_codec_scalar(in, scalar_out.data());
  quantize_khot_reference(in, reference_out.data());
  size_t mismatches = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if ((codec_out[i] != reference_out[i] || scalar_out[i] != reference_out[i]) &&
        ++mismatches <= 5) {
      fmt::print(stderr, "MISMATCH x={:.17g}: KhotCodec {} (scalar {}) khot_quantize {}\n", in[i],
                 codec_out[i], scalar_out[i], reference_out[i]);
    }
  }
  fmt::print("check: {} on the same values: {}\n", khot_codec().type().str(),
             mismatches == 0 ? std::string("KhotCodec == khot_quantize")
                             : fmt::format("{} MISMATCHES", mismatches));
  return mismatches;
}

// ---- reporter that keeps the time per element of each benchmark -------------

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.iterations == 0) continue;
      const double ns_per_element =
          run.cpu_accumulated_time / static_cast<double>(run.iterations) * 1e9 / kNumValues;
      const std::string& name = run.run_name.function_name;
      if (run.run_type == Run::RT_Iteration) {
        // Keep the fastest repetition.
        auto [it, inserted] = fastest_.emplace(name, ns_per_element);
        if (!inserted) it->second = std::min(it->second, ns_per_element);
      } else if (run.aggregate_name == "median") {
        // Only aggregates are reported with --benchmark_report_aggregates_only.
        median_[name] = run.GetAdjustedCPUTime() * time_unit_ns(run.time_unit) / kNumValues;
      }
    }
  }

  // Time per element in ns, or a negative number if the benchmark did not run.
  double ns_per_element(const std::string& name) const {
    if (const auto it = fastest_.find(name); it != fastest_.end()) return it->second;
    if (const auto it = median_.find(name); it != median_.end()) return it->second;
    return -1.0;
  }

 private:
  static double time_unit_ns(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kNanosecond:
        return 1.0;
      case benchmark::kMicrosecond:
        return 1e3;
      case benchmark::kMillisecond:
        return 1e6;
      case benchmark::kSecond:
        return 1e9;
    }
    return 1.0;
  }

  std::map<std::string, double> fastest_;
  std::map<std::string, double> median_;
};

}  // namespace

int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const size_t mismatches = check_agreement() + check_khot_agreement();

  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const double fx = reporter.ns_per_element("BM_fx_cast_array");
  const double sc = reporter.ns_per_element("BM_sc_fixed");
  const double sc_fast = reporter.ns_per_element("BM_sc_fixed_fast");
  const double plain = reporter.ns_per_element("BM_plain_int8");
  if (fx > 0) {
    fmt::print("ns/element: fx {:.2f}", fx);
    if (sc > 0) fmt::print(", sc_fixed {:.2f}", sc);
    if (sc_fast > 0) fmt::print(", sc_fixed_fast {:.2f}", sc_fast);
    if (plain > 0) fmt::print(", plain int8 {:.2f}", plain);
    fmt::print("\n");
    if (sc > 0) fmt::print("RATIO fx_vs_sc_fixed={:.1f}\n", sc / fx);
    if (sc_fast > 0) fmt::print("RATIO fx_vs_sc_fixed_fast={:.1f}\n", sc_fast / fx);
    if (plain > 0) fmt::print("RATIO fx_vs_plain_int={:.2f}\n", fx / plain);
  }
  const double fx_8_1 = reporter.ns_per_element("BM_fx_cast_8_1");
  const double khot = reporter.ns_per_element("BM_khot_codec");
  const double khot_scalar = reporter.ns_per_element("BM_khot_codec_scalar");
  const double khot_ref = reporter.ns_per_element("BM_khot_reference");
  if (fx_8_1 > 0) {
    fmt::print("ns/element: fx fixed<8,1> {:.2f}", fx_8_1);
    if (khot > 0) fmt::print(", khot<8,1,2> codec {:.2f}", khot);
    if (khot_scalar > 0) fmt::print(", codec per element {:.2f}", khot_scalar);
    if (khot_ref > 0) fmt::print(", reference {:.2f}", khot_ref);
    fmt::print("\n");
    if (khot > 0) fmt::print("RATIO khot_quantize_vs_fx_cast={:.2f}\n", khot / fx_8_1);
    if (khot_scalar > 0) {
      fmt::print("RATIO khot_quantize_scalar_vs_fx_cast={:.2f}\n", khot_scalar / fx_8_1);
    }
    if (khot_ref > 0) fmt::print("RATIO khot_reference_vs_fx_cast={:.1f}\n", khot_ref / fx_8_1);
  }
  return mismatches == 0 ? 0 : 1;
}

// libsystemc.so defines main() and calls sc_main(); this binary has its own
// main() and never starts the simulation kernel, but the link needs the symbol.
int sc_main(int, char**) { return 0; }
