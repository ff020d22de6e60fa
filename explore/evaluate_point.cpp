#include "explore/evaluate_point.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "explore/bipolar_point.hpp"
#include "explore/int_point.hpp"
#include "explore/layer_workload.hpp"
#include "explore/model_workload.hpp"
#include "explore/network_workload.hpp"
#include "explore/point_resources.hpp"
#include "explore/threshold_point.hpp"
#include "fx/cast.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"
#include "tlm/rtl/engine_variants.hpp"
#include "traces/transaction_trace.hpp"

namespace fxsim::explore {

using traces::ResultRow;

namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// Test hook (like FXSIM_ENGINE_INJECT of the engine tests): FXSIM_SWEEP_INJECT_FAIL=<point id>
// makes that point throw at run time, to prove a failing point is recorded and the sweep goes on.
void maybe_inject_failure(const DesignPoint& point) {
  const char* id = std::getenv("FXSIM_SWEEP_INJECT_FAIL");
  if (id && std::to_string(point.id) == id) {
    throw std::runtime_error("injected failure (FXSIM_SWEEP_INJECT_FAIL=" + std::string(id) + ")");
  }
}

// One engine configuration checked on the RTL backend against its model run, in one place: a
// configuration without a Verilated variant is "no_variant"; a failed on-demand build "failed"
// (with its log in the error); otherwise "pass" or "mismatch" (values or cycles).
struct RtlOutcome {
  std::string status;
  std::string error;
  std::uint64_t mismatches = 0;
  std::uint64_t cycles = 0;
};

RtlOutcome rtl_run(const engine::Elaboration& e, const engine::Stimulus& stim,
                   std::uint64_t model_cycles, const std::string& vcd_path) {
  RtlOutcome out;
  try {
    tlm_rtl::find_engine_variants(e);
  } catch (const verilated::RtlBuildError& e) {
    // An on-demand Verilator build that failed is a failure of this point's check, not a
    // missing variant: say so, with the build log's path in the message.
    out.status = "failed";
    out.error = std::string("RTL variant build failed: ") + e.what() + " (log: " + e.log_path + ")";
    return out;
  } catch (const verilated::RtlVariantError&) {
    out.status = "no_variant";
    return out;
  }
  env::RunOptions options;
  options.stimulus = &stim;
  options.vcd_path = vcd_path;
  const env::RunSummary rtl = env::run_point(e, env::Backends::RTL, options);
  const env::BackendRun& r = rtl.runs.at(0);
  out.mismatches = r.scoreboard.mismatch_count;
  out.cycles = r.cycles;
  const bool pass = r.completed && r.scoreboard.mismatch_count == 0 && r.tlm_errors == 0 &&
                    r.cycles == model_cycles;
  out.status = pass ? "pass" : "mismatch";
  return out;
}

// The row's RTL columns from the outcome of every engine of the point (one, or one per layer of
// a model workload): the first status other than "pass" wins; mismatches and cycles are summed.
void set_rtl_columns(const std::vector<RtlOutcome>& outcomes, std::uint64_t model_cycles,
                     ResultRow* row) {
  std::string status = "pass";
  std::uint64_t mismatches = 0, cycles = 0;
  for (const RtlOutcome& o : outcomes) {
    if (o.status != "pass" && status == "pass") {
      status = o.status;
      if (!o.error.empty()) row->set("error", o.error);
    }
    mismatches += o.mismatches;
    cycles += o.cycles;
  }
  row->set("rtl_status", status);
  if (status == "no_variant" || status == "failed") return;
  row->set("rtl_mismatches", i64(mismatches));
  row->set("rtl_cycles", i64(cycles));
  row->set("rtl_cycle_error",
           cycles ? (static_cast<double>(model_cycles) - static_cast<double>(cycles)) /
                        static_cast<double>(cycles)
                  : 0.0);
}

// The RTL verification of a single-engine point: model and rtl backends on the same stimulus.
void rtl_check(const EvaluateContext& ctx, const DesignPoint& point, const engine::Stimulus& stim,
               const env::RunSummary& model_run, bool trace, ResultRow* row) {
  std::string vcd;
  if (trace && ctx.spec->traces.vcd) {
    vcd = (ctx.trace_dir / ("point_" + std::to_string(point.id) + "_rtl.vcd")).string();
  }
  const std::uint64_t model_cycles = model_run.runs.at(0).cycles;
  set_rtl_columns({rtl_run(point.engines.front(), stim, model_cycles, vcd)}, model_cycles, row);
}

// yosys per unit instance (cached by synth/), times its count, summed over the point's engines:
// the same sum as the analytical estimate (engine::engine_cost).
void yosys_resources(const EvaluateContext& ctx, const DesignPoint& point, ResultRow* row) {
  std::int64_t lut = 0, dsp = 0, ff = 0, carry = 0;
  for (const engine::Elaboration& e : point.engines) {
    for (const engine::UnitInstance* u : e.instances()) {
      synth::SynthRequest req;
      req.unit = u->unit->name;
      req.overrides = u->params;
      req.family = point.params.family;
      req.use_dsp = point.use_dsp();
      const synth::SynthResult r = synth::synthesize(req, ctx.synth);
      lut += std::int64_t{u->count} * r.luts();
      dsp += std::int64_t{u->count} * r.counts.dsp();
      ff += std::int64_t{u->count} * r.counts.ff;
      carry += std::int64_t{u->count} * r.counts.carry();
    }
  }
  const std::int64_t lut_eq =
      resources::lut_equivalent(static_cast<int>(lut), static_cast<int>(dsp));
  row->set("yosys_lut", lut);
  row->set("yosys_ff", ff);
  row->set("yosys_carry", carry);
  row->set("yosys_dsp", dsp);
  row->set("yosys_lut_equivalent", lut_eq);
  row->set("lut", lut);
  row->set("dsp", dsp);
  row->set("lut_equivalent", lut_eq);
  row->set("resource_source", std::string("yosys"));
}

// kind = "model": the layers in turn on their engines (model backend), each layer's engine
// outputs cast into the next layer's input type (the model's own chaining, so an identity unless
// a point changes a format) as its inputs; the float model alongside for mse / sqnr; the RTL
// check per layer on the same stimulus.
void evaluate_model(const EvaluateContext& ctx, const DesignPoint& point,
                    const EvaluateRequest& request, ResultRow* row) {
  const LayerSource& src = *ctx.spec->workload.source;
  std::vector<FloatLayer> floats = model_float_layers(src);
  std::uint64_t cycles = 0, end_to_end = 0, mismatches = 0;
  double macs = 0;
  engine::Coverage coverage;
  std::vector<RtlOutcome> rtl;
  std::vector<std::int64_t> raw;
  fx::FxType raw_type;
  std::vector<double> reference;
  for (std::size_t l = 0; l < point.engines.size(); ++l) {
    const engine::Elaboration& e = point.engines[l];
    const engine::EngineConfig& cfg = e.point;
    FloatLayer& f = floats[l];
    if (l > 0) f.input = reference;  // the float model: the previous float layer's outputs
    engine::Stimulus stim = quantize_layer(f, cfg);
    if (l > 0) {
      for (std::size_t i = 0; i < raw.size(); ++i) {
        stim.input[i] = fx::convert(raw[i], raw_type, cfg.activation);
      }
    }
    env::RunOptions options;
    options.stimulus = &stim;
    const env::RunSummary s = env::run_point(e, env::Backends::MODEL, options);
    const env::BackendRun& run = s.runs.at(0);
    if (!run.completed) {
      throw std::runtime_error("the model run of layer " + std::to_string(l) + " did not complete");
    }
    cycles += run.cycles;
    end_to_end += run.end_to_end_cycles();
    mismatches += run.scoreboard.mismatch_count;
    coverage += s.coverage;
    macs += static_cast<double>(cfg.batch) * cfg.in_features * cfg.out_features;
    reference = float_reference(f, cfg);
    if (request.rtl) {
      try {
        rtl.push_back(rtl_run(e, stim, run.cycles, ""));
      } catch (const std::exception& ex) {
        // The model results stand; the RTL run's failure is the RTL check's outcome.
        rtl.push_back({"failed", std::string("rtl: ") + ex.what(), 0, 0});
      }
    }
    raw = run.output;
    raw_type = cfg.final_output();
  }
  const double latency_ns = static_cast<double>(cycles) * point.cfg().clock_ns;
  row->set("cycles", i64(cycles));
  row->set("latency_ns", latency_ns);
  row->set("end_to_end_cycles", i64(end_to_end));
  row->set("macs_per_s", latency_ns > 0 ? macs / (latency_ns * 1e-9) : 0.0);
  row->set("model_mismatches", i64(mismatches));
  const Accuracy acc = compare_outputs(reference, raw, raw_type);
  row->set("mse", acc.mse);
  row->set("sqnr_db", acc.sqnr_db);
  row->set("max_abs_error", acc.max_abs_error);
  row->set("classification_accuracy",
           top1_accuracy(raw, point.engines.back().point.out_features, floats.back().labels));
  row->set("acc_overflows", i64(coverage.accumulator.overflows));
  row->set("output_overflows", i64(coverage.mac_requant.overflows));
  row->set("bn_overflows", i64(coverage.bn_requant.overflows));
  if (ctx.spec->yosys) yosys_resources(ctx, point, row);
  if (request.rtl) set_rtl_columns(rtl, cycles, row);
}

// The columns a single-engine point gets beside its model run: yosys resources when the sweep
// asks for them, and the RTL check when the request does. The model results stand if the RTL run
// fails: its failure is the RTL check's outcome.
void hardware_columns(const EvaluateContext& ctx, const DesignPoint& point,
                      const engine::Stimulus& stim, const env::RunSummary& model_run,
                      const EvaluateRequest& request, ResultRow* row) {
  if (ctx.spec->yosys) yosys_resources(ctx, point, row);
  if (!request.rtl) return;
  try {
    rtl_check(ctx, point, stim, model_run, request.trace, row);
  } catch (const std::exception& e) {
    row->set("rtl_status", std::string("failed"));
    row->set("error", std::string("rtl: ") + e.what());
  }
}

// kind = "int": the float layer quantized as PyTorch's static quantization (int_point.hpp) on the
// engine with [requant]. The integer method's outputs are the engine's; the float method runs
// the same hardware (cycles, resources, the RTL check of the integer hardware) and takes its
// outputs from fx::requantize_float on the reference accumulators (fxsim has no float
// requantizer RTL). Accuracy: the outputs dequantized against the float layer.
// Returns the stimulus (for the traces).
engine::Stimulus evaluate_int(const EvaluateContext& ctx, const DesignPoint& point,
                              const EvaluateRequest& request, ResultRow* row) {
  const engine::Elaboration& e = point.engines.front();
  const std::vector<double> products =
      ctx.layer_products ? *ctx.layer_products : float_products(*ctx.layer);
  const IntLayer l =
      quantize_int_layer(*ctx.layer, products, int_point_spec(*ctx.spec, point.params));
  if (l.output.zero_point(0) != e.point.requant->zero_point ||
      l.lshift_max() != e.point.requant->lshift_max) {
    throw std::logic_error("the int point's layer was calibrated differently when expanded");
  }
  const engine::Stimulus stim = int_stimulus(l);
  env::RunOptions options;
  options.stimulus = &stim;
  const env::RunSummary s = env::run_point(e, env::Backends::MODEL, options);
  const env::BackendRun& run = s.runs.at(0);
  if (!run.completed) throw std::runtime_error("the model run did not complete");
  row->set("cycles", i64(run.cycles));
  row->set("latency_ns", s.latency_ns(run));
  row->set("end_to_end_cycles", i64(run.end_to_end_cycles()));
  row->set("macs_per_s", s.macs_per_second(run));
  row->set("model_mismatches", i64(run.scoreboard.mismatch_count));
  const std::vector<std::int64_t> q =
      point.params.requant == RequantMethod::FLOAT
          ? requantize_float_outputs(l, engine::compute_reference(e, stim).mac_output)
          : run.output;
  const std::vector<double> values = dequantize_outputs(l, q);
  const Accuracy acc = compare_values(l.reference, values);
  row->set("mse", acc.mse);
  row->set("sqnr_db", acc.sqnr_db);
  row->set("max_abs_error", acc.max_abs_error);
  if (const LayerSource* src = ctx.spec->workload.source.get()) {
    // The last layer's integers are the logits (the dequantization keeps their order); a hidden
    // layer's values are cast into the next layer's input type.
    const std::vector<std::int64_t> logits =
        src->last_layer() ? q : src->logits_from_layer_values(values);
    row->set("classification_accuracy",
             top1_accuracy(logits, src->file.model.layers.back().out_features, ctx.layer->labels));
  }
  row->set("acc_overflows", i64(s.coverage.accumulator.overflows));
  // int_requant's clamps to the output range (the integer method's; the float method's own
  // outputs are not counted).
  row->set("output_overflows", i64(s.coverage.int_requant.overflows));
  row->set("bn_overflows", i64(s.coverage.bn_requant.overflows));
  hardware_columns(ctx, point, stim, s, request, row);
  return stim;
}

// kind = "binary" / "ternary" / "xnor": the float layer's weights quantized with one scale
// (alpha) for the tensor (bipolar_point.hpp; xnor: the activations too, beta) on the xnor_pe
// engine; accuracy of the outputs as values (alpha beta applied: the residual without bn, folded
// into the BN scale with bn) against the float layer; threshold points: the levels against the
// float layer's levels (threshold_point.hpp). Returns the stimulus (for the traces).
engine::Stimulus evaluate_bipolar(const EvaluateContext& ctx, const DesignPoint& point,
                                  const EvaluateRequest& request, ResultRow* row) {
  const engine::Elaboration& e = point.engines.front();
  const engine::EngineConfig& cfg = e.point;
  const BipolarLayer l = quantize_bipolar_layer(*ctx.layer, bipolar_kind(point.params.kind),
                                                cfg.bn.has_value(), cfg.binary_activation);
  if (l.engine_type() != *cfg.bipolar) {
    throw std::logic_error(
        "the binary / ternary point's layer was quantized differently when "
        "expanded");
  }
  row->set("weight_scale", l.scale);
  if (l.binary_activation) row->set("activation_scale", l.activation_scale);
  const std::vector<double> products =
      ctx.layer_products ? *ctx.layer_products : float_products(*ctx.layer);
  std::vector<double> levels;
  engine::Stimulus stim = bipolar_stimulus(*ctx.layer, l, cfg);
  if (cfg.threshold) {
    levels = threshold_levels(products, cfg.threshold->thresholds);
    set_threshold_params(l, cfg, levels, &stim);
  }
  env::RunOptions options;
  options.stimulus = &stim;
  const env::RunSummary s = env::run_point(e, env::Backends::MODEL, options);
  const env::BackendRun& run = s.runs.at(0);
  if (!run.completed) throw std::runtime_error("the model run did not complete");
  row->set("cycles", i64(run.cycles));
  row->set("latency_ns", s.latency_ns(run));
  row->set("end_to_end_cycles", i64(run.end_to_end_cycles()));
  row->set("macs_per_s", s.macs_per_second(run));
  row->set("model_mismatches", i64(run.scoreboard.mismatch_count));
  const std::vector<double> reference = cfg.threshold ? threshold_reference(products, levels)
                                                      : float_reference(*ctx.layer, products, cfg);
  const std::vector<double> values = bipolar_output_values(l, run.output, cfg);
  const Accuracy acc = compare_values(reference, values);
  row->set("mse", acc.mse);
  row->set("sqnr_db", acc.sqnr_db);
  row->set("max_abs_error", acc.max_abs_error);
  if (const LayerSource* src = ctx.spec->workload.source.get(); src && !cfg.threshold) {
    // The last layer's raws are the logits up to the positive factor alpha; a hidden layer's
    // values are cast into the next layer's input type. (A threshold point's levels are not the
    // layer's values: no classification accuracy.)
    const std::vector<std::int64_t> logits =
        src->last_layer() ? run.output : src->logits_from_layer_values(values);
    row->set("classification_accuracy",
             top1_accuracy(logits, src->file.model.layers.back().out_features, ctx.layer->labels));
  }
  row->set("acc_overflows", i64(s.coverage.accumulator.overflows));
  row->set("output_overflows", i64(s.coverage.mac_requant.overflows));
  row->set("bn_overflows", i64(s.coverage.bn_requant.overflows));
  hardware_columns(ctx, point, stim, s, request, row);
  return stim;
}

void write_traces(const EvaluateContext& ctx, const DesignPoint& point,
                  const engine::Stimulus& stim) {
  std::filesystem::create_directories(ctx.trace_dir);
  const std::string base = (ctx.trace_dir / ("point_" + std::to_string(point.id))).string();
  // SystemC appends ".vcd" to the name it is given.
  env::RunOptions options;
  options.stimulus = &stim;
  options.vcd_path = base + "_model";
  env::run_point(point.engines.front(), env::Backends::MODEL, options);
  const std::string vcd = base + "_model.vcd";
  if (ctx.spec->traces.csv) {
    std::ifstream in(vcd);
    std::ofstream out(base + ".csv", std::ios::binary);
    traces::write_transaction_trace(traces::read_engine_vcd(in, vcd), out);
    if (!out) throw std::runtime_error("cannot write " + base + ".csv");
  }
  if (!ctx.spec->traces.vcd) std::filesystem::remove(vcd);
}

// An int point's parameter columns: its affine formats (the engine's fixed<W,W> raws are their
// integers), the requantizer's rounding and clamp as rounding / overflow.
void describe_int_parameters(const DesignPoint& point, const engine::EngineConfig& cfg,
                             ResultRow* row) {
  const PointParams& p = point.params;
  row->set("activation_type", fx::AffineInt::make(false, cfg.activation.width).str());
  row->set("weight_type", fx::AffineInt::make(true, cfg.fx_weight().width).str());
  row->set("accumulator_type", fx::AffineInt::make(true, cfg.accumulator.width).str());
  row->set("output_type", cfg.requant->output.str());
  // integer: int_requant's rounding ([requant] rounding); float: nearbyint, ties to even.
  row->set("rounding",
           std::string(p.requant == RequantMethod::FLOAT                      ? "nearest_even"
                       : cfg.requant->rounding == fx::IntegerRounding::SINGLE ? "single"
                                                                              : "double"));
  row->set("overflow", std::string("SAT"));
  row->set("pe", std::int64_t{cfg.pe});
  row->set("simd", std::int64_t{cfg.simd});
  row->set("mac_stages", std::int64_t{cfg.mac_stages});
  row->set("clock_ns", cfg.clock_ns);
  row->set("in_features", std::int64_t{cfg.in_features});
  row->set("out_features", std::int64_t{cfg.out_features});
  row->set("batch", std::int64_t{cfg.batch});
  row->set("activation_bits", std::int64_t{cfg.activation.width});
  row->set("seed", static_cast<std::int64_t>(cfg.seed));
}

// The identity and parameter columns of a point (valid: its engine; invalid: the configuration
// it would have had, when it could be built), plus the defaults of every row.
ResultRow describe_parameters(const DesignPoint& point) {
  const PointParams& p = point.params;
  ResultRow row;
  row.set("point_id", point.id);
  row.set("point_key", point.key);
  row.set("kind", std::string(to_string(p.kind)));
  row.set("k", std::int64_t{p.k});
  row.set("bn_scale_kind", std::string(to_string(p.bn)));
  row.set("family", std::string(resources::family_name(p.family)));
  row.set("weight_bits", std::int64_t{p.weight.width});
  row.set("rtl_status", std::string("not_run"));
  row.set("pareto_accuracy_latency_lut", std::int64_t{0});
  row.set("pareto_dsp_lut", std::int64_t{0});
  row.set("error", std::string());
  if (p.kind == UnitKind::INT) {
    row.set("affine_weights", std::string(to_string(p.affine_weights)));
    row.set("requant_method", std::string(to_string(p.requant)));
  }
  const std::vector<engine::EngineConfig>* configs = &point.unchecked;
  std::vector<engine::EngineConfig> elaborated;
  if (point.valid()) {
    for (const engine::Elaboration& e : point.engines) elaborated.push_back(e.point);
    configs = &elaborated;
  }
  if (configs->empty()) return row;
  const engine::EngineConfig& cfg = configs->front();
  if (p.kind == UnitKind::INT) {
    describe_int_parameters(point, cfg, &row);
    return row;
  }
  row.set("activation_type", cfg.binary_activation ? std::string("binary") : cfg.activation.str());
  if (cfg.threshold) row.set("thresholds", std::int64_t{cfg.threshold->thresholds});
  if (cfg.bipolar) {
    // The format's name; its per-tensor scale is the weight_scale column (set when the point
    // runs), the engine's power-of-two part of it internal (explore/bipolar_point.hpp).
    row.set("weight_type", std::string(fx::to_string(cfg.bipolar->kind)));
    row.set("weight_bits", std::int64_t{cfg.bipolar->code_bits()});
  } else {
    row.set("weight_type", fx::type_str(cfg.weight));
  }
  row.set("accumulator_type", cfg.accumulator.str());
  row.set("output_type", cfg.output.str());
  row.set("rounding", std::string(fx::to_string(cfg.output.rounding)));
  row.set("overflow", std::string(fx::to_string(cfg.output.overflow)));
  row.set("pe", std::int64_t{cfg.pe});
  row.set("simd", std::int64_t{cfg.simd});
  row.set("mac_stages", std::int64_t{cfg.mac_stages});
  if (cfg.bn) {
    row.set("bn_scale_type", fx::type_str(cfg.bn->scale));
    row.set("bn_bias_type", cfg.bn->bias.str());
    row.set("bn_output_type", cfg.bn->output.str());
    row.set("bn_activation", std::string(engine::to_string(cfg.bn->activation)));
  }
  row.set("clock_ns", cfg.clock_ns);
  row.set("in_features", std::int64_t{cfg.in_features});
  // A model workload: the model's inputs and outputs (the first layer's in, the last's out).
  row.set("out_features", std::int64_t{configs->back().out_features});
  row.set("batch", std::int64_t{cfg.batch});
  row.set("activation_bits", std::int64_t{cfg.activation.width});
  row.set("seed", static_cast<std::int64_t>(cfg.seed));
  return row;
}

}  // namespace

