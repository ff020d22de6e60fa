// `fxsim synth`: synthesize one RTL unit with yosys (synth_xilinx for xc7 or xcup) at a given
// parameter set and print its resources: LUTs by size, CARRY, FF, DSP48, BRAM, the LUT-equivalent
// cost, logic depth and latency. Results are cached on disk (synth/), so repeating a query
// is instant. The figures are yosys's technology mapping, not a vendor tool's.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "models/resources/estimate.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synth_cache.hpp"
#include "synth/synthesize.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim synth";

struct SynthCliOptions {
  std::string unit;
  std::vector<std::string> params;
  std::string family = "xc7";
  bool no_dsp = false;
  bool json = false;
  std::string cache_dir;
  bool no_cache = false;
};

// A bad --param argument (exit code 2).
struct ParamSyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "NAME=VALUE" into the override map: VALUE a decimal integer (optional sign), or for an
// enumerated parameter one of its names (Q=RND_CONV, O=SAT, ACT=relu, SCALE_KIND=khot;
// units::parse_param_value).
units::ParamMap parse_overrides(const units::UnitSpec& unit, const std::vector<std::string>& args) {
  units::ParamMap overrides;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    if (eq == std::string::npos || name.empty()) {
      throw ParamSyntaxError(
          fmt::format("--param '{}': expected NAME=VALUE, e.g. --param SIMD=8", arg));
    }
    const std::int64_t v = units::parse_param_value(unit, name, arg.substr(eq + 1));
    if (!overrides.emplace(name, v).second) {
      throw ParamSyntaxError(fmt::format("--param {} is given more than once", name));
    }
  }
  return overrides;
}

// The enumerated parameters of every unit with their value names, for --help: one line per
// parameter name (Q, O, ACC_O, ACT, SCALE_KIND, STYLE).
std::string value_names_help() {
  std::vector<std::pair<std::string, std::string>> seen;
  for (const units::UnitSpec& u : units::all_units()) {
    for (const units::ParamSpec& p : u.params) {
      if (p.value_names.empty()) continue;
      const std::string names = units::describe_value_names(p);
      const bool known =
          std::any_of(seen.begin(), seen.end(), [&](const auto& s) { return s.first == p.name; });
      if (!known) seen.emplace_back(p.name, names);
    }
  }
  std::string out;
  for (const auto& [name, names] : seen) out += fmt::format("  {:<11}{}\n", name, names);
  return out;
}

void print_table(const synth::SynthResult& r, const units::UnitSpec& unit) {
  const synth::ResourceCounts& c = r.counts;
  std::vector<std::pair<std::string, std::string>> rows;
  auto row = [&rows](std::string label, std::string value) {
    rows.emplace_back(std::move(label), std::move(value));
  };
  auto num = [](int v) { return fmt::format("{}", v); };
  row("unit", r.unit);
  row("parameters", units::format_params(unit, r.params));
  row("mapping", fmt::format("{}{}", r.mapping(), r.use_dsp ? "" : " (-nodsp)"));
  row("LUT", num(c.luts()));
  for (int i = 0; i < 6; ++i) row(fmt::format("  LUT{}", i + 1), num(c.lut_by_size[i]));
  row("  INV", num(c.inv));
  row("  SRL", num(c.srl));
  row("  LUTRAM", num(c.lutram));
  row("CARRY4", num(c.carry4));
  row("CARRY8", num(c.carry8));
  row("FF", num(c.ff));
  row("DSP48E1", num(c.dsp48e1));
  row("DSP48E2", num(c.dsp48e2));
  row("BRAM18", num(c.bram18));
  row("BRAM36", num(c.bram36));
  row("MUXF7/8/9", num(c.muxf));
  row("LUT-equivalent",
      fmt::format("{} (LUT + {} x DSP)", r.lut_equivalent(), resources::kLutsPerDsp));
  row("logic depth", r.logic_depth ? fmt::format("{} cells", *r.logic_depth) : "unavailable");
  row("latency", fmt::format("{} cycles", r.latency_cycles));
  row("yosys", r.yosys_version);
  row("source", r.from_cache ? fmt::format("cache ({})", r.cache_key)
                             : fmt::format("yosys run, {:.1f} s", r.yosys_seconds));
  size_t width = 0;
  for (const auto& [label, value] : rows) width = std::max(width, label.size());
  for (const auto& [label, value] : rows) fmt::print("{:<{}}  {}\n", label, width, value);
}

