#include "tlm/rtl/verilated/variant_sources.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

#include "models/units/unit_rtl.hpp"
#include "tlm/rtl/verilated/rtl_errors.hpp"
#include "util/sha256.hpp"

namespace fxsim::verilated {
namespace {

const char* kind_name(AdapterKind k) { return k == AdapterKind::PORTS ? "ports" : "unit"; }

// -G<name>=<value> for every parameter the top module takes: the unit's, in its order, or the
// wrapper's list. *_SIGNED parameters are declared `bit`: a sized literal keeps Verilator's
// WIDTH check quiet.
std::vector<std::string> gparams(const VariantRequest& r, const units::UnitSpec& unit) {
  std::vector<std::string> names;
  if (r.wrapper) {
    names = r.wrapper->params;
  } else {
    for (const units::ParamSpec& p : unit.params) names.push_back(p.name);
  }
  std::vector<std::string> out;
  for (const std::string& name : names) {
    const std::int64_t v = units::param(r.params, name);
    const bool is_bit = name.size() > 7 && name.compare(name.size() - 7, 7, "_SIGNED") == 0;
    out.push_back(is_bit ? fmt::format("-G{}=1'b{}", name, v) : fmt::format("-G{}={}", name, v));
  }
  return out;
}

// The PORTS adapter's class: the port table and a switch per direction.
std::string ports_adapter(const VariantSources& s, const std::vector<VerilatedPort>& ports) {
  std::string table, set_cases, get_cases;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const VerilatedPort& p = ports[i];
    table +=
        fmt::format("    {{\"{}\", {}, {}}},\n", p.name, p.is_input ? "true" : "false", p.width);
    if (p.is_input)
      set_cases += fmt::format("      case {}: load_port(m_.{}, w); break;\n", i, p.name);
    get_cases += fmt::format("      case {}: store_port(m_.{}, w); break;\n", i, p.name);
  }
  return fmt::format(
      "namespace {{\n"
      "using fxsim::verilated::PortSpec;\n"
      "const PortSpec kPorts[] = {{\n{table}    {{nullptr, false, 0}}}};\n"
      "class Ports final : public fxsim::verilated::VerilatedPorts<{cls}, "
      "fxsim::verilated::TraceFormat::{trace}> {{\n"
      " public:\n"
      "  explicit Ports(const char* instance) : VerilatedPorts(instance, kPorts, {n}) {{}}\n"
      "  void set(int port, const std::uint32_t* w) override {{\n"
      "    using fxsim::verilated::load_port;\n"
      "    switch (port) {{\n{set_cases}      default: break;\n    }}\n  }}\n"
      "  void get(int port, std::uint32_t* w) const override {{\n"
      "    using fxsim::verilated::store_port;\n"
      "    switch (port) {{\n{get_cases}      default: break;\n    }}\n  }}\n"
      "}};\n"
      "}}  // namespace\n\n",
      fmt::arg("table", table), fmt::arg("cls", s.class_name),
      fmt::arg("trace", to_string(s.trace)), fmt::arg("n", ports.size()),
      fmt::arg("set_cases", set_cases), fmt::arg("get_cases", get_cases));
}

// The adapter with a placeholder key: what the key covers of the adapter's generator.
std::string adapter_template_digest(const VariantSources& s) {
  VariantSources placeholder = s;
  placeholder.key = "<key>";
  placeholder.class_name = "<class>";
  util::Sha256 h;
  h.update(adapter_cpp(placeholder, {}));
  for (const auto& [name, text] : adapter_headers()) {
    h.update(name);
    h.update(text);
  }
  return h.hex_digest();
}

// A generated top: the RTL of every unit it names, then its own file; no -G parameters. The key
// document names the units and the top (the files' hashes are in "rtl"), and has no "unit" or
// "params": a single-unit request never yields the same document.
VariantSources generated_sources(const VariantRequest& request, const Toolchain& tc,
                                 const std::filesystem::path& rtl_dir) {
  const GeneratedTop& g = *request.generated;
  if (request.kind != AdapterKind::PORTS) {
    throw std::invalid_argument(
        "a generated top module is driven port by port (AdapterKind::PORTS)");
  }
  if (!request.unit.empty() || !request.params.empty() || request.wrapper) {
    throw std::invalid_argument(
        "a request for a generated top names its units in GeneratedTop::units, not in unit / "
        "params / wrapper");
  }
  VariantSources s;
  s.units = g.units;
  s.trace = request.trace;
  s.kind = request.kind;
  s.top = g.top;
  for (const std::string& name : g.units) {
    try {
      for (auto& file : units::read_unit_rtl(units::find_unit(name), rtl_dir)) {
        const bool seen = std::any_of(s.rtl_files.begin(), s.rtl_files.end(),
                                      [&](const auto& f) { return f.first == file.first; });
        if (!seen) s.rtl_files.push_back(std::move(file));
      }
    } catch (const units::RtlSourceError& e) {
      throw RtlToolchainError(e.what());
    } catch (const units::UnitParamError& e) {
      throw std::invalid_argument(fmt::format("generated top {}: {}", g.top, e.what()));
    }
  }
  s.rtl_files.emplace_back(g.file_name, g.contents);
  s.verilator_args = {"--top", s.top, request.trace == TraceFormat::FST ? "--trace-fst" : "--trace",
                      "--cc"};
  s.verilator_args.insert(s.verilator_args.end(), tc.verilator_args.begin(),
                          tc.verilator_args.end());
  nlohmann::json rtl = nlohmann::json::array();
  for (const auto& [name, text] : s.rtl_files) {
    rtl.push_back({{"file", name}, {"sha256", util::sha256_hex(text)}});
  }
  const nlohmann::json doc = {
      {"schema", kSchemaVersion},
      {"generated_units", s.units},
      {"kind", kind_name(s.kind)},
      {"top", s.top},
      {"trace", to_string(s.trace)},
      {"rtl", rtl},
      {"verilator_version", tc.verilator_version},
      {"verilator_args", s.verilator_args},
      {"cxx", tc.cxx},
      {"cxx_version", tc.cxx_version},
      {"cxx_command", compile_command(tc, s.trace, {"<include>"}, "<adapter>", "<out>")},
      {"adapter", adapter_template_digest(s)},
  };
  s.key = util::sha256_hex(doc.dump());
  s.class_name = "Vfxod_" + s.key.substr(0, 16);
  return s;
}

}  // namespace

