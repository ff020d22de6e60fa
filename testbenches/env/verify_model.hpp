// `fxsim verify`: the test images of an exported model file through the SystemC testbench of
// docs/engine.md (initiator -> TLM -> accelerator -> model or Verilated RTL backend), layer by
// layer, each layer's hardware outputs feeding the next; every layer checked bit-exactly by the
// scoreboard against models/units, the last layer's logits against the golden logits stored in
// the model file (the LibTorch integer inference; for a binary / ternary model, golden/
// bipolar_network's reference inference also checks every layer's outputs), and the hardware's
// accuracy against the golden accuracy on the same images.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/latency.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "testbenches/env/run_point.hpp"

namespace fxsim::env {

struct VerifyOptions {
  env::BackendKind backend = env::BackendKind::MODEL;
  int images = 0;       // the first N golden images; 0: all the model file holds
  int batch = 1000;     // images per engine run (the BATCH register); the last run takes the rest
  engine::Hardware hw;  // PE (of every layer unless layer_pe says otherwise), depths, clock, bus
  // PE of each layer: empty: hw.pe for every layer; one value: that for every layer; otherwise
  // one per layer of the model (another count is a VerifyError naming the number of layers).
  // SIMD is not chosen here: it is each layer's own (the model file's accumulation order).
  std::vector<int> layer_pe;
  // The family of the analytical resource estimate (engine::engine_cost, DSP multipliers).
  resources::Family family = resources::Family::xc7;
  // Where the golden results' image file (a bare IDX file name, e.g. t10k-images-idx3-ubyte.gz)
  // lives; an absolute name is used as it is.
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  // Worker processes the batches are spread over (util::run_forked_tasks); 1: this process. The
  // report is the same for any count.
  int jobs = 1;
  // Called after every batch with (images done, images total).
  std::function<void(int, int)> progress;
};

// One layer over all batches.
struct LayerVerify {
  std::string name;
  int in_features = 0, out_features = 0, pe = 0, simd = 0;
  // The layer's design point as it ran (formats, PE, SIMD, bn_act; batch = the report's batch).
  engine::EngineConfig point;
  // Analytical resources of the layer's engine: PE x fx_mac_pe + PE x bn_act (engine_cost).
  resources::ResourceEstimate resources;
  std::string pe_variant, bn_variant;             // rtl backend: the Verilated variants
  std::uint64_t compute_cycles = 0;               // CYCLES register, summed over the batches
  std::uint64_t transfer_cycles = 0;              // bus cycles of loads and read-backs, summed
  std::uint64_t single_image_cycles = 0;          // CYCLES of one image alone (batch 1), measured
  std::uint64_t formula_single_image_cycles = 0;  // engine::compute_cycles(cfg, 1)
  // scoreboard: hardware vs models/units on the same input; for a binary / ternary layer (model
  // file version 4) also every output vs golden::reference_bipolar on the same input
  std::uint64_t mismatches = 0;
  std::uint64_t tlm_errors = 0;
  bool completed = true;
};

struct VerifyReport {
  std::string model_path;
  std::string backend;  // "model" | "rtl"
  int images = 0;
  int batch = 0;
  int jobs = 1;         // worker processes that ran the batches
  engine::Hardware hw;  // hw.pe: the default PE; each layer's own is layers[i].pe
  resources::Family family = resources::Family::xc7;
  std::vector<LayerVerify> layers;
  std::uint64_t logit_mismatches = 0;  // hardware logits != golden logits (raw compare)
  std::uint64_t images_with_mismatch = 0;
  int first_mismatch_image =
      -1;  // and its first differing class, the golden raw and the hardware's
  int first_mismatch_class = -1;
  std::int64_t first_expected = 0, first_got = 0;
  int hardware_correct = 0, golden_correct = 0;  // argmax == label, first maximum wins
  double hardware_accuracy = 0, golden_accuracy = 0;
  double wall_seconds = 0;

  std::uint64_t compute_cycles() const;       // all layers, all batches
  std::uint64_t single_image_cycles() const;  // latency of one image through all layers
  double cycles_per_image() const;            // compute_cycles / images (batched throughput)
  double latency_ns() const { return single_image_cycles() * hw.clock_ns; }
  double images_per_second_hardware() const;  // at the clock, from cycles_per_image
  double images_per_second_host() const;      // simulation speed: images / wall_seconds
  std::uint64_t layer_mismatches() const;
  resources::ResourceEstimate resources() const;  // every layer's engine, summed
  // Every logit bit-exact, every layer bit-exact and complete without TLM errors, and hence the
  // same accuracy as the golden model.
  bool passed() const;
};

// A model file that cannot be verified (no golden results, images file missing, a layer the
// engine cannot run); what() says which and what to do.
class VerifyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

VerifyReport verify_model(const golden::ModelFile& file, const std::string& model_path,
                          const VerifyOptions& options);

// The hardware of each layer of `model` under `options` (hw with each layer's PE from
// layer_pe). Throws VerifyError when layer_pe has neither one value nor one per layer.
std::vector<engine::Hardware> layer_hardware(const golden::QuantNetwork& model,
                                             const VerifyOptions& options);
// The same for layers named `layer_names` (any model kind; the error lists the names).
std::vector<engine::Hardware> layer_hardware(const std::vector<std::string>& layer_names,
                                             const VerifyOptions& options);

}  // namespace fxsim::env
