#include "testbenches/models/resources/cost_points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fxsim::resources_test {
namespace {

// One CSV record: comma-separated, a field with commas is double-quoted (Python's csv module).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

units::ParamMap parse_params(const std::string& s) {
  units::ParamMap m;
  std::istringstream in(s);
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw std::runtime_error("bad parameter '" + item + "'");
    m[item.substr(0, eq)] = std::stoll(item.substr(eq + 1));
  }
  return m;
}

// The point columns: everything before `unit`.
const std::vector<std::string> kPointFields = {
    "point",         "kind",        "pe",     "simd",     "mac_stages", "activation",
    "weight",        "accumulator", "output", "bn_scale", "bn_bias",    "bn_output",
    "bn_activation", "family",      "dsp"};

}  // namespace

std::string CostPoint::point_file() const {
  const auto& f = fields;
  const int simd = std::stoi(f.at("simd"));
  std::string t = fmt::format(
      "seed = 1\n[engine]\nkind = \"{}\"\npe = {}\nsimd = {}\nmac_stages = {}\n"
      "[layer]\nin_features = {}\nout_features = {}\nbatch = 1\n"
      "[types]\nactivation = \"{}\"\nweight = \"{}\"\naccumulator = \"{}\"\noutput = \"{}\"\n",
      f.at("kind"), f.at("pe"), simd, f.at("mac_stages"), 3 * simd, f.at("pe"), f.at("activation"),
      f.at("weight"), f.at("accumulator"), f.at("output"));
  if (!f.at("bn_scale").empty()) {
    t += fmt::format("[bn]\nscale = \"{}\"\nbias = \"{}\"\noutput = \"{}\"\nactivation = \"{}\"\n",
                     f.at("bn_scale"), f.at("bn_bias"), f.at("bn_output"), f.at("bn_activation"));
  }
  return t;
}

std::string CostPoint::label() const {
  const auto& f = fields;
  std::string s = fmt::format("{} x {} SIMD {} PE {}", f.at("weight"), f.at("activation"),
                              f.at("simd"), f.at("pe"));
  s += f.at("bn_scale").empty() ? ", no bn" : ", bn " + f.at("bn_scale");
  s += ", " + f.at("family") + (use_dsp ? "" : " --no-dsp");
  return s;
}

std::vector<CostPoint> load_cost_points(const std::string& file_name) {
  const std::string path = std::string(FXSIM_COST_POINTS_DIR) + "/" + file_name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv(line);
  std::vector<CostPoint> points;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split_csv(line);
    if (cells.size() != header.size())
      throw std::runtime_error("bad record in " + path + ": " + line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < cells.size(); ++i) row[header[i]] = cells[i];
    const int index = std::stoi(row.at("point"));
    if (points.empty() || points.back().index != index) {
      CostPoint p;
      p.index = index;
      for (const std::string& k : kPointFields) p.fields[k] = row.at(k);
      p.family = resources::parse_family(row.at("family")).value();
      p.use_dsp = row.at("dsp") == "1";
      points.push_back(p);
    }
    MeasuredUnit u;
    u.unit = row.at("unit");
    u.params = parse_params(row.at("params"));
    u.yosys.lut = std::stoi(row.at("lut"));
    u.yosys.ff = std::stoi(row.at("ff"));
    u.yosys.carry = std::stoi(row.at("carry"));
    u.yosys.dsp = std::stoi(row.at("dsp_count"));
    u.yosys.bram = std::stoi(row.at("bram"));
    u.yosys.lut_equivalent = resources::lut_equivalent(u.yosys.lut, u.yosys.dsp);
    points.back().units.push_back(u);
  }
  return points;
}

resources::ResourceEstimate yosys_engine_cost(const CostPoint& p, const engine::Elaboration& e) {
  const std::vector<const engine::UnitInstance*> inst = e.instances();
  if (inst.size() != p.units.size())
    throw std::runtime_error("point " + p.label() + ": unit count");
  resources::ResourceEstimate total;
  for (std::size_t i = 0; i < inst.size(); ++i)
    total += resources::times(inst[i]->count, p.units[i].yosys);
  return total;
}

double lut_error_percent(int model_lut, int yosys_lut) {
  return yosys_lut == 0 ? (model_lut == 0 ? 0.0 : 100.0)
                        : 100.0 * (model_lut - yosys_lut) / yosys_lut;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace fxsim::resources_test
