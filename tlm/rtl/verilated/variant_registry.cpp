#include "tlm/rtl/verilated/variant_registry.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "tlm/rtl/verilated/shared_library.hpp"
#include "tlm/rtl/verilated/variant_builder.hpp"
#include "util/cache_dir.hpp"

namespace fxsim::verilated {
namespace {

// Everything that tells two requests apart, without reading a file: a loaded variant is found
// again by this alone.
using RequestId = std::tuple<std::string, units::ParamMap, TraceFormat, AdapterKind, std::string>;

RequestId request_id(const VariantRequest& r) {
  std::string top;
  if (r.wrapper) top = r.wrapper->top + '\n' + r.wrapper->contents;
  if (r.generated) {
    top = "generated\n" + r.generated->top + '\n' + r.generated->contents;
    for (const std::string& u : r.generated->units) top += '\n' + u;
  }
  return {r.unit, r.params, r.trace, r.kind, top};
}

struct Loaded {
  SharedLibrary library;
  PeVariant pe;
  BnVariant bn;
  PortVariant ports;
};

struct State {
  std::mutex mutex;
  std::optional<bool> enabled;  // set_ondemand_builds
  std::filesystem::path cache_dir;
  std::map<RequestId, std::unique_ptr<Loaded>> loaded;
  Stats stats;
};

State& state() {
  static State s;
  return s;
}

bool builds_enabled_locked(const State& s) {
  if (s.enabled) return *s.enabled;
  const char* v = std::getenv("FXSIM_RTL_ONDEMAND");
  return v == nullptr || std::string(v) != "0";
}

// The factory `symbol` of a loaded object as a make() of Model.
template <typename Model>
Variant<Model> variant_of(const SharedLibrary& lib, const char* symbol, const CachedVariant& v) {
  using MakeFn = Model* (*)(const char*);
  const auto make = reinterpret_cast<MakeFn>(lib.symbol(symbol));
  const VariantSources& s = v.sources;
  return {s.unit ? s.unit->name + " " + units::summarize_params(*s.unit, s.params)
                 : s.top + " " + describe(s),
          source_name(s), s.params, s.trace,
          [make](const char* instance) { return std::unique_ptr<Model>(make(instance)); }};
}

// Loads a complete entry and checks that it is the object the key names.
std::unique_ptr<Loaded> load(const CachedVariant& v) {
  try {
    SharedLibrary lib = SharedLibrary::open(v.entry.library());
    using KeyFn = const char* (*)();
    using SchemaFn = int (*)();
    const std::string key = reinterpret_cast<KeyFn>(lib.symbol(kKeySymbol))();
    const int schema = reinterpret_cast<SchemaFn>(lib.symbol(kSchemaSymbol))();
    if (key != v.sources.key || schema != kSchemaVersion) {
      throw std::runtime_error(fmt::format("it reports key {} schema {}", key, schema));
    }
    auto out = std::make_unique<Loaded>(Loaded{std::move(lib), {}, {}, {}});
    if (v.sources.kind == AdapterKind::PORTS) {
      out->ports = variant_of<PortModel>(out->library, kMakePortsSymbol, v);
    } else if (v.sources.is_bn) {
      out->bn = variant_of<BnModel>(out->library, kMakeBnSymbol, v);
    } else {
      out->pe = variant_of<PeModel>(out->library, kMakePeSymbol, v);
    }
    return out;
  } catch (const std::runtime_error& e) {
    throw RtlBuildError(
        fmt::format("cannot use the Verilated variant {}: {}", v.entry.dir.string(), e.what()),
        v.entry.log().string());
  }
}

const Loaded& find_or_load(const VariantRequest& request) {
  State& s = state();
  // One lock over the whole lookup: concurrent lookups of one key in a process build it once.
  const std::lock_guard<std::mutex> lock(s.mutex);
  RequestId id = request_id(request);
  if (auto it = s.loaded.find(id); it != s.loaded.end()) {
    ++s.stats.reused;
    return *it->second;
  }
  BuildOptions options;
  options.allow_build = builds_enabled_locked(s);
  try {
    options.cache_dir = util::resolve_cache_dir(s.cache_dir);
  } catch (const std::runtime_error& e) {  // no HOME, no FXSIM_CACHE_DIR: nowhere to build
    throw RtlToolchainError(e.what());
  }
  CachedVariant v;
  try {
    v = ensure_variant(request, options);
  } catch (const std::filesystem::filesystem_error& e) {
    throw RtlBuildError(fmt::format("the Verilated variant cache {} is not usable: {}",
                                    options.cache_dir.string(), e.what()),
                        {});
  }
  std::unique_ptr<Loaded> loaded = load(v);
  if (v.outcome == Outcome::CACHED) {
    ++s.stats.cache_loads;
  } else {
    ++s.stats.builds;
  }
  return *s.loaded.emplace(std::move(id), std::move(loaded)).first->second;
}

}  // namespace

const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved,
                                 TraceFormat trace) {
  return find_or_load(unit_request(unit, resolved, trace)).pe;
}

const BnVariant& find_bn_variant(const units::ParamMap& resolved, TraceFormat trace) {
  return find_or_load(unit_request("bn_act", resolved, trace)).bn;
}

const PortVariant& find_port_variant(VariantRequest request) {
  request.kind = AdapterKind::PORTS;
  return find_or_load(request).ports;
}

Stats stats() {
  const std::lock_guard<std::mutex> lock(state().mutex);
  return state().stats;
}

void set_ondemand_builds(std::optional<bool> enabled) {
  const std::lock_guard<std::mutex> lock(state().mutex);
  state().enabled = enabled;
}

bool ondemand_builds_enabled() {
  const std::lock_guard<std::mutex> lock(state().mutex);
  return builds_enabled_locked(state());
}

void set_ondemand_cache_dir(const std::filesystem::path& dir) {
  const std::lock_guard<std::mutex> lock(state().mutex);
  state().cache_dir = dir;
}

std::filesystem::path ondemand_cache_dir() {
  const std::lock_guard<std::mutex> lock(state().mutex);
  return util::resolve_cache_dir(state().cache_dir);
}

}  // namespace fxsim::verilated
