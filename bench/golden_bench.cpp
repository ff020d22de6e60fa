// golden_bench: the golden tensor quantizer (golden::quantize_raw, vectorized LibTorch ops) against
// fx::cast_array_from_double on the same 1M doubles, one thread, fixed<8,3,RND_CONV,SAT> and the
// wrap path fixed<8,3,RND,WRAP>. Both results are compared first (they must agree raw for raw).
// Prints, after the benchmarks:
//   RATE golden_quantize_raw_sat=... fx_cast_array_sat=... (elements/s)
//   RATIO golden_vs_fx_cast=N.NN   time(golden) / time(fx) for the SAT format: how many times
//                                  slower the tensor path is than fx's scalar-loop fast path
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "golden/torch/quantize.hpp"

namespace fx = fxsim::fx;

namespace {

constexpr size_t kNumValues = 1000000;

const std::vector<double>& inputs() {
  static const std::vector<double> v = [] {
    std::mt19937_64 rng(20241123);
    std::normal_distribution<double> normal(0.0, 2.0);
    std::vector<double> x(kNumValues);
    for (double& e : x) e = normal(rng);
    return x;
  }();
  return v;
}

const torch::Tensor& input_tensor() {
  static const torch::Tensor t = torch::tensor(inputs(), torch::kFloat64);
  return t;
}

fx::FxType sat_type() {
  return fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
}
fx::FxType wrap_type() {
  return fx::FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::WRAP);
}

void BM_golden_quantize_raw_sat(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(fxsim::golden::quantize_raw(input_tensor(), sat_type()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kNumValues));
}
void BM_fx_cast_array_sat(benchmark::State& state) {
  std::vector<int64_t> out(kNumValues);
  for (auto _ : state) {
    fx::cast_array_from_double(inputs().data(), kNumValues, out.data(), sat_type());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kNumValues));
}
void BM_golden_quantize_raw_wrap(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(fxsim::golden::quantize_raw(input_tensor(), wrap_type()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kNumValues));
}
void BM_fx_cast_array_wrap(benchmark::State& state) {
  std::vector<int64_t> out(kNumValues);
  for (auto _ : state) {
    fx::cast_array_from_double(inputs().data(), kNumValues, out.data(), wrap_type());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kNumValues));
}
BENCHMARK(BM_golden_quantize_raw_sat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fx_cast_array_sat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_golden_quantize_raw_wrap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fx_cast_array_wrap)->Unit(benchmark::kMillisecond);

size_t mismatches(const fx::FxType& t) {
  std::vector<int64_t> expected(kNumValues);
  fx::cast_array_from_double(inputs().data(), kNumValues, expected.data(), t);
  const torch::Tensor got = fxsim::golden::quantize_raw(input_tensor(), t).contiguous();
  size_t bad = 0;
  for (size_t i = 0; i < kNumValues; ++i) bad += got.data_ptr<int64_t>()[i] != expected[i];
  return bad;
}

// Keeps the fastest CPU time per element of each benchmark (the machine may be shared).
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.iterations == 0 || run.run_type != Run::RT_Iteration) continue;
      const double s = run.cpu_accumulated_time / static_cast<double>(run.iterations) / kNumValues;
      auto [it, inserted] = seconds_per_element_.emplace(run.run_name.function_name, s);
      if (!inserted) it->second = std::min(it->second, s);
    }
  }
  double rate(const std::string& name) const {
    const auto it = seconds_per_element_.find(name);
    return it == seconds_per_element_.end() ? 0.0 : 1.0 / it->second;
  }

 private:
  std::map<std::string, double> seconds_per_element_;
};

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(1);  // one thread: elements per second of one core
  const size_t bad = mismatches(sat_type()) + mismatches(wrap_type());
  fmt::print("check: {} values, golden vs fx: {}\n", kNumValues,
             bad == 0 ? std::string("identical") : fmt::format("{} MISMATCHES", bad));
  benchmark::Initialize(&argc, argv);
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const double g_sat = reporter.rate("BM_golden_quantize_raw_sat");
  const double f_sat = reporter.rate("BM_fx_cast_array_sat");
  const double g_wrap = reporter.rate("BM_golden_quantize_raw_wrap");
  const double f_wrap = reporter.rate("BM_fx_cast_array_wrap");
  fmt::print("RATE golden_quantize_raw_sat={:.3g} fx_cast_array_sat={:.3g} elements/s\n", g_sat,
             f_sat);
  fmt::print("RATE golden_quantize_raw_wrap={:.3g} fx_cast_array_wrap={:.3g} elements/s\n", g_wrap,
             f_wrap);
  if (g_sat > 0 && f_sat > 0) fmt::print("RATIO golden_vs_fx_cast={:.2f}\n", f_sat / g_sat);
  return bad == 0 ? 0 : 1;
}
