#include "traces/transaction_trace.hpp"

#include <fmt/format.h>

#include <map>
#include <sstream>

#include "traces/csv_writer.hpp"

namespace fxsim::traces {

namespace {

// The engine signal a VCD variable is (the last name component after "engine." / "trace_").
std::string signal_of(const std::string& reference) {
  std::string s = reference;
  const auto dot = s.rfind('.');
  if (dot != std::string::npos) s.erase(0, dot + 1);
  if (s.rfind("trace_", 0) == 0) s.erase(0, 6);
  return s;
}

double timescale_ns(const std::string& spec, const std::string& name) {
  std::string digits, unit;
  for (char c : spec) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      unit += c;
    }
  }
  const double n = digits.empty() ? 1.0 : std::stod(digits);
  static const std::map<std::string, double> units = {{"s", 1e9},  {"ms", 1e6},  {"us", 1e3},
                                                      {"ns", 1.0}, {"ps", 1e-3}, {"fs", 1e-6}};
  const auto it = units.find(unit);
  if (it == units.end()) throw TraceError(name + ": unknown VCD timescale '" + spec + "'");
  return n * it->second;
}

std::uint64_t parse_value(const std::string& v) {
  // "b0101" (vector) or "0"/"1" (scalar); x and z read as 0.
  std::uint64_t x = 0;
  for (char c : v) {
    if (c == 'b' || c == 'B') continue;
    x = (x << 1) | (c == '1' ? 1u : 0u);
  }
  return x;
}

// The trace signal holds -(tlm_response_status) in 32 bits (tlm_gp.h: 1 OK, 0 INCOMPLETE,
// -1 GENERIC_ERROR ... -5 BYTE_ENABLE_ERROR). Named as tlm_generic_payload::get_response_string()
// names them (the spelling of docs/engine.md and of fxsim run's bus_errors).
std::string response_name(std::uint64_t word) {
  const std::int64_t status = -static_cast<std::int64_t>(static_cast<std::int32_t>(word));
  switch (status) {
    case 1:
      return "TLM_OK_RESPONSE";
    case 0:
      return "TLM_INCOMPLETE_RESPONSE";
    case -1:
      return "TLM_GENERIC_ERROR_RESPONSE";
    case -2:
      return "TLM_ADDRESS_ERROR_RESPONSE";
    case -3:
      return "TLM_COMMAND_ERROR_RESPONSE";
    case -4:
      return "TLM_BURST_ERROR_RESPONSE";
    case -5:
      return "TLM_BYTE_ENABLE_ERROR_RESPONSE";
    default:
      return std::to_string(status);
  }
}

const char* command_name(std::uint64_t c) { return c == 0 ? "read" : c == 1 ? "write" : "ignore"; }

}  // namespace

std::vector<TraceEvent> read_engine_vcd(std::istream& in, const std::string& name) {
  std::map<std::string, std::string> ids;  // VCD id -> signal
  double scale_ns = 1.0;
  std::string tok;
  // Header: $timescale, $var, up to $enddefinitions.
  while (in >> tok) {
    if (tok == "$timescale") {
      std::string spec, t;
      while (in >> t && t != "$end") spec += t;
      scale_ns = timescale_ns(spec, name);
    } else if (tok == "$var") {
      std::string type, width, id, reference, t;
      in >> type >> width >> id >> reference;
      while (in >> t && t != "$end") {
      }
      ids[id] = signal_of(reference);
    } else if (tok == "$enddefinitions") {
      break;
    }
  }
  if (ids.empty()) throw TraceError(name + ": no $var definitions: not a VCD of the engine");

  std::map<std::string, std::uint64_t> state;
  std::vector<TraceEvent> events;
  double now = 0;
  bool initial = true;
  std::map<std::string, std::uint64_t> changed;  // at `now`

  auto flush = [&]() {
    if (changed.empty()) return;
    for (const auto& [sig, v] : changed) state[sig] = v;
    if (!initial) {
      auto has = [&](const char* s) { return changed.count(s) > 0; };
      if (has("busy")) events.push_back({now, "engine", state["busy"] ? "start" : "done", ""});
      if (has("batch_index") || has("fold_index")) {
        events.push_back(
            {now, "engine", "fold",
             fmt::format("batch={} fold={}", state["batch_index"], state["fold_index"])});
      }
      if (has("last_address") || has("last_length") || has("last_command") ||
          has("last_response")) {
        events.push_back(
            {now, "bus", command_name(state["last_command"]),
             fmt::format("address=0x{:08x} length={} response={}", state["last_address"],
                         state["last_length"], response_name(state["last_response"]))});
      }
      if (has("irq")) events.push_back({now, "engine", state["irq"] ? "irq" : "irq_clear", ""});
    }
    changed.clear();
  };

  while (in >> tok) {
    if (tok[0] == '#') {
      flush();
      now = static_cast<double>(std::stoull(tok.substr(1))) * scale_ns;
      initial = now == 0;  // values dumped before any time or at time 0: the initial state
    } else if (tok[0] == '$') {
      continue;  // $dumpvars, $end, $comment ...
    } else if (tok[0] == 'b' || tok[0] == 'B' || tok[0] == 'r') {
      std::string id;
      in >> id;
      const auto it = ids.find(id);
      if (it != ids.end()) changed[it->second] = parse_value(tok);
    } else {
      // Scalar: value and id in one token ("1!").
      const auto it = ids.find(tok.substr(1));
      if (it != ids.end()) changed[it->second] = tok[0] == '1' ? 1 : 0;
    }
  }
  flush();
  return events;
}

void write_transaction_trace(const std::vector<TraceEvent>& events, std::ostream& out) {
  CsvWriter csv(out);
  csv.row({"time_ns", "unit", "event", "values"});
  for (const TraceEvent& e : events) {
    csv.row({fmt::format("{}", e.time_ns), e.unit, e.event, e.values});
  }
}

}  // namespace fxsim::traces
