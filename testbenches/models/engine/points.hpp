// Design points the tlm tests share, as point-file text (parsed by the code under test).
#pragma once

#include <string>

#include "models/engine/engine_config.hpp"

namespace fxsim::tlm_test {

// The contract's example: 784x128, PE 8, SIMD 8, MAC_STAGES 2, BN stages 2.
inline const char* kContractPoint = R"(seed = 1

[engine]
kind = "fx_mac"
pe = 8
simd = 8
mac_stages = 2
clock_ns = 4.0
bus_bits = 64

[layer]
in_features = 784
out_features = 128
batch = 1

[types]
activation = "fixed<8,1,TRN,SAT>"
weight = "fixed<8,1>"
accumulator = "fixed<24,10>"
output = "fixed<8,3,RND_CONV,SAT>"

[bn]
scale = "fixed<8,2>"
bias = "fixed<16,8>"
output = "fixed<8,3,RND,SAT>"
activation = "relu"
clip = 6.0
stages = 2

[stimulus]
distribution = "uniform"
)";

// K-hot weights, odd folds (50 inputs over SIMD 3, 10 outputs over PE 4), a narrow saturating
// accumulator, no BN.
inline const char* kKhotPoint = R"(seed = 7
[engine]
kind = "khot"
pe = 4
simd = 3
mac_stages = 3
clock_ns = 2.5
bus_bits = 32
[layer]
in_features = 50
out_features = 10
batch = 3
[types]
activation = "fixed<6,2,TRN,SAT>"
weight = "khot<8,1,2>"
accumulator = "fixed<12,1,TRN,SAT>"
output = "fixed<8,4,RND_INF,WRAP>"
)";

// SPT weights, a K-hot BN scale, hardtanh, normal stimulus, unsigned activations.
inline const char* kSptPoint = R"(seed = 3
[engine]
kind = "spt"
pe = 5
simd = 4
mac_stages = 1
clock_ns = 5
bus_bits = 128
[layer]
in_features = 37
out_features = 12
batch = 2
[types]
activation = "ufixed<7,2>"
weight = "spt<6,0,2>"
output = "fixed<10,4,RND_CONV,SAT>"
[bn]
scale = "khot<6,2,2>"
bias = "fixed<12,4>"
output = "fixed<8,2,RND_ZERO,SAT_SYM>"
activation = "hardtanh"
stages = 3
[stimulus]
distribution = "normal"
)";

// An affine integer layer ([requant]): int8 activations and weights, an int32 accumulator,
// int<8> output with zero point -3, double rounding, left shifts up to 2, out_features not a
// multiple of PE, in_features not of SIMD.
inline const char* kRequantPoint = R"(seed = 5
[engine]
kind = "fx_mac"
pe = 4
simd = 3
mac_stages = 2
clock_ns = 4.0
bus_bits = 64
[layer]
in_features = 37
out_features = 10
batch = 3
[types]
activation = "fixed<8,8,TRN,SAT>"
weight = "fixed<8,8>"
accumulator = "fixed<32,32>"
[requant]
output = "int<8>"
zero_point = -3
rounding = "double"
m0_bits = 31
lshift_max = 2
bias_width = 32
relu = false
stages = 2
)";

// uint8 activations (ufixed<8,8>), the default accumulator and output, uint<8> output with zero
// point 100, single rounding, a fused ReLU, 16-bit multipliers, 3 stages.
inline const char* kRequantUint8Point = R"(seed = 11
[engine]
kind = "fx_mac"
pe = 3
simd = 8
mac_stages = 1
bus_bits = 32
[layer]
in_features = 50
out_features = 7
batch = 2
[types]
activation = "ufixed<8,8>"
weight = "fixed<8,8>"
[requant]
output = "uint<8>"
zero_point = 100
rounding = "single"
m0_bits = 16
bias_width = 20
relu = true
stages = 3
)";

inline engine::EngineConfig point(const char* text, const char* name = "test.toml") {
  return engine::parse_point(text, name);
}

}  // namespace fxsim::tlm_test
