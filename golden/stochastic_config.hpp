// Which tensors training rounds stochastically (the train config's quant.stochastic and
// quant.gradient_bits; docs/golden.md, "Stochastic rounding"). Plain C++.
#pragma once

#include <string>

#include "fx/fx_type.hpp"

namespace fxsim::golden {

struct StochasticRounding {
  bool weights = false;      // the MAC weights in training forward passes
  bool activations = false;  // MAC outputs and bn_act outputs in training forward passes
  bool gradients = false;    // the quantized gradients (needs gradient_bits > 0)
  int gradient_bits = 0;     // 0: gradients stay float; else fixed<bits, I> per tensor
  // Also measure each QAT variant's exported model with every requant RND_STOCH (the hardware's
  // LFSR lanes, golden/stochastic_dense.hpp): logged, not exported.
  bool inference = false;
  // The rounding of quantized gradients when `gradients` is off (the config's quant.rounding).
  fx::Rounding deterministic = fx::Rounding::RND_CONV;

  bool any() const { return weights || activations || gradients || gradient_bits > 0; }
  // "weights, activations, gradients (RND_STOCH, 4 bits)" / "none": for logs and metadata.
  std::string str() const;
};

}  // namespace fxsim::golden
