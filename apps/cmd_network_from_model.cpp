// `fxsim network-from-model`: a trained model file (`fxsim train`, docs/golden.md) as a network
// description (docs/network.md, "From a trained model") at the folding given here: a block per
// layer (conv, pool, dense) with the layer's formats and bn_act, [network] model naming the file,
// so that
// `fxsim run --network` takes the trained weights and the golden test images from it and checks
// the golden logits. Exit codes: 0 written, 1 the file cannot be written, 2 a bad model file or
// a folding that does not fit it.
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "apps/folding_goal_options.hpp"
#include "golden/model_file.hpp"
#include "models/engine/network_folding.hpp"
#include "models/resources/family.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/verify_model.hpp"
#include "util/files.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim network-from-model";

struct NetworkFromModelOptions {
  std::string model;
  std::vector<int> pe = {1};
  int simd = 0;
  int fifo_depth = 2;
  int images = 0;
  std::string data;
  std::string name;
  std::string out;
  FoldingGoalOptions goal;  // the auto-folding rule's goal (none given: none)
  std::string family = "xc7";
};

// `path` as the description names it: relative to the description's directory (`out`'s, or the
// working directory when it goes to stdout) when given relative, else as given.
std::string path_from(const std::string& out, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  if (out.empty()) return path;
  const fs::path dir = fs::absolute(out).parent_path();
  return fs::absolute(path).lexically_normal().lexically_relative(dir.lexically_normal()).string();
}

std::string folding_text(const std::vector<int>& pe, int simd) {
  std::string t = "--pe ";
  for (std::size_t i = 0; i < pe.size(); ++i) t += (i ? "," : "") + std::to_string(pe[i]);
  return t + " --simd " + std::to_string(simd);
}