VariantSources variant_sources(const VariantRequest& request, const Toolchain& tc,
                               const std::filesystem::path& rtl_dir) {
  if (request.generated) return generated_sources(request, tc, rtl_dir);
  if (request.wrapper && request.kind != AdapterKind::PORTS) {
    throw std::invalid_argument("a wrapper top module is driven port by port (AdapterKind::PORTS)");
  }
  VariantSources s;
  s.unit = &units::find_unit(request.unit);
  s.params = request.params;
  s.trace = request.trace;
  s.kind = request.kind;
  s.is_bn = s.unit->name == "bn_act";
  s.top = request.wrapper ? request.wrapper->top : s.unit->top_module;
  try {
    s.rtl_files = units::read_unit_rtl(*s.unit, rtl_dir);
  } catch (const units::RtlSourceError& e) {
    throw RtlToolchainError(e.what());
  }
  if (request.wrapper)
    s.rtl_files.emplace_back(request.wrapper->file_name, request.wrapper->contents);
  // As verilate() orders them: --top, the trace option, --cc, then the project's arguments.
  s.verilator_args = {"--top", s.top, request.trace == TraceFormat::FST ? "--trace-fst" : "--trace",
                      "--cc"};
  s.verilator_args.insert(s.verilator_args.end(), tc.verilator_args.begin(),
                          tc.verilator_args.end());
  for (std::string& g : gparams(request, *s.unit)) s.verilator_args.push_back(std::move(g));

  nlohmann::json rtl = nlohmann::json::array();
  for (const auto& [name, text] : s.rtl_files) {
    rtl.push_back({{"file", name}, {"sha256", util::sha256_hex(text)}});
  }
  // nlohmann::json sorts object keys and dumps deterministically: a canonical text.
  const nlohmann::json doc = {
      {"schema", kSchemaVersion},
      {"unit", s.unit->name},
      {"kind", kind_name(s.kind)},
      {"top", s.top},
      {"params", s.params},
      {"trace", to_string(s.trace)},
      {"rtl", rtl},
      {"verilator_version", tc.verilator_version},
      {"verilator_args", s.verilator_args},
      {"cxx", tc.cxx},
      {"cxx_version", tc.cxx_version},
      {"cxx_command", compile_command(tc, s.trace, {"<include>"}, "<adapter>", "<out>")},
      {"adapter", adapter_template_digest(s)},
  };
  s.key = util::sha256_hex(doc.dump());
  s.class_name = "Vfxod_" + s.key.substr(0, 16);
  return s;
}

std::vector<VerilatedPort> parse_verilated_ports(const std::string& header_text) {
  // e.g. "    VL_IN8(&clk,0,0);", "    VL_OUTW(&dout,174,0,6);", "    VL_IN(&din,19,0);"
  static const std::regex decl(R"(VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+))");
  std::vector<VerilatedPort> ports;
  for (auto it = std::sregex_iterator(header_text.begin(), header_text.end(), decl);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    ports.push_back(
        {m[3].str(), m[1].str() != "OUT", std::stoi(m[4].str()) - std::stoi(m[5].str()) + 1});
  }
  return ports;
}

