// verify_bench: images per second of `fxsim verify` (testbenches/env/) on a 784-256-128-10 model
// with batch norm (random 8-bit weights, K-hot BN scales on the hidden layers), model and RTL
// backends, against the plain models/units reference (golden::reference_forward) on the same
// images, all measured side by side in this one run:
//   RATE verify_model_images_per_s=...  RATE verify_rtl_images_per_s=...  (one job per core,
//   as `fxsim verify` runs by default)   RATE verify_rtl_one_job_images_per_s=...
//   RATE reference_images_per_s=...     RATIO verify_model_vs_reference=...
// Usage: verify_bench [MODEL_IMAGES [RTL_IMAGES]]   (defaults 2000 and 400)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fx/khot.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/quant_network.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fx = fxsim::fx;

extern "C" int sc_main(int, char**) { return 1; }  // libsystemc's main is not used

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

std::int64_t draw(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

fxsim::golden::DenseLayer dense(std::mt19937_64& rng, const std::string& name, int in, int out,
                                const FxType& input, bool khot_bn, bool last) {
  fxsim::golden::DenseLayer l;
  l.name = name;
  l.in_features = in;
  l.out_features = out;
  l.simd = 8;
  l.input_type = input;
  l.weight_type = FxType::make_signed(8, 0, Rounding::RND_CONV, Overflow::SAT);
  l.acc_type = FxType::make_signed(32, 32 - input.frac_bits() - 8, Rounding::TRN, Overflow::SAT);
  l.out_type = FxType::make_signed(16, 6, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < in * out; ++i) l.weight_raw.push_back(draw(rng, -24, 24));
  fxsim::golden::BnActLayer b;
  if (khot_bn) {
    b.scale_type = fx::parse_khot_type("khot<8,3,2>");
  } else {
    b.scale_type = FxType::make_signed(8, 3);
  }
  b.bias_type = FxType::make_signed(8, 3);
  b.out_type = last ? FxType::make_signed(16, 6, Rounding::RND_CONV, Overflow::SAT)
                    : FxType::make_unsigned(8, 3, Rounding::RND_CONV, Overflow::SAT);
  b.act = last ? fxsim::units::Activation::NONE : fxsim::units::Activation::RELU;
  for (int o = 0; o < out; ++o) {
    b.scale_raw.push_back((std::int64_t{1} << (2 + rng() % 3)) + (std::int64_t{1} << (rng() % 2)));
    b.bias_raw.push_back(draw(rng, -64, 64));
  }
  l.bn = b;
  return l;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int model_images = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int rtl_images = argc > 2 ? std::atoi(argv[2]) : 400;
  const int images = std::max(model_images, rtl_images);
  std::mt19937_64 rng(11);

  fxsim::golden::ModelFile file;
  fxsim::golden::QuantNetwork& m = file.model;
  m.input_type = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  m.layers.push_back(dense(rng, "fc1", 784, 256, m.input_type, true, false));
  m.layers.push_back(dense(rng, "fc2", 256, 128, m.layers[0].output_type(), true, false));
  m.layers.push_back(dense(rng, "fc3", 128, 10, m.layers[1].output_type(), false, true));
  fxsim::golden::validate(m);

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("fxsim_verify_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::int64_t> pixels;
  fxsim::golden::IdxImages idx{images, 28, 28, {}};
  for (int i = 0; i < images * 784; ++i) {
    pixels.push_back(draw(rng, 0, 255));
    idx.pixels.push_back(static_cast<std::uint8_t>(pixels.back()));
  }
  fxsim::golden::write_idx_images((dir / "images.idx").string(), idx);

  // The golden logits from the plain reference, timed: the baseline of the ratio.
  fxsim::golden::GoldenResults g;
  g.images = (dir / "images.idx").string();
  g.count = images;
  const auto t_ref = std::chrono::steady_clock::now();
  for (int i = 0; i < images; ++i) {
    const std::vector<std::int64_t> in(pixels.begin() + i * 784, pixels.begin() + (i + 1) * 784);
    const std::vector<std::int64_t> logits = fxsim::golden::reference_forward(m, in);
    g.logits.insert(g.logits.end(), logits.begin(), logits.end());
    g.labels.push_back(static_cast<std::int64_t>(i % 10));
  }
  const double reference_rate = images / seconds_since(t_ref);
  file.golden = g;

  // As `fxsim verify` runs by default: one worker per core.
  const int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  fxsim::env::VerifyOptions o;
  o.images = model_images;
  o.jobs = jobs;
  const fxsim::env::VerifyReport model = fxsim::env::verify_model(file, "bench", o);
  o.backend = fxsim::env::BackendKind::RTL;
  o.images = rtl_images;
  o.batch = 100;
  // The first rtl run may build its variants on demand: warm up on one image, then measure.
  fxsim::env::VerifyOptions warm = o;
  warm.images = 1;
  fxsim::env::verify_model(file, "bench", warm);
  const fxsim::env::VerifyReport rtl = fxsim::env::verify_model(file, "bench", o);
  fxsim::env::VerifyOptions one = o;
  one.jobs = 1;
  const fxsim::env::VerifyReport rtl_one = fxsim::env::verify_model(file, "bench", one);
  std::filesystem::remove_all(dir);

  std::printf("verify_bench: 784-256-128-10, PE 8, SIMD 8; %d images (model), %d (rtl)\n",
              model_images, rtl_images);
  std::printf("  model backend: %s, %.1f cycles/image, %.2f s\n",
              model.passed() ? "bit-exact" : "MISMATCH", model.cycles_per_image(),
              model.wall_seconds);
  std::printf("  rtl backend:   %s, %.1f cycles/image, %.2f s (%d jobs), %.2f s (1 job)\n",
              rtl.passed() && rtl_one.passed() ? "bit-exact" : "MISMATCH", rtl.cycles_per_image(),
              rtl.wall_seconds, rtl.jobs, rtl_one.wall_seconds);
  std::printf("RATE verify_model_images_per_s=%.1f\n", model.images_per_second_host());
  std::printf("RATE verify_rtl_images_per_s=%.1f\n", rtl.images_per_second_host());
  std::printf("RATE verify_rtl_one_job_images_per_s=%.1f\n", rtl_one.images_per_second_host());
  std::printf("RATE reference_images_per_s=%.1f\n", reference_rate);
  std::printf("RATIO verify_model_vs_reference=%.2f\n",
              model.images_per_second_host() / reference_rate);
  return model.passed() && rtl.passed() && rtl_one.passed() ? 0 : 1;
}
