#include "traces/results_schema.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace fxsim::traces {

namespace {
constexpr ColumnType I = ColumnType::INTEGER;
constexpr ColumnType R = ColumnType::REAL;
constexpr ColumnType T = ColumnType::TEXT;
}  // namespace

const std::vector<Column>& result_columns() {
  static const std::vector<Column> columns = {
      // identity and outcome
      {"point_id", I, "index of the point in the expanded sweep (grid order or sample order)"},
      {"point_key", T, "canonical parameters of the point (stable across runs)"},
      {"status", T,
       "ok | failed | pruned (never run: an invalid point, or a constraint removed it)"},
      {"error", T,
       "why the point failed, or why it was pruned (invalid: axes.<axis>: ... | constraint "
       "<text>); empty when ok"},
      // parameters
      {"kind", T,
       "fx_mac (DSP multipliers) | fx_mac_lut (fx_mac with -nodsp) | khot | spt | int (affine "
       "integer: fx_mac on integers + int_requant) | binary | ternary | xnor (xnor_pe, no "
       "multiplier; xnor: binary activations too)"},
      {"activation_type", T, "activation (input) format, canonical fx string; binary for xnor"},
      {"weight_type", T, "weight format (fixed<...>, khot<W,I,K>, spt<W,I,K>, binary, ternary)"},
      {"weight_scale", R,
       "binary / ternary points: the weights' per-tensor scale alpha (fx::quantize_bipolar); "
       "empty for the other kinds"},
      {"activation_scale", R,
       "xnor points: the activations' per-tensor scale beta = mean |x|; empty for the other "
       "kinds"},
      {"accumulator_type", T, "accumulator format; its overflow mode is ACC_O"},
      {"output_type", T, "MAC output format after the rounding/overflow axes"},
      {"k", I, "K of a K-hot / SPT weight; 0 for fixed-point weights"},
      {"affine_weights", T,
       "int points: per_tensor | per_channel (the weights' scales); empty for the other kinds"},
      {"requant_method", T,
       "int points: integer (int_requant, M0 x 2^-(B+n)) | float (PyTorch's float32 multiplier, "
       "fx::requantize_float on the reference accumulators: no RTL, cycles and resources are "
       "the integer hardware's); empty for the other kinds"},
      {"rounding", T, "rounding mode of output_type"},
      {"overflow", T, "overflow mode of output_type"},
      {"pe", I, "processing elements (outputs computed in parallel)"},
      {"simd", I, "lanes per PE (inputs per beat)"},
      {"mac_stages", I, "STAGES of fx_mac_pe / khot_pe"},
      {"bn_scale_kind", T, "none (no bn_act) | fixed (multiplier) | khot (shift-add)"},
      {"bn_scale_type", T, "bn_act scale format; empty without bn"},
      {"bn_bias_type", T, "bn_act bias format; empty without bn"},
      {"bn_output_type", T, "bn_act output format; empty without bn"},
      {"bn_activation", T, "none | relu | relu_clip | hardtanh | sign; empty without bn"},
      {"thresholds", I,
       "threshold points (activation_unit = threshold): T of the threshold unit after the "
       "array, outputs 0..T; empty for the other points"},
      {"clock_ns", R, "clock period in ns"},
      {"family", T, "FPGA family of the resource figures: xc7 | xcup"},
      {"in_features", I, "layer inputs N_in"},
      {"out_features", I, "layer outputs N_out"},
      {"batch", I, "input vectors per run"},
      {"activation_bits", I, "width W of activation_type"},
      {"weight_bits", I, "width W of weight_type"},
      {"seed", I, "stimulus seed of the point (the sweep seed)"},
      // model backend
      {"cycles", I, "compute cycles of one run on the SystemC model (pipeline fill included)"},
      {"latency_ns", R, "cycles x clock_ns"},
      {"end_to_end_cycles", I, "load + compute + read-back bus cycles of the run"},
      {"macs_per_s", R, "batch x N_in x N_out / latency"},
      {"model_mismatches", I, "model outputs that differ from the fx reference (0 expected)"},
      // accuracy against the float layer
      {"mse", R, "mean squared error of the dequantized outputs against the float (double) layer"},
      {"sqnr_db", R, "10 log10(sum y^2 / sum (y - yq)^2); inf when exact"},
      {"max_abs_error", R, "largest |y - yq| over all outputs"},
      {"classification_accuracy", R,
       "layer, model and trained network workloads: the model's top-1 accuracy; empty for "
       "random workloads and network descriptions"},
      // network workloads (kind = "network"; empty for the others)
      {"interval_cycles", I, "network: cycles between the last two images' results (steady state)"},
      {"latency_cycles", I, "network: cycles until the first image's last result"},
      {"images_per_s", R, "network: 1e9 / (interval_cycles x clock_ns)"},
      {"golden_mismatches", I,
       "trained network: logits that differ from the model file's golden logits"},
      {"bottleneck", T, "network: the block with the most busy cycles (or input / output DMA)"},
      {"folding", T, "network: every block's folding, e.g. conv0:pe4simd1,pool1,dense2:pe2simd4"},
      {"target_interval", I,
       "network: the target interval the folding was chosen for; empty "
       "without one"},
      // coverage of the rounding/overflow stages
      {"acc_overflows", I, "accumulator wrap/saturation events (per beat)"},
      {"output_overflows", I, "MAC output requantization overflows"},
      {"bn_overflows", I, "bn_act output requantization overflows; 0 without bn"},
      // resources, analytical model (models/resources), whole engine = PE x (PE unit + bn_act)
      {"est_lut", I, "LUTs, analytical model (yosys 0.23 synth_xilinx mapping)"},
      {"est_ff", I, "flip-flops, analytical model"},
      {"est_carry", I, "CARRY4, analytical model"},
      {"est_dsp", I, "DSP48E1 (xc7) / DSP48E2 (xcup), analytical model"},
      {"est_lut_equivalent", I, "est_lut + 55 x est_dsp"},
      {"est_bram18", I, "RAMB18 halves, analytical model (weight memories)"},
      {"est_bram36", I, "RAMB36 blocks, analytical model"},
      // resources, yosys (synth/, cached)
      {"yosys_lut", I, "LUTs from yosys synth_xilinx; empty when the sweep has yosys = false"},
      {"yosys_ff", I, "flip-flops from yosys"},
      {"yosys_carry", I, "CARRY4 from yosys"},
      {"yosys_dsp", I, "DSPs from yosys"},
      {"yosys_lut_equivalent", I, "yosys_lut + 55 x yosys_dsp"},
      {"lut", I, "yosys_lut when yosys ran, else est_lut"},
      {"dsp", I, "yosys_dsp when yosys ran, else est_dsp"},
      {"lut_equivalent", I, "yosys_lut_equivalent when yosys ran, else est_lut_equivalent"},
      {"resource_source", T, "yosys | model: where lut, dsp and lut_equivalent come from"},
      // RTL verification
      {"rtl_status", T, "not_run | no_variant | pass | mismatch | failed"},
      {"rtl_mismatches", I, "RTL outputs that differ from the reference; empty when not run"},
      {"rtl_cycles", I, "compute cycles counted on the Verilated RTL"},
      {"rtl_cycle_error", R, "(cycles - rtl_cycles) / rtl_cycles"},
      // Pareto flags over the ok points of the results (recomputed after every run and merge)
      {"pareto_accuracy_latency_lut", I,
       "1: no point has lower-or-equal mse, latency_ns and "
       "lut_equivalent with one strictly lower"},
      {"pareto_dsp_lut", I, "1: Pareto-optimal in (dsp, lut)"},
      {"pareto_accuracy_throughput_lut", I,
       "network: 1: no point has higher-or-equal classification_accuracy and images_per_s and "
       "lower-or-equal lut_equivalent with one strictly better (without accuracy: images_per_s "
       "and lut_equivalent)"},
  };
  return columns;
}

