#include "models/streaming/stream_data.hpp"

namespace fxsim::streaming {

std::ostream& operator<<(std::ostream& os, const StreamData& d) {
  os << "{";
  for (std::size_t i = 0; i < d.values.size(); ++i) os << (i ? " " : "") << d.values[i];
  return os << "}";
}

void sc_trace(sc_core::sc_trace_file* tf, const StreamData& d, const std::string& name) {
  for (std::size_t i = 0; i < d.values.size(); ++i) {
    sc_core::sc_trace(tf, d.values[i], name + "_" + std::to_string(i));
  }
}

}  // namespace fxsim::streaming
