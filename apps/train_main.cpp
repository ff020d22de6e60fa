// fxsim-train: the LibTorch half of `fxsim train`, a separate executable so that the fxsim
// binary does not load LibTorch (hundreds of shared libraries, ~0.6 s per start) for every
// other subcommand. `fxsim train ARGS` executes `fxsim-train train ARGS` from the same folder
// (apps/cmd_train_forward.cpp); the options, help and exit codes are those of apps/cmd_train.cpp.
#include <cstdio>
#include <iostream>
#include <string>

#include "apps/commands.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{"fxsim train (LibTorch)", "fxsim"};
  app.require_subcommand(1);
  fxsim::cli::CommandStatus status;
  fxsim::cli::add_train_command(app, status);
  fxsim::cli::add_import_command(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return fxsim::cli::parse_error_exit(app, e);  // "fxsim train: ..." as from fxsim itself
  }
  return status.exit_code;
}