std::size_t column_index(std::string_view name) {
  const auto& cols = result_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (name == cols[i].name) return i;
  }
  throw std::out_of_range("no results column named '" + std::string(name) + "'");
}

std::string_view to_string(ColumnType t) {
  switch (t) {
    case ColumnType::INTEGER:
      return "INTEGER";
    case ColumnType::REAL:
      return "REAL";
    case ColumnType::TEXT:
      break;
  }
  return "TEXT";
}

ResultRow::ResultRow() : values_(result_columns().size()) {}

ResultRow::ResultRow(std::vector<Value> values) : values_(std::move(values)) {
  if (values_.size() != result_columns().size()) {
    throw std::invalid_argument("a results row needs " + std::to_string(result_columns().size()) +
                                " values, got " + std::to_string(values_.size()));
  }
}

void ResultRow::set(std::string_view column, Value v) {
  values_[column_index(column)] = std::move(v);
}

const Value& ResultRow::get(std::string_view column) const { return values_[column_index(column)]; }

std::int64_t ResultRow::integer(std::string_view column) const {
  return std::get<std::int64_t>(get(column));
}

double ResultRow::real(std::string_view column) const {
  const Value& v = get(column);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

const std::string& ResultRow::text(std::string_view column) const {
  return std::get<std::string>(get(column));
}

bool ResultRow::is_null(std::string_view column) const {
  return std::holds_alternative<std::monostate>(get(column));
}

std::string format_value(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::isinf(*d)) return *d > 0 ? "inf" : "-inf";
    if (std::isnan(*d)) return "nan";
    return fmt::format("{}", *d);  // shortest round-trip representation
  }
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return "";
}

}  // namespace fxsim::traces
