// fxsim: the command line. Each subcommand registers itself here; parsing is
// CLI11's, output formatting fmt's.
#include <cstdio>
#include <iostream>
#include <string>

#include "apps/commands.hpp"
#include "fxsim_version.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);

  CLI::App app{
      "fxsim: bit-accurate co-simulation of quantized neural-network datapaths for FPGAs.\n"
      "Fixed-point and K-hot number formats with SystemC semantics, checked against a\n"
      "golden model, SystemC/TLM models and Verilated RTL.",
      "fxsim"};
  app.set_version_flag("--version", std::string("fxsim ") + FXSIM_VERSION,
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer("Run 'fxsim SUBCOMMAND --help' for the options of one subcommand.");

  fxsim::cli::CommandStatus status;
  fxsim::cli::add_quantize_command(app, status);
  fxsim::cli::add_synth_command(app, status);
  fxsim::cli::add_run_command(app, status);
  fxsim::cli::add_train_command(app, status);
  fxsim::cli::add_import_command(app, status);
  fxsim::cli::add_verify_command(app, status);
  fxsim::cli::add_network_from_model_command(app, status);
  fxsim::cli::add_fold_command(app, status);
  fxsim::cli::add_sweep_command(app, status);
  fxsim::cli::add_merge_command(app, status);
  fxsim::cli::add_report_command(app, status);
  fxsim::cli::add_status_command(app, status);

  if (argc <= 1) {
    // No subcommand at all: show what there is, as a usage error.
    std::fputs(app.help().c_str(), stderr);
    return fxsim::cli::kExitUsage;
  }
  // CLI11 reports an unknown first word only as "A subcommand is required"; name it instead.
  const std::string first = argv[1];
  if (!first.empty() && first[0] != '-' &&
      app.get_subcommands([&first](CLI::App* sub) { return sub->check_name(first); }).empty()) {
    std::fprintf(stderr, "fxsim: unknown subcommand '%s'\nRun with --help for more information.\n",
                 first.c_str());
    return fxsim::cli::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end up here with exit code 0; everything else is a usage error,
    // reported as "fxsim SUBCOMMAND: ..." like every other error, with exit code 2.
    return fxsim::cli::parse_error_exit(app, e);
  }
  return status.exit_code;
}
