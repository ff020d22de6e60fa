// Binary / ternary design points the engine tests share (docs/engine.md, "Binary and ternary
// layers"), as point-file text, and a brute force of their layer in plain integer loops that
// shares no code with the engine (no units::, no fx:: casts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::tlm_test {

// Binary weights (scale 2^-2) x fixed<6,2> activations, odd folds (50 inputs over SIMD 8, 10
// outputs over PE 4), T = 3 thresholds.
inline const char* kBinaryPoint = R"(seed = 3
[engine]
kind = "binary"
pe = 4
simd = 8
mac_stages = 2
clock_ns = 4.0
bus_bits = 64
[layer]
in_features = 50
out_features = 10
batch = 3
[types]
activation = "fixed<6,2,TRN,SAT>"
weight = "binary<0.25>"
[threshold]
thresholds = 3
stages = 2
)";

// Ternary weights x unsigned activations, no unit after the MAC array.
inline const char* kTernaryPoint = R"(seed = 5
[engine]
kind = "ternary"
pe = 8
simd = 16
mac_stages = 3
clock_ns = 4.0
bus_bits = 64
[layer]
in_features = 40
out_features = 20
batch = 2
[types]
activation = "ufixed<8,4>"
weight = "ternary"
)";

// A BNN layer: binary weights and activations, T = 1 (the sign bit).
inline const char* kXnorPoint = R"(seed = 9
[engine]
kind = "xnor"
pe = 4
simd = 16
mac_stages = 1
clock_ns = 4.0
bus_bits = 64
[layer]
in_features = 64
out_features = 12
batch = 2
[types]
activation = "binary"
weight = "binary"
[threshold]
thresholds = 1
stages = 1
)";

// The accumulators of the layer, batch x N_out: sum over i of v(w) x a, v(w) the weight code's
// value (binary 1 -> +1, 0 -> -1; ternary 0b10 -> +1, 0b11 -> -1, else 0) and a the activation raw
// (kind xnor: bit 1 -> +1, 0 -> -1). No accumulator overflow (the default accumulators are exact).
inline std::vector<std::int64_t> brute_force_accumulators(const engine::EngineConfig& c,
                                                          const std::vector<std::int64_t>& input,
                                                          const std::vector<std::int64_t>& codes,
                                                          int batch) {
  const bool ternary = c.kind == engine::EngineKind::TERNARY;
  const bool bits = c.kind == engine::EngineKind::XNOR;
  std::vector<std::int64_t> acc;
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < c.out_features; ++o) {
      std::int64_t sum = 0;
      for (int i = 0; i < c.in_features; ++i) {
        const std::int64_t code = codes[static_cast<std::size_t>(o) * c.in_features + i];
        int v;
        if (ternary) {
          v = code == 2 ? 1 : code == 3 ? -1 : 0;
        } else {
          v = code == 1 ? 1 : -1;
        }
        std::int64_t a = input[static_cast<std::size_t>(b) * c.in_features + i];
        if (bits) a = a == 1 ? 1 : -1;
        sum += v * a;
      }
      acc.push_back(sum);
    }
  }
  return acc;
}

// threshold's rule by hand: the number of thresholds x >= t (direction 0) or x <= t (1).
inline std::vector<std::int64_t> brute_force_thresholds(const engine::EngineConfig& c,
                                                        const std::vector<std::int64_t>& acc,
                                                        const std::vector<std::int64_t>& dirs,
                                                        const std::vector<std::int64_t>& th) {
  const int t = c.threshold->thresholds;
  std::vector<std::int64_t> y;
  for (std::size_t j = 0; j < acc.size(); ++j) {
    const std::size_t o = j % static_cast<std::size_t>(c.out_features);
    std::int64_t n = 0;
    for (int k = 0; k < t; ++k) {
      const std::int64_t tk = th[o * t + k];
      n += dirs[o] ? acc[j] <= tk : acc[j] >= tk;
    }
    y.push_back(n);
  }
  return y;
}

}  // namespace fxsim::tlm_test