std::string adapter_cpp(const VariantSources& s, const std::vector<std::string>& generated_cpp,
                        const std::vector<VerilatedPort>& ports) {
  std::string out = fmt::format(
      "// Generated by fxsim (tlm/rtl/verilated/variant_sources.cpp): the Verilated variant {} of\n"
      "// {} ({}). Do not edit.\n",
      s.key, s.top, describe(s));
  for (const std::string& f : generated_cpp) out += fmt::format("#include \"{}\"\n", f);
  out += fmt::format("#include \"{}.h\"\n#include \"adapters.hpp\"\n\n", s.class_name);
  std::string model, make, symbol;
  if (s.kind == AdapterKind::PORTS) {
    out += ports_adapter(s, ports);
    model = "PortModel";
    make = "new Ports(instance)";
    symbol = kMakePortsSymbol;
  } else {
    model = s.is_bn ? "BnModel" : "PeModel";
    make = fmt::format("new fxsim::verilated::{}<{}, fxsim::verilated::TraceFormat::{}>(instance)",
                       s.is_bn ? "VerilatedBn" : "VerilatedPe", s.class_name, to_string(s.trace));
    symbol = s.is_bn ? kMakeBnSymbol : kMakePeSymbol;
  }
  out += fmt::format(
      "// Plain C symbols: looked up with dlsym by name, no C++ mangling to agree on.\n"
      "extern \"C\" {{\n"
      "const char* {key_sym}() {{ return \"{key}\"; }}\n"
      "int {schema_sym}() {{ return {schema}; }}\n"
      "fxsim::verilated::{model}* {make_sym}(const char* instance) {{ return {make}; }}\n"
      "}}\n",
      fmt::arg("key_sym", kKeySymbol), fmt::arg("key", s.key),
      fmt::arg("schema_sym", kSchemaSymbol), fmt::arg("schema", kSchemaVersion),
      fmt::arg("model", model), fmt::arg("make_sym", symbol), fmt::arg("make", make));
  return out;
}

std::vector<std::string> verilator_command(const VariantSources& s, const Toolchain& tc,
                                           const std::filesystem::path& mdir,
                                           const std::filesystem::path& rtl_dir) {
  std::vector<std::string> cmd = {tc.verilator,  "--compiler", tc.verilator_compiler,
                                  "--prefix",    s.class_name, "--Mdir",
                                  mdir.string(), "--make",     "cmake"};
  cmd.insert(cmd.end(), s.verilator_args.begin(), s.verilator_args.end());
  for (const auto& [name, text] : s.rtl_files) cmd.push_back((rtl_dir / name).string());
  return cmd;
}

std::vector<std::string> compile_command(const Toolchain& tc, TraceFormat trace,
                                         const std::vector<std::filesystem::path>& include_dirs,
                                         const std::filesystem::path& adapter,
                                         const std::filesystem::path& out) {
  std::vector<std::string> cmd = {tc.cxx};
  cmd.insert(cmd.end(), tc.cxx_flags.begin(), tc.cxx_flags.end());
  // The model's trace code: VerilatedVcdC or VerilatedFstC (the runtime holds both writers).
  cmd.push_back(trace == TraceFormat::FST ? "-DVM_TRACE_FST=1" : "-DVM_TRACE_FST=0");
  cmd.push_back(trace == TraceFormat::FST ? "-DVM_TRACE_VCD=0" : "-DVM_TRACE_VCD=1");
  for (const std::filesystem::path& d : include_dirs) cmd.push_back("-I" + d.string());
  cmd.insert(cmd.end(), {"-isystem", tc.verilator_root + "/include", "-isystem",
                         tc.verilator_root + "/include/vltstd"});
  // No Verilator runtime in the object: its symbols resolve against the executable's copy
  // (docs/engine.md, "On-demand variants").
  cmd.insert(cmd.end(), {"-shared", "-o", out.string(), adapter.string()});
  return cmd;
}

std::string describe(const VariantSources& s) {
  if (s.unit == nullptr) return fmt::format("over {}", fmt::join(s.units, ", "));
  return units::format_params(*s.unit, s.params);
}

std::string source_name(const VariantSources& s) { return s.unit ? s.unit->name : s.top; }

VariantRequest unit_request(std::string unit, units::ParamMap resolved, TraceFormat trace) {
  VariantRequest r;
  r.unit = std::move(unit);
  r.params = std::move(resolved);
  r.trace = trace;
  return r;
}

}  // namespace fxsim::verilated