int network_from_model_command(const NetworkFromModelOptions& o) {
  golden::ModelFile file;
  try {
    file = golden::read_model_file(o.model);
  } catch (const std::exception& e) {  // ModelFileError (names the file)
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  if (file.is_affine()) {
    print_error(kCommand,
                "{}: an affine integer model (model file version 3): the network engine streams "
                "fixed-point and K-hot models; verify this one on the layer engine with `fxsim "
                "verify --model {}`",
                o.model, o.model);
    return kExitUsage;
  }
  env::ModelFolding f;
  f.pe = o.pe;
  f.simd = o.simd;
  f.fifo_depth = o.fifo_depth;
  f.images = o.images;
  f.name = o.name;
  f.model_ref = path_from(o.out, o.model);
  f.model_data_ref = path_from(o.out, o.data);
  if (auto goal = o.goal.goal(*resources::parse_family(o.family))) f.goal = *goal;
  engine::NetworkConfig cfg;
  try {
    cfg = env::network_from_model(file, f);
  } catch (const env::ModelFoldingError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  std::vector<int> pe;  // the folding as --pe / --simd, also when a goal chose it
  for (const engine::NetworkLayer& l : cfg.layers) {
    if (l.kind != engine::LayerKind::POOL) pe.push_back(l.pe);
  }
  const std::string text = env::network_toml(
      cfg, f,
      fmt::format("The trained model {} as a streaming network,\nwritten by `fxsim "
                  "network-from-model {}` (docs/network.md, \"From a trained model\").",
                  f.model_ref, folding_text(pe, cfg.input.simd)));
  if (o.out.empty()) {
    fmt::print("{}", text);
    return kExitOk;
  }
  try {
    util::write_file_atomically(o.out, text);
  } catch (const std::exception& e) {
    print_error(kCommand, "--out: {}", e.what());
    return kExitFailure;
  }
  fmt::print("wrote {}: {} {}blocks (", o.out, cfg.layers.size(),
             file.model.dense_only() ? "dense " : "");
  int simd = cfg.input.simd;
  for (std::size_t i = 0; i < cfg.layers.size(); ++i) {
    const engine::NetworkLayer& l = cfg.layers[i];
    if (l.kind == engine::LayerKind::POOL) {
      fmt::print("{}{} pool {}", i ? ", " : "", l.name, l.pool);
      continue;
    }
    fmt::print("{}{} PE {} SIMD {}", i ? ", " : "", l.name, l.pe, simd);
    simd = l.pe;
  }
  fmt::print("), {} images{}\n", cfg.images,
             file.golden ? " of the golden test set" : " from the seed (no golden results)");
  return kExitOk;
}

}  // namespace

void add_network_from_model_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<NetworkFromModelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "network-from-model",
      "Write a network description (docs/network.md) of a trained model file at a folding");
  cmd->add_option("-m,--model", o->model, "Model file written by `fxsim train` (*.fxm)")
      ->required()
      ->check(existing_file(kModelFileHint));
  CLI::Option* pe =
      cmd->add_option("--pe", o->pe,
                      "Output neurons (channels) in parallel: one value for every conv / dense "
                      "layer, or one per such layer, e.g. --pe 4,2; each must divide its layer's "
                      "outputs, and is the next conv / dense layer's SIMD")
          ->delimiter(',')
          ->check(CLI::Range(1, 1024))
          ->capture_default_str();
  const std::vector<CLI::Option*> goal_options = o->goal.add_to(cmd, "Instead of --pe / --simd: ");
  cmd->add_option("--family", o->family,
                  "FPGA family of the resources a --lut-budget / --dsp-budget counts")
      ->check(CLI::IsMember({"xc7", "xcup"}))
      ->capture_default_str();
  CLI::Option* simd =
      cmd->add_option("--simd", o->simd,
                      "Channels a beat of the input stream, the first layer's SIMD (default: the "
                      "model's); a SIMD other than the trained one only where the layer's "
                      "accumulator cannot overflow")
          ->check(CLI::Range(1, 64));
  for (CLI::Option* goal : goal_options) goal->excludes(pe)->excludes(simd);
  cmd->add_option("--fifo-depth", o->fifo_depth, "Depth of the FIFO in front of every block")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("-n,--images", o->images,
                  "[network] images: the first N golden test images (default: at most 100)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--data", o->data,
                  "Directory of the IDX file the golden results name (default: fxsim verify's, " +
                      env::VerifyOptions{}.data_dir + ")");
  cmd->add_option("--name", o->name, "[network] name (default: the model file's name)");
  cmd->add_option("-o,--out", o->out,
                  "Write the description to this file (default: stdout); a relative model path "
                  "in it is relative to the file's directory (on stdout: as given)");
  cmd->footer(
      "A block per layer of the model: a conv layer a conv block (sliding window + MVAU), a\n"
      "max-pool layer a pool block, a dense layer a dense block, with the layer's input, weight,\n"
      "accumulator and output formats and its bn_act (scale, bias, output, activation, clip),\n"
      "engine fx_mac (khot for K-hot / SPT conv weights). The input is the first layer's map\n"
      "(an MLP's: the flattened vector 1 x 1 x inputs), --simd channels a beat; a conv / dense\n"
      "block's SIMD is the previous conv / dense block's PE (a pool passes the lanes on); the\n"
      "first dense block reads the last map in stream order (YXC, the model's flatten).\n"
      "[network] model names the model file: `fxsim run --network`\n"
      "then takes the trained weights, BN parameters and the golden test images from it, checks\n"
      "its layers against the file's (FILE:LINE: layer[i].key: ...) and every output logit\n"
      "against the golden logits, and reports the top-1 accuracy.\n"
      "Exit codes: 0 written; 1 the file cannot be written; 2 a bad model file or a folding that\n"
      "does not fit it (--pe: 3 does not divide fc1's 16 outputs; expected one of ...).\n"
      "Examples:\n"
      "  fxsim network-from-model --model results/train_small/model_qat_khot2_e8.fxm --pe 4 \\\n"
      "      --out mlp.toml && fxsim run --network mlp.toml --backend both");
  cmd->callback([o, &status] { status.exit_code = network_from_model_command(*o); });
}

}  // namespace fxsim::cli
