#include "synth/yosys_stat.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <numeric>

namespace fxsim::synth {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// LUT sites taken by one distributed-RAM primitive (UG474 / UG574 primitive descriptions).
int lutram_luts(std::string_view type) {
  static const std::map<std::string_view, int> kLuts = {
      {"RAM16X1S", 1}, {"RAM32X1S", 1}, {"RAM64X1S", 1}, {"RAM128X1S", 2}, {"RAM256X1S", 4},
      {"RAM16X1D", 2}, {"RAM32X1D", 2}, {"RAM64X1D", 2}, {"RAM128X1D", 4}, {"RAM256X1D", 8},
      {"RAM32M", 4},   {"RAM64M", 4},   {"RAM32M16", 8}, {"RAM64M8", 8},   {"RAM512X1S", 8}};
  const auto it = kLuts.find(type);
  return it == kLuts.end() ? 0 : it->second;
}

}  // namespace

int ResourceCounts::logic_luts() const {
  return std::accumulate(lut_by_size.begin(), lut_by_size.end(), 0) + inv;
}

int ResourceCounts::luts() const { return logic_luts() + srl + lutram; }

ResourceCounts group_cells(const std::map<std::string, int>& cells) {
  ResourceCounts r;
  r.cells = cells;
  for (const auto& [type, n] : cells) {
    const std::string_view t = type;
    if (t.size() == 4 && starts_with(t, "LUT") && t[3] >= '1' && t[3] <= '6') {
      r.lut_by_size[t[3] - '1'] += n;
    } else if (t == "INV") {
      r.inv += n;
    } else if (t == "SRL16E" || t == "SRLC16E" || t == "SRLC32E" || t == "SRL16") {
      r.srl += n;
    } else if (lutram_luts(t) > 0) {
      r.lutram += n * lutram_luts(t);
    } else if (t == "CARRY4") {
      r.carry4 += n;
    } else if (t == "CARRY8") {
      r.carry8 += n;
    } else if (t == "FDRE" || t == "FDSE" || t == "FDCE" || t == "FDPE") {
      r.ff += n;
    } else if (t == "DSP48E1") {
      r.dsp48e1 += n;
    } else if (t == "DSP48E2") {
      r.dsp48e2 += n;
    } else if (t == "RAMB18E1" || t == "RAMB18E2") {
      r.bram18 += n;
    } else if (t == "RAMB36E1" || t == "RAMB36E2") {
      r.bram36 += n;
    } else if (t == "MUXF7" || t == "MUXF8" || t == "MUXF9") {
      r.muxf += n;
    }
  }
  return r;
}

ResourceCounts parse_stat_json(std::string_view json_text, std::string_view top) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw StatParseError(std::string("yosys stat -json output is not JSON: ") + e.what());
  }
  // The "design" object sums the hierarchy below the top; a flattened design has one module.
  const nlohmann::json* counts = nullptr;
  if (doc.contains("design")) {
    counts = &doc["design"];
  } else if (doc.contains("modules")) {
    const std::string name = "\\" + std::string(top);
    if (doc["modules"].contains(name)) counts = &doc["modules"][name];
  }
  if (counts == nullptr || !counts->is_object()) {
    throw StatParseError("yosys stat -json output has neither \"design\" nor module \"" +
                         std::string(top) + "\"");
  }
  std::map<std::string, int> cells;
  if (counts->contains("num_cells_by_type")) {
    const nlohmann::json& by_type = (*counts)["num_cells_by_type"];
    if (!by_type.is_object()) throw StatParseError("\"num_cells_by_type\" is not an object");
    for (const auto& [type, n] : by_type.items()) {
      if (!n.is_number_integer() || n.get<long long>() < 0) {
        throw StatParseError("cell count of \"" + type + "\" is not a non-negative integer");
      }
      cells[type] = n.get<int>();
    }
  } else if (!counts->contains("num_cells") || (*counts)["num_cells"] != 0) {
    throw StatParseError("yosys stat -json output has no \"num_cells_by_type\"");
  }
  return group_cells(cells);
}

std::optional<int> parse_ltp_length(std::string_view text) {
  static constexpr std::string_view kHead = "Longest topological path in ";
  static constexpr std::string_view kLength = "(length=";
  const size_t head = text.find(kHead);
  if (head == std::string_view::npos) return std::nullopt;
  const size_t at = text.find(kLength, head);
  const size_t eol = text.find('\n', head);
  if (at == std::string_view::npos || (eol != std::string_view::npos && at > eol)) {
    throw StatParseError("ltp output has a path without \"(length=N)\"");
  }
  const char* first = text.data() + at + kLength.size();
  const char* last = text.data() + text.size();
  int length = 0;
  const auto [end, ec] = std::from_chars(first, last, length);
  if (ec != std::errc() || end == last || *end != ')') {
    throw StatParseError("ltp output has a malformed \"(length=N)\"");
  }
  return length;
}

}  // namespace fxsim::synth
