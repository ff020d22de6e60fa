#include "synth/synth_cache.hpp"

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/sha256.hpp"

namespace fxsim::synth {
std::string cache_key(const CacheKeyInput& in) {
  nlohmann::json rtl = nlohmann::json::array();
  for (const auto& [name, contents] : in.rtl_files) {
    rtl.push_back({{"file", name}, {"sha256", util::sha256_hex(contents)}});
  }
  // nlohmann::json keeps object keys sorted and dump() is deterministic: a canonical text.
  const nlohmann::json doc = {
      {"schema", kCacheSchemaVersion},
      {"unit", in.unit},
      {"params", in.params},
      {"family", std::string(resources::family_name(in.family))},
      {"use_dsp", in.use_dsp},
      {"yosys_version", in.yosys_version},
      {"synth_command", in.synth_command},
      {"rtl", rtl},
  };
  return util::sha256_hex(doc.dump());
}

std::filesystem::path SynthCache::entry_path(const std::string& key) const {
  return dir_ / "synth" / (key + ".json");
}

std::optional<SynthResult> SynthCache::load(const std::string& key, std::string* problem) const {
  const std::filesystem::path path = entry_path(key);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::optional<std::string> text = util::read_file(path);
  auto corrupt = [&](const std::string& why) -> std::optional<SynthResult> {
    if (problem != nullptr) *problem = "ignoring corrupt cache entry " + path.string() + ": " + why;
    return std::nullopt;
  };
  if (!text) return corrupt("cannot read it");
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return corrupt("not valid JSON");
  if (!doc.is_object() || !doc.contains("schema") || doc["schema"] != kCacheSchemaVersion) {
    return corrupt("missing or different schema version");
  }
  if (!doc.contains("key") || doc["key"] != key) return corrupt("its key does not match its name");
  if (!doc.contains("result")) return corrupt("no \"result\" object");
  try {
    SynthResult r = result_from_json(doc["result"]);
    if (r.cache_key != key) return corrupt("the result's cache_key does not match");
    return r;
  } catch (const ResultJsonError& e) {
    return corrupt(e.what());
  }
}

void SynthCache::store(const SynthResult& result) const {
  nlohmann::json payload = to_json(result);
  payload.erase("cached");  // a property of each answer, not of the stored result
  const nlohmann::json doc = {
      {"schema", kCacheSchemaVersion}, {"key", result.cache_key}, {"result", payload}};
  util::write_file_atomically(entry_path(result.cache_key), doc.dump(2) + "\n");
}

}  // namespace fxsim::synth