int run_synth(const SynthCliOptions& o) {
  units::ParamMap overrides;
  const units::UnitSpec* unit = nullptr;
  try {
    unit = &units::find_unit(o.unit);
    overrides = parse_overrides(*unit, o.params);
    units::resolve_params(*unit, overrides);  // bad names and values before anything else
  } catch (const ParamSyntaxError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const units::UnitParamError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }

  synth::SynthRequest request;
  request.unit = o.unit;
  request.overrides = overrides;
  request.family = *resources::parse_family(o.family);  // CLI11 checked the name
  request.use_dsp = !o.no_dsp;
  synth::SynthOptions options;
  options.cache_dir = o.cache_dir;
  options.use_cache = !o.no_cache;
  // yosys takes seconds to minutes: say what runs before the silence (a cached answer is instant).
  options.on_yosys_run = [](const std::string& what) {
    std::fflush(stdout);
    fmt::print(stderr, "fxsim synth: {} (seconds; a minute or more for wide units)...\n", what);
    std::fflush(stderr);
  };

  synth::SynthResult result;
  try {
    result = synth::synthesize(request, options);
  } catch (const synth::SynthError& e) {
    print_error(kCommand, "{}", e.what());
    if (!e.log_path.empty()) {
      fmt::print(stderr, "--- last lines of the yosys log ---\n{}--- full log: {}\n", e.log_tail,
                 e.log_path);
    }
    return kExitFailure;
  } catch (const std::exception& e) {  // no cache directory, file system errors
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  }

  if (o.json) {
    fmt::print("{}\n", synth::to_json(result).dump(2));
  } else {
    print_table(result, *unit);
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error(kCommand, "error writing to stdout");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_synth_command(CLI::App& app, CommandStatus& status) {
  auto options = std::make_shared<SynthCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Synthesize an RTL unit with yosys and report LUT/FF/CARRY/DSP/BRAM use");
  std::string units_list;
  for (const units::UnitSpec& u : units::all_units()) {
    units_list += (units_list.empty() ? "" : ", ") + u.name;
  }
  cmd->add_option("-u,--unit", options->unit, "RTL unit to synthesize: " + units_list)->required();
  cmd->add_option("-p,--param", options->params,
                  "Set a Verilog parameter of the unit, NAME=VALUE: an integer, or a name for the "
                  "mode, activation and scale-kind parameters (Q=RND_CONV, O=SAT; list below). "
                  "Repeatable; the others keep their defaults (docs/rtl_units.md)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--family", options->family,
                  "FPGA family for yosys synth_xilinx: xc7 (7-series, DSP48E1) or xcup "
                  "(UltraScale+, DSP48E2)")
      ->check(CLI::IsMember({"xc7", "xcup"}))
      ->capture_default_str();
  cmd->add_flag("--no-dsp", options->no_dsp,
                "Forbid DSP48 inference (synth_xilinx -nodsp): multipliers are built from LUTs");
  cmd->add_flag("--json", options->json,
                "Print one JSON object (every field in docs/user_guide.md) instead of the table");
  CLI::Option* cache_dir = cmd->add_option(
      "--cache-dir", options->cache_dir,
      "Directory of the result cache (default: $FXSIM_CACHE_DIR, else $XDG_CACHE_HOME/fxsim, "
      "else ~/.cache/fxsim)");
  CLI::Option* no_cache = cmd->add_flag("--no-cache", options->no_cache,
                                        "Neither read nor write the cache: always run yosys");
  no_cache->excludes(cache_dir);
  cmd->footer(
      "Runs yosys (FXSIM_YOSYS overrides the yosys found at build time): read_verilog -sv the\n"
      "unit's RTL, chparam every parameter, synth_xilinx -noiopad -family FAMILY, flatten, then\n"
      "stat -json and ltp for the logic depth. Figures are a yosys technology mapping: they run\n"
      "higher than a vendor tool's and are meant for comparing design points.\n"
      "LUT-equivalent = LUT + 55 x DSP, the cost weighting of HGQ (Sun et al., arXiv:2405.00645;\n"
      "docs/resources.md). Results are cached under a SHA-256 of the RTL, parameters, family,\n"
      "--no-dsp and the yosys version; a cached answer is instant.\n"
      "Exit codes: 0 ok, 1 yosys missing or failed (the log's tail and path are printed),\n"
      "2 bad unit, parameter or option.\n"
      "Named parameter values (the integer or the name; names in any case, modes also with\n"
      "the SC_ / AP_ prefix, e.g. Q=SC_RND_CONV):\n" +
      value_names_help() +
      "Examples:\n"
      "  fxsim synth --unit fx_mac_pe --param SIMD=8 --param A_W=8 --param W_W=8\n"
      "  fxsim synth --unit fx_mac_pe --param SIMD=8 --no-dsp --json\n"
      "  fxsim synth --unit khot_pe --param K=2 --family xcup\n"
      "  fxsim synth --unit fx_requant --param Q=RND_CONV --param O=SAT\n"
      "  fxsim synth --unit bn_act --param SCALE_KIND=khot --param ACT=hardtanh");
  cmd->callback([options, &status] { status.exit_code = run_synth(*options); });
}

}  // namespace fxsim::cli