ResultRow describe_point(const SweepSpec& spec, const DesignPoint& point,
                         const resources::ResourceEstimate& est) {
  ResultRow row = describe_parameters(point);
  if (spec.workload.kind == WorkloadKind::NETWORK) describe_network_point(spec, point, &row);
  row.set("est_lut", std::int64_t{est.lut});
  row.set("est_ff", std::int64_t{est.ff});
  row.set("est_carry", std::int64_t{est.carry});
  row.set("est_dsp", std::int64_t{est.dsp});
  row.set("est_lut_equivalent", std::int64_t{est.lut_equivalent});
  row.set("est_bram18", std::int64_t{est.bram18});
  row.set("est_bram36", std::int64_t{est.bram36});
  row.set("lut", std::int64_t{est.lut});
  row.set("dsp", std::int64_t{est.dsp});
  row.set("lut_equivalent", std::int64_t{est.lut_equivalent});
  row.set("resource_source", std::string("model"));
  return row;
}

ResultRow describe_invalid_point(const SweepSpec& spec, const DesignPoint& point) {
  ResultRow row = describe_parameters(point);
  if (spec.workload.kind == WorkloadKind::NETWORK) {
    describe_network_point(spec, point, &row);
  } else if (point.unchecked.empty()) {
    // Not even a configuration: the columns the parameters give directly.
    const PointParams& p = point.params;
    row.set("activation_type",
            p.kind == UnitKind::XNOR ? std::string("binary") : p.activation.str());
    if (p.kind == UnitKind::BINARY || p.kind == UnitKind::TERNARY || p.kind == UnitKind::XNOR) {
      row.set("weight_type", std::string(p.kind == UnitKind::TERNARY ? "ternary" : "binary"));
    } else if (p.kind == UnitKind::KHOT || p.kind == UnitKind::SPT) {
      row.set("weight_type", fx::type_str(weight_khot(p)));
    } else {
      row.set("weight_type", p.weight.str());
    }
    if (p.accumulator) row.set("accumulator_type", p.accumulator->str());
    row.set("output_type", p.output.str());
    row.set("rounding", std::string(fx::to_string(p.output.rounding)));
    row.set("overflow", std::string(fx::to_string(p.output.overflow)));
    row.set("pe", std::int64_t{p.pe});
    row.set("simd", std::int64_t{p.simd});
    row.set("mac_stages", std::int64_t{p.mac_stages});
    row.set("clock_ns", p.clock_ns);
    row.set("in_features", std::int64_t{spec.workload.in_features});
    row.set("out_features", std::int64_t{spec.workload.out_features});
    row.set("batch", std::int64_t{spec.workload.batch});
    row.set("activation_bits", std::int64_t{p.kind == UnitKind::XNOR ? 1 : p.activation.width});
    row.set("seed", static_cast<std::int64_t>(spec.seed));
  }
  row.set("status", std::string("pruned"));
  row.set("error", "invalid: " + point.invalid);
  return row;
}

