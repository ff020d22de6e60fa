// The Xilinx ap_fixed test vectors (testbenches/fx/data/ap_fixed_vectors.csv): 15,120 casts of a
// double to an ap_fixed / ap_ufixed type, each with the raw integer (value x 2^F) the vendor's
// open-source ap_fixed headers produce. 126 types, 120 inputs each: every signedness x rounding x
// overflow pair (no AP_WRAP_SM for ap_ufixed), N > 0 on some of the WRAP / WRAP_SM types. The
// suites of fx/, golden/, rtl/ and the command line check their ap_fixed semantics against them.
//
// Header only, std and fx only (the fx suites build without the rest of fxsim). The CSV path comes
// from the build (FXSIM_AP_VECTORS_CSV, set by the suites' CMakeLists.txt).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/type_parser.hpp"

namespace fxsim::apvec {

struct ApVector {
  std::string type;   // as the file spells it, e.g. "ap_fixed<5,5,AP_RND,AP_SAT,0>"
  std::string value;  // the input as the file writes it (shortest round-trip decimal)
  double x = 0;       // ... read to the double it stands for
  std::int64_t raw = 0;
  int line = 0;  // 1-based line in the file
};

#ifdef FXSIM_AP_VECTORS_CSV
inline const char* ap_vectors_path() { return FXSIM_AP_VECTORS_CSV; }
#endif

// Every vector of the file, in file order. Lines starting with '#' and the header are skipped.
// Throws std::runtime_error on an unreadable file or a malformed line.
inline std::vector<ApVector> read_ap_vectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<ApVector> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line == "type,value,raw") continue;
    auto bad = [&] {
      return std::runtime_error(path + ":" + std::to_string(number) + ": malformed line '" + line +
                                "'");
    };
    // "TYPE",VALUE,RAW: the type is quoted (it holds commas).
    if (line[0] != '"') throw bad();
    const std::size_t close = line.find('"', 1);
    if (close == std::string::npos || close + 1 >= line.size() || line[close + 1] != ',') {
      throw bad();
    }
    const std::size_t comma = line.find(',', close + 2);
    if (comma == std::string::npos) throw bad();
    ApVector v;
    v.type = line.substr(1, close - 1);
    v.value = line.substr(close + 2, comma - close - 2);
    v.line = number;
    try {
      std::size_t used = 0;
      v.x = std::stod(v.value, &used);
      if (used != v.value.size()) throw bad();
      const std::string raw = line.substr(comma + 1);
      v.raw = std::stoll(raw, &used);
      if (used != raw.size()) throw bad();
    } catch (const std::logic_error&) {  // stod / stoll: invalid or out of range
      throw bad();
    }
    out.push_back(std::move(v));
  }
  return out;
}

// The vectors grouped by type string (sorted by type; file order within a type).
inline std::map<std::string, std::vector<ApVector>> ap_vectors_by_type(
    const std::vector<ApVector>& all) {
  std::map<std::string, std::vector<ApVector>> by;
  for (const ApVector& v : all) by[v.type].push_back(v);
  return by;
}

}  // namespace fxsim::apvec
