// `fxsim verify --engine network`: the golden test images of an exported model file through the
// streaming network the model becomes (network_from_model.hpp) on the network engine's model
// backend (the SystemC network model) or its rtl backend (the stitched Verilated top). The images
// go in chunks, each a run of its own from reset with its own operands and network reference, so
// memory stays bounded by the chunk whatever the image count. Every logit is checked against the
// golden logits stored in the model file, every output against the network reference; the report
// has the images, the logit mismatches (the first: image, class, both raws), the accuracy of the
// hardware and of the golden model, the latency and interval in cycles, images/s at the clock
// and on the host, the analytical resources per block and in total (network_cost), and the
// folding (docs/golden.md, "`fxsim verify`").
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"
#include "models/resources/family.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {

struct NetworkVerifyOptions {
  NetworkBackends backend = NetworkBackends::MODEL;  // MODEL or RTL
  int images = 0;   // the first N golden images; 0: all the model file holds
  int chunk = 500;  // images a run (the last run takes the rest)
  resources::Family family = resources::Family::xc7;
  std::string data_dir = VerifyOptions{}.data_dir;  // where the golden images' IDX file is
  std::string folding = "--pe";                     // how the folding was chosen, for the report
  // Called after every chunk with (images done, images total).
  std::function<void(int, int)> progress;
};

struct NetworkVerifyReport {
  std::string model_path;
  std::string backend;  // "model" | "rtl"
  std::string engine;   // the model backend's engine ("fast"); "" on rtl
  std::string folding;  // NetworkVerifyOptions::folding
  engine::NetworkPlan plan;
  resources::Family family = resources::Family::xc7;
  engine::NetworkCost cost;  // analytical, with DSP multipliers
  int images = 0, chunk = 0, chunks = 0, classes = 0;
  // Every logit against the golden logits, over all chunks (image numbers from the first image).
  GoldenLogitCheck golden;
  std::uint64_t reference_mismatches = 0;  // outputs that differ from the network reference
  std::vector<std::int64_t> logits;        // the network's, images x classes raws
  // The first chunk's run: reset release to the first image's last logit, and the cycles between
  // its last two images' results (0 when it has one image). Each chunk starts from reset with the
  // same description, so a chunk of a few images already shows them (tested: chunks of 2, 5 and
  // all images give the same).
  std::uint64_t latency_cycles = 0;
  std::uint64_t interval_cycles = 0;
  std::uint64_t simulated_cycles = 0;  // every chunk's run, reset release to its last result
  std::string bottleneck;              // the model backend's; "" on rtl
  double wall_seconds = 0;

  double latency_ns() const { return static_cast<double>(latency_cycles) * plan.config.clock_ns; }
  // At the clock, one image every interval (the latency with a single image).
  double images_per_second_hardware() const;
  double images_per_second_host() const;  // images / wall_seconds
  // Every logit bit-exact and every output equal to the network reference.
  bool passed() const;
};

// Throws VerifyError (no golden results, more images than they hold, the images' file missing)
// and what the runs throw. `plan` is network_from_model's description of `file`, planned.
NetworkVerifyReport verify_network(const golden::ModelFile& file, const std::string& model_path,
                                   const engine::NetworkPlan& plan,
                                   const NetworkVerifyOptions& options);

std::string network_verify_text(const NetworkVerifyReport& r);
nlohmann::ordered_json network_verify_json(const NetworkVerifyReport& r);

}  // namespace fxsim::env
