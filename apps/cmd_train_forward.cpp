// `fxsim train` and `fxsim import`: hand their arguments to the fxsim-train executable next to
// fxsim (see apps/train_main.cpp for why LibTorch lives in a separate binary).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "util/process.hpp"

namespace fxsim::cli {
namespace {

// Replaces this process by `fxsim-train SUBCOMMAND ARGS...`.
int exec_fxsim_train(const std::string& subcommand, const std::vector<std::string>& args) {
  const std::optional<std::filesystem::path> self = util::self_executable();
  const std::filesystem::path train =
      self ? self->parent_path() / "fxsim-train" : std::filesystem::path("fxsim-train");
  std::vector<std::string> argv_s{train.string(), subcommand};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  ::execv(argv[0], argv.data());
  print_error("fxsim " + subcommand, "cannot run {}: {} (build the fxsim-train target)", argv[0],
              std::strerror(errno));
  return kExitFailure;
}

}  // namespace

void add_train_command(CLI::App& app, CommandStatus& status) {
  CLI::App* sub = app.add_subcommand(
      "train",
      "Train a Fashion-MNIST MLP or CNN: float baseline, PTQ, QAT with fixed formats, QAT with\n"
      "learned binary points and K-hot BN scales; export every quantized variant as a model file\n"
      "(runs fxsim-train; 'fxsim train --help' lists the options)");
  sub->prefix_command();  // every argument, --help included, goes to fxsim-train
  sub->set_help_flag();
  sub->callback([sub, &status] { status.exit_code = exec_fxsim_train("train", sub->remaining()); });
}

void add_import_command(CLI::App& app, CommandStatus& status) {
  CLI::App* sub = app.add_subcommand(
      "import",
      "Import an ONNX MLP or CNN (torch.onnx.export): quantize it by PTQ into a model file with\n"
      "golden logits (runs fxsim-train; 'fxsim import --help' lists the options)");
  sub->prefix_command();
  sub->set_help_flag();
  sub->callback(
      [sub, &status] { status.exit_code = exec_fxsim_train("import", sub->remaining()); });
}

}  // namespace fxsim::cli
