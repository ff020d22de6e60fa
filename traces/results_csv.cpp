#include "traces/results_csv.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "traces/csv_writer.hpp"

namespace fxsim::traces {

void write_results_csv(const std::vector<ResultRow>& rows, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(tmp + ": cannot write");
    CsvWriter csv(out);
    std::vector<std::string> fields;
    for (const Column& c : result_columns()) fields.emplace_back(c.name);
    csv.row(fields);
    for (const ResultRow& r : rows) {
      fields.clear();
      for (const Value& v : r.values()) fields.push_back(format_value(v));
      csv.row(fields);
    }
    out.flush();
    if (!out) throw std::runtime_error(tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error(path + ": cannot rename " + tmp + " into place");
  }
}

}  // namespace fxsim::traces