ResultRow evaluate_point(const EvaluateContext& ctx, const DesignPoint& point,
                         const EvaluateRequest& request) {
  ResultRow row = describe_point(*ctx.spec, point, estimate_engine(point));
  try {
    maybe_inject_failure(point);
    if (point.network) {
      evaluate_network_point(*ctx.spec, point, &row);
      row.set("status", std::string("ok"));
      return row;
    }
    if (point.per_layer) {
      evaluate_model(ctx, point, request, &row);
      row.set("status", std::string("ok"));
      return row;
    }
    if (point.params.kind == UnitKind::BINARY || point.params.kind == UnitKind::TERNARY ||
        point.params.kind == UnitKind::XNOR) {
      const engine::Stimulus stim = evaluate_bipolar(ctx, point, request, &row);
      if (request.trace) write_traces(ctx, point, stim);
      row.set("status", std::string("ok"));
      return row;
    }
    if (point.params.kind == UnitKind::INT) {
      const engine::Stimulus stim = evaluate_int(ctx, point, request, &row);
      if (request.trace) write_traces(ctx, point, stim);
      row.set("status", std::string("ok"));
      return row;
    }
    const engine::Stimulus stim = quantize_layer(*ctx.layer, point.cfg());
    env::RunOptions options;
    options.stimulus = &stim;
    const env::RunSummary s = env::run_point(point.engines.front(), env::Backends::MODEL, options);
    const env::BackendRun& run = s.runs.at(0);
    if (!run.completed) throw std::runtime_error("the model run did not complete");
    row.set("cycles", i64(run.cycles));
    row.set("latency_ns", s.latency_ns(run));
    row.set("end_to_end_cycles", i64(run.end_to_end_cycles()));
    row.set("macs_per_s", s.macs_per_second(run));
    row.set("model_mismatches", i64(run.scoreboard.mismatch_count));
    const std::vector<double> reference =
        ctx.layer_products ? float_reference(*ctx.layer, *ctx.layer_products, point.cfg())
                           : float_reference(*ctx.layer, point.cfg());
    const Accuracy acc = compare_outputs(reference, run.output, point.cfg().final_output());
    row.set("mse", acc.mse);
    row.set("sqnr_db", acc.sqnr_db);
    row.set("max_abs_error", acc.max_abs_error);
    if (const LayerSource* src = ctx.spec->workload.source.get()) {
      // A layer workload: the whole model's top-1 accuracy with this layer as the design point
      // (the layers before and after it as trained, through the golden integer inference).
      const std::vector<std::int64_t> logits =
          src->logits_from_layer_output(run.output, point.cfg().final_output());
      row.set("classification_accuracy",
              top1_accuracy(logits, src->file.model.layers.back().out_features, ctx.layer->labels));
    }
    row.set("acc_overflows", i64(s.coverage.accumulator.overflows));
    row.set("output_overflows", i64(s.coverage.mac_requant.overflows));
    row.set("bn_overflows", i64(s.coverage.bn_requant.overflows));
    hardware_columns(ctx, point, stim, s, request, &row);
    if (request.trace) write_traces(ctx, point, stim);
    row.set("status", std::string("ok"));
  } catch (const std::exception& e) {
    row.set("status", std::string("failed"));
    row.set("error", std::string(e.what()));
  }
  return row;
}

}  // namespace fxsim::explore
