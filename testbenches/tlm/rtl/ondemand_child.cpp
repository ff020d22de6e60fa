#include "testbenches/tlm/rtl/ondemand_child.hpp"

#include <cstdio>
#include <exception>

#include "tlm/rtl/verilated/variant_builder.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::engine_test {

units::ParamMap concurrent_bn_params() {
  return units::resolve_params(units::find_unit("bn_act"), {{"SCALE_KIND", 0},
                                                            {"X_W", 8},
                                                            {"X_FRAC", 5},
                                                            {"X_SIGNED", 1},
                                                            {"S_W", 8},
                                                            {"S_FRAC", 6},
                                                            {"S_SIGNED", 1},
                                                            {"B_W", 16},
                                                            {"B_FRAC", 8},
                                                            {"OUT_W", 8},
                                                            {"OUT_FRAC", 5},
                                                            {"OUT_SIGNED", 1},
                                                            {"Q", 0},
                                                            {"O", 0},
                                                            {"N", 0},
                                                            {"ACT", 0},
                                                            {"STAGES", 1}});
}

int child_main(const std::string& cache_dir) {
  try {
    verilated::BuildOptions options;
    options.cache_dir = cache_dir;
    const verilated::CachedVariant v = verilated::ensure_variant(
        verilated::unit_request("bn_act", concurrent_bn_params()), options);
    // Load it the way the rtl backend does, and use it.
    verilated::set_ondemand_cache_dir(cache_dir);
    const verilated::BnVariant& bn = verilated::find_bn_variant(concurrent_bn_params());
    auto model = bn.make("bn0");
    model->reset();
    // x = 1.0 (32 / 2^5), scale 1.0 (64 / 2^6), bias 0: y = 1.0 after STAGES edges.
    model->set_inputs(true, 32, 64, 0);
    model->settle();
    model->rise();
    model->set_inputs(false, 0, 0, 0);
    model->settle();
    if (!model->out_valid() || model->out_y() != 32) {
      std::fprintf(stderr, "child: model output valid=%d y=%llu, expected 1 and 32\n",
                   model->out_valid() ? 1 : 0, static_cast<unsigned long long>(model->out_y()));
      return 1;
    }
    std::printf("outcome=%s\n", verilated::to_string(v.outcome));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child: %s\n", e.what());
    return 1;
  }
}

}  // namespace fxsim::engine_test
