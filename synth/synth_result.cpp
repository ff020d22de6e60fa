#include "synth/synth_result.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace fxsim::synth {

std::string SynthResult::mapping() const {
  return fmt::format("yosys {} mapping", resources::family_name(family));
}

nlohmann::json to_json(const SynthResult& r) {
  const ResourceCounts& c = r.counts;
  nlohmann::json lut_by_size = nlohmann::json::object();
  for (int i = 0; i < 6; ++i) lut_by_size[fmt::format("LUT{}", i + 1)] = c.lut_by_size[i];
  nlohmann::json j = {
      {"unit", r.unit},
      {"top", r.top},
      {"params", r.params},
      {"family", std::string(resources::family_name(r.family))},
      {"use_dsp", r.use_dsp},
      {"mapping", r.mapping()},
      {"lut", c.luts()},
      {"lut_logic", c.logic_luts()},
      {"lut_by_size", lut_by_size},
      {"inv", c.inv},
      {"srl", c.srl},
      {"lutram", c.lutram},
      {"carry", c.carry()},
      {"carry4", c.carry4},
      {"carry8", c.carry8},
      {"ff", c.ff},
      {"dsp", c.dsp()},
      {"dsp48e1", c.dsp48e1},
      {"dsp48e2", c.dsp48e2},
      {"bram18", c.bram18},
      {"bram36", c.bram36},
      {"muxf", c.muxf},
      {"lut_equivalent", r.lut_equivalent()},
      {"logic_depth", r.logic_depth ? nlohmann::json(*r.logic_depth) : nlohmann::json(nullptr)},
      {"latency_cycles", r.latency_cycles},
      {"yosys_version", r.yosys_version},
      {"yosys_seconds", r.yosys_seconds},
      {"cache_key", r.cache_key},
      {"cached", r.from_cache},
      {"cells", c.cells},
  };
  return j;
}

SynthResult result_from_json(const nlohmann::json& j) {
  try {
    SynthResult r;
    r.unit = j.at("unit").get<std::string>();
    r.top = j.at("top").get<std::string>();
    r.params = j.at("params").get<units::ParamMap>();
    const auto family = resources::parse_family(j.at("family").get<std::string>());
    if (!family) throw ResultJsonError("unknown family " + j.at("family").dump());
    r.family = *family;
    r.use_dsp = j.at("use_dsp").get<bool>();
    // The counts are rebuilt from the cell map, so the grouped fields cannot disagree with it.
    r.counts = group_cells(j.at("cells").get<std::map<std::string, int>>());
    const nlohmann::json& depth = j.at("logic_depth");
    if (!depth.is_null()) r.logic_depth = depth.get<int>();
    r.latency_cycles = j.at("latency_cycles").get<int>();
    r.yosys_version = j.at("yosys_version").get<std::string>();
    r.yosys_seconds = j.at("yosys_seconds").get<double>();
    r.cache_key = j.at("cache_key").get<std::string>();
    if (j.at("lut").get<int>() != r.counts.luts() || j.at("dsp").get<int>() != r.counts.dsp() ||
        j.at("ff").get<int>() != r.counts.ff) {
      throw ResultJsonError("grouped counts disagree with the cell map");
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw ResultJsonError(e.what());
  }
}

}  // namespace fxsim::synth
