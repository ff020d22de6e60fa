#include "golden/stochastic_config.hpp"

namespace fxsim::golden {

std::string StochasticRounding::str() const {
  std::string s;
  auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (weights) add("weights");
  if (activations) add("activations");
  if (gradient_bits > 0) {
    add(std::string(gradients ? "gradients" : "quantized gradients") + " (" +
        std::to_string(gradient_bits) + " bits, " +
        (gradients ? std::string("RND_STOCH") : std::string(fx::to_string(deterministic))) + ")");
  }
  return s.empty() ? "none" : s;
}

}  // namespace fxsim::golden
