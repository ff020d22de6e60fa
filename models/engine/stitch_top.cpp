#include "models/engine/stitch_top.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "util/sha256.hpp"

namespace fxsim::engine {
namespace {

// "[W-1:0] " for a vector, "" for a single bit.
std::string range(int width) { return width == 1 ? "" : fmt::format("[{}:0] ", width - 1); }

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The `#(...)` list: every parameter of the unit in its declared order. *_SIGNED parameters are
// declared `bit`: a sized literal keeps Verilator's WIDTH check quiet (as variant_sources' -G).
std::string parameter_list(const units::UnitSpec& unit, const units::ParamMap& params) {
  std::string out;
  for (std::size_t i = 0; i < unit.params.size(); ++i) {
    const std::string& n = unit.params[i].name;
    const std::int64_t v = units::param(params, n);
    const bool is_bit = n.size() > 7 && n.compare(n.size() - 7, 7, "_SIGNED") == 0;
    out += fmt::format("      .{}({}{}){}\n", n, is_bit ? "1'b" : "", v,
                       i + 1 < unit.params.size() ? "," : "");
  }
  return out;
}

struct Stream {
  std::string valid, ready, data;
};

// The body of the module: everything after its name.
std::string module_body(const StitchPlan& plan) {
  const std::size_t n = plan.stages.size();
  std::set<std::string> names = {"clk",     "rst_n",     "in_valid",  "in_ready",
                                 "in_data", "out_valid", "out_ready", "out_data"};
  auto claim = [&](const std::string& name) {
    if (!names.insert(name).second) {
      throw StitchError("stitched top: the name " + name + " would be declared twice");
    }
    return name;
  };

  // Ports.
  std::vector<std::string> ports = {
      "input  logic clk",
      "input  logic rst_n",
      "input  logic in_valid",
      "output logic in_ready",
      fmt::format("input  logic {}in_data", range(plan.in_width())),
      "output logic out_valid",
      "input  logic out_ready",
      fmt::format("output logic {}out_data", range(plan.out_width())),
  };
  for (const units::ExtraPort& p : stitched_extra_ports(plan)) {
    ports.push_back(fmt::format("{} logic {}{}", p.is_input ? "input " : "output", range(p.width),
                                claim(p.name)));
  }
  if (plan.taps) {
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const StitchStage& s = plan.stages[i];
      const int width = units::find_unit(s.unit).out_data_width(s.params);
      ports.push_back("output logic " + claim("tap_" + s.instance + "_valid"));
      ports.push_back("output logic " + claim("tap_" + s.instance + "_ready"));
      ports.push_back("output logic " + range(width) + claim("tap_" + s.instance + "_data"));
    }
  }
  std::string out = " (\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    out += "    " + ports[i] + (i + 1 < ports.size() ? ",\n" : "\n");
  }
  out += ");\n";

  // The streams between stages: stage i's output wires, named after it.
  std::vector<Stream> links(n + 1);
  links[0] = {"in_valid", "in_ready", "in_data"};
  links[n] = {"out_valid", "out_ready", "out_data"};
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const StitchStage& s = plan.stages[i];
    links[i + 1] = {claim(s.instance + "_out_valid"), claim(s.instance + "_out_ready"),
                    claim(s.instance + "_out_data")};
    const int width = units::find_unit(s.unit).out_data_width(s.params);
    out += fmt::format("\n  // {} -> {}\n  logic {}, {};\n  logic {}{};\n", s.instance,
                       plan.stages[i + 1].instance, links[i + 1].valid, links[i + 1].ready,
                       range(width), links[i + 1].data);
    if (plan.taps) {
      out += fmt::format(
          "  assign tap_{0}_valid = {1};\n  assign tap_{0}_ready = {2};\n  assign tap_{0}_data = "
          "{3};\n",
          s.instance, links[i + 1].valid, links[i + 1].ready, links[i + 1].data);
    }
  }

  // The stages.
  for (std::size_t i = 0; i < n; ++i) {
    const StitchStage& s = plan.stages[i];
    const units::UnitSpec& unit = units::find_unit(s.unit);
    claim(s.instance);
    std::vector<std::pair<std::string, std::string>> pins = {{"clk", "clk"},
                                                             {"rst_n", "rst_n"},
                                                             {"in_valid", links[i].valid},
                                                             {"in_ready", links[i].ready},
                                                             {"in_data", links[i].data},
                                                             {"out_valid", links[i + 1].valid},
                                                             {"out_ready", links[i + 1].ready},
                                                             {"out_data", links[i + 1].data}};
    if (unit.extra_ports) {
      for (const units::ExtraPort& p : unit.extra_ports(s.params)) {
        pins.emplace_back(p.name, s.instance + "_" + p.name);
      }
    }
    out += fmt::format("\n  {} #(\n{}  ) {} (\n", unit.top_module, parameter_list(unit, s.params),
                       s.instance);
    for (std::size_t k = 0; k < pins.size(); ++k) {
      out += fmt::format("      .{}({}){}\n", pins[k].first, pins[k].second,
                         k + 1 < pins.size() ? "," : "");
    }
    out += "  );\n";
  }
  out += "endmodule\n";
  return out;
}

std::string header(const StitchPlan& plan) {
  std::string chain;
  for (const StitchStage& s : plan.stages) {
    chain += (chain.empty() ? "" : " -> ") + s.instance + " (" + s.unit + ")";
  }
  return fmt::format(
      "// Generated by fxsim (models/engine/stitch_top.cpp): a stitched chain of {} streaming "
      "stage{}:\n// {}.{} Do not edit.\n",
      plan.stages.size(), plan.stages.size() == 1 ? "" : "s", chain,
      plan.taps ? " Inner streams tapped (tap_*)." : "");
}

}  // namespace

std::vector<units::ExtraPort> stitched_extra_ports(const StitchPlan& plan) {
  std::vector<units::ExtraPort> out;
  for (const StitchStage& s : plan.stages) {
    const units::UnitSpec& unit = units::find_unit(s.unit);
    if (!unit.extra_ports) continue;
    for (units::ExtraPort p : unit.extra_ports(s.params)) {
      p.name = s.instance + "_" + p.name;
      out.push_back(std::move(p));
    }
  }
  return out;
}

StitchedTop stitched_top(const StitchPlan& plan, const std::string& name) {
  if (!name.empty() && !is_identifier(name)) {
    throw StitchError("stitched top: module name \"" + name + "\" is not an identifier");
  }
  const std::string head = header(plan), body = module_body(plan);
  StitchedTop top;
  top.name =
      name.empty() ? "stitch_" + util::sha256_hex(head + "module" + body).substr(0, 16) : name;
  top.file_name = top.name + ".sv";
  top.text = head + "module " + top.name + body;
  return top;
}

}  // namespace fxsim::engine
