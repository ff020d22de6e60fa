// What an on-demand variant is built from, and its cache key: the unit's RTL (read once, so the
// key and the build see the same bytes), the Verilator command, the adapter .cpp exporting the
// factories, and the compile line. A key changes whenever anything that can change the shared
// object changes, so a cache entry never needs invalidating: a new key simply builds anew.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "tlm/rtl/verilated/toolchain.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::verilated {

// Bump when the layout of an entry, the adapter's exported symbols or the way it is built
// changes in a way the key inputs below do not show.
inline constexpr int kSchemaVersion = 1;

// The extern "C" symbols of an on-demand shared object.
inline constexpr const char* kKeySymbol = "fxsim_ondemand_key";         // const char* (void)
inline constexpr const char* kSchemaSymbol = "fxsim_ondemand_schema";   // int (void)
inline constexpr const char* kMakePeSymbol = "fxsim_ondemand_make_pe";  // PeModel* (const char*)
inline constexpr const char* kMakeBnSymbol = "fxsim_ondemand_make_bn";  // BnModel* (const char*)
inline constexpr const char* kMakePortsSymbol =
    "fxsim_ondemand_make_ports";  // PortModel* (const char*)

// Which interface the shared object's factory returns.
enum class AdapterKind {
  UNIT,   // the unit's own: PeModel (fx_mac_pe, khot_pe) or BnModel (bn_act)
  PORTS,  // PortModel: any top module, port by port (testbenches)
};

// A test top module around a unit (e.g. one fx_requant per rounding/overflow pair): its file
// is compiled after the unit's, and it takes the named parameters of the unit only.
struct TopWrapper {
  std::string top;                  // module name
  std::string file_name, contents;  // its SystemVerilog
  std::vector<std::string> params;  // the unit parameters it is given (-G), in this order
};

// A generated top module over several units (a stitched chain, models/engine/stitch_top.hpp): its
// file is compiled after the RTL files of every unit in `units` (each file once, in the order of
// the units), and it takes no -G parameters: its text sets every instance's parameters.
struct GeneratedTop {
  std::string top;                  // module name
  std::string file_name, contents;  // its SystemVerilog
  std::vector<std::string> units;   // units of units::all_units() it instantiates
};

struct VariantRequest {
  std::string unit;        // a unit of units::all_units(): its RTL files and parameter schema
  units::ParamMap params;  // resolved (units::resolve_params)
  TraceFormat trace = TraceFormat::VCD;
  AdapterKind kind = AdapterKind::UNIT;
  std::optional<TopWrapper> wrapper;  // PORTS only
  // PORTS only; then `unit`, `params` and `wrapper` stay empty. Requests without it (one unit)
  // have the keys they always had.
  std::optional<GeneratedTop> generated;
};

// The request for `unit`'s own adapter (PeModel / BnModel).
VariantRequest unit_request(std::string unit, units::ParamMap resolved,
                            TraceFormat trace = TraceFormat::VCD);

struct VariantSources {
  const units::UnitSpec* unit = nullptr;  // null for a generated top
  std::vector<std::string> units;         // a generated top's units (empty otherwise)
  units::ParamMap params;
  TraceFormat trace = TraceFormat::VCD;
  AdapterKind kind = AdapterKind::UNIT;
  bool is_bn = false;
  std::string top;         // the unit's top module, or the wrapper's
  std::string key;         // SHA-256 (hex) of everything below and the toolchain
  std::string class_name;  // the V-class: Vfxod_<first 16 hex digits of key>, unique per key
  std::vector<std::pair<std::string, std::string>> rtl_files;  // (name under rtl/, contents)
  std::vector<std::string> verilator_args;  // all but --Mdir and the source paths
};

// Reads the unit's RTL from `rtl_dir` (RtlToolchainError naming the file when one cannot be
// read) and computes the key.
VariantSources variant_sources(const VariantRequest& request, const Toolchain& tc,
                               const std::filesystem::path& rtl_dir);

// A port of a Verilated top module, as its generated header declares it.
struct VerilatedPort {
  std::string name;
  bool is_input = true;
  int width = 1;
};
// The ports of the V-class header `header_text` (its VL_IN* / VL_OUT* declarations), in order.
std::vector<VerilatedPort> parse_verilated_ports(const std::string& header_text);

// The adapter translation unit: includes every generated .cpp of the model (one unity build,
// as Verilator's own VM_PARALLEL_BUILDS=0), instantiates the adapter template of adapters.hpp
// (for PORTS: a subclass over `ports`) and exports the factories.
std::string adapter_cpp(const VariantSources& s, const std::vector<std::string>& generated_cpp,
                        const std::vector<VerilatedPort>& ports = {});

// The verilator command line for `s`, writing into `mdir`, reading the RTL copies in `rtl_dir`.
std::vector<std::string> verilator_command(const VariantSources& s, const Toolchain& tc,
                                           const std::filesystem::path& mdir,
                                           const std::filesystem::path& rtl_dir);

// The compiler command line: `adapter` (with `include_dirs` first) into the shared object `out`.
std::vector<std::string> compile_command(const Toolchain& tc, TraceFormat trace,
                                         const std::vector<std::filesystem::path>& include_dirs,
                                         const std::filesystem::path& adapter,
                                         const std::filesystem::path& out);

// "SIMD=2 A_W=8 ..." of the request (for the progress line and messages); for a generated top
// "over stream_fifo, max_pool".
std::string describe(const VariantSources& s);
// The unit's name, or the generated top's module name (manifests, messages, Variant::unit).
std::string source_name(const VariantSources& s);

}  // namespace fxsim::verilated
