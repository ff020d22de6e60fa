#include "testbenches/common/engine_points.hpp"

#include <sstream>

namespace fxsim::engine_test {
namespace {

struct PeTypes {
  const char *name, *kind;
  int simd, stages;
  const char *activation, *weight, *accumulator, *output;
};

PeTypes pe_types(PeFamily f) {
  const char* a8 = "fixed<8,1,TRN,SAT>";
  switch (f) {
    case PeFamily::MAC8:
      return {"mac8", "fx_mac", 8, 2, a8, "fixed<8,1>", "fixed<24,10>", "fixed<8,3,RND_CONV,SAT>"};
    case PeFamily::MAC4:
      return {"mac4",
              "fx_mac",
              4,
              1,
              "ufixed<6,2,TRN,SAT>",
              "fixed<5,1>",
              "fixed<12,4,TRN,SAT>",
              "fixed<6,4,RND,WRAP>"};
    case PeFamily::KHOT1:
      return {"khot1", "khot", 8, 2, a8, "khot<8,1,1>", "fixed<24,10>", "fixed<8,3,RND_CONV,SAT>"};
    case PeFamily::KHOT2:
      return {
          "khot2", "khot", 8, 3, a8, "khot<8,1,2>", "fixed<24,10>", "fixed<8,3,RND_INF,SAT_SYM>"};
    case PeFamily::KHOT3:
      return {
          "khot3", "khot", 4, 2, a8, "khot<8,1,3>", "fixed<20,6,TRN,SAT>", "fixed<8,3,TRN,SAT>"};
    case PeFamily::SPT2:
      return {"spt2", "spt", 4, 1, a8, "spt<8,1,2>", "fixed<24,10>", "fixed<8,3,RND_CONV,SAT>"};
    case PeFamily::MAC_AP:  // negative sums wrap into the unsigned output: ap_fixed's corner
      return {"macap",
              "fx_mac",
              8,
              2,
              "ap_fixed<8,1,AP_TRN,AP_SAT>",
              "ap_fixed<8,1>",
              "ap_fixed<24,10>",
              "ap_ufixed<6,2,AP_RND,AP_WRAP,2>"};
  }
  return pe_types(PeFamily::MAC8);
}

}  // namespace

std::string PointSpec::name() const {
  std::ostringstream s;
  s << pe_types(pe_family).name << "_pe" << pe << "_" << in_features << "x" << out_features << "_b"
    << batch;
  if (bn_family == BnFamily::RELU) s << "_relu";
  if (bn_family == BnFamily::TANH) s << "_tanh";
  if (bn_family == BnFamily::AP) s << "_bnap";
  if (normal) s << "_normal";
  return s.str();
}

namespace {

// The point file of spec, as the families spell their types.
std::string written_toml(const PointSpec& spec) {
  const PeTypes t = pe_types(spec.pe_family);
  std::ostringstream s;
  s << "seed = " << spec.seed << "\n\n[engine]\nkind = \"" << t.kind << "\"\npe = " << spec.pe
    << "\nsimd = " << t.simd << "\nmac_stages = " << t.stages << "\nclock_ns = " << spec.clock_ns
    << "\nbus_bits = " << spec.bus_bits << "\n\n[layer]\nin_features = " << spec.in_features
    << "\nout_features = " << spec.out_features << "\nbatch = " << spec.batch
    << "\n\n[types]\nactivation = \"" << t.activation << "\"\nweight = \"" << t.weight
    << "\"\naccumulator = \"" << t.accumulator << "\"\noutput = \"" << t.output << "\"\n";
  if (spec.bn_family == BnFamily::RELU) {
    s << "\n[bn]\nscale = \"fixed<8,2>\"\nbias = \"fixed<16,8>\"\noutput = "
         "\"fixed<8,3,RND,SAT>\"\nactivation = \"relu\"\nstages = 2\n";
  } else if (spec.bn_family == BnFamily::TANH) {
    s << "\n[bn]\nscale = \"khot<8,2,2>\"\nbias = \"fixed<16,8>\"\noutput = "
         "\"fixed<8,3,RND_CONV,SAT_SYM>\"\nactivation = \"hardtanh\"\nstages = 3\n";
  } else if (spec.bn_family == BnFamily::AP) {
    // Sign-magnitude wrap of a 3-bit output: rounding carries into bit 3 often enough that
    // ap_fixed's sign (from the floor) and SystemC's (from the rounded value) differ.
    s << "\n[bn]\nscale = \"ap_fixed<8,2>\"\nbias = \"ap_fixed<16,8>\"\noutput = "
         "\"ap_fixed<3,1,AP_RND,AP_WRAP_SM>\"\nactivation = \"none\"\nstages = 2\n";
  }
  s << "\n[stimulus]\ndistribution = \"" << (spec.normal ? "normal" : "uniform") << "\"\n";
  return s.str();
}

// "ap_fixed<...,AP_Q,AP_O,...>" -> "sc_fixed<...,SC_Q,SC_O,...>", "ap_ufixed" -> "sc_ufixed": the
// same formats with SystemC semantics.
std::string sc_spelled(std::string text) {
  const auto replace_all = [&text](const std::string& from, const std::string& to) {
    for (std::size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) {
      text.replace(p, from.size(), to);
    }
  };
  replace_all("\"ap_", "\"sc_");
  replace_all(",AP_", ",SC_");
  return text;
}

}  // namespace

std::string point_toml(const PointSpec& spec, bool sc_spelling) {
  const std::string text = written_toml(spec);
  return sc_spelling ? sc_spelled(text) : text;
}

engine::EngineConfig make_point(const PointSpec& spec, bool sc_spelling) {
  return engine::parse_point(point_toml(spec, sc_spelling), spec.name() + ".toml");
}

}  // namespace fxsim::engine_test
