// `fxsim sweep SWEEP.toml`: a design-space exploration of the layer engine (docs/sweeps.md), and
// the hidden `fxsim sweep-worker` it starts once per job. Exit codes: 0 every point ran (failed
// points are results, not errors: they are in the database with their message); 1 the sweep
// could not run (results directory unusable, workers cannot start); 2 a bad sweep file or bad
// options, a sweep without a valid point, or with --strict an invalid one, reported before any
// point runs (without --strict invalid points are recorded as pruned: docs/sweeps.md). With --slurm
// (docs/slurm.md) it submits the sweep as a Slurm job array instead: 0 submitted (or already
// complete); 1 sbatch missing or failing; 2 a bad sweep file or options, or DIR holding another
// submission.
#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "apps/commands.hpp"
#include "explore/design_points.hpp"
#include "explore/slurm/slurm_submit.hpp"
#include "explore/sweep_runner.hpp"
#include "explore/worker.hpp"
#include "fxsim_version.hpp"
#include "util/cache_dir.hpp"
#include "util/process.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim sweep";

struct SweepCommandOptions {
  std::string sweep_file;
  std::string out;
  int jobs = 0;
  std::string shard = "0/1";
  bool resume = false;
  bool strict = false;
  std::string yosys_cache;
  std::string progress = "auto";
  // --slurm and its options (docs/slurm.md).
  bool slurm = false;
  int tasks = 0;  // 0: not given
  std::string partition, time;
  std::vector<std::string> sbatch_args;
};

// --slurm: DIR, the sweep file and the yosys cache made absolute (the tasks run on other nodes),
// then the submission of explore/slurm/slurm_submit.hpp.
int slurm_command(const SweepCommandOptions& o, const explore::SweepSpec& spec,
                  const std::filesystem::path& out, const std::string& exe) {
  if (o.shard != "0/1" || o.resume) {
    print_error(kCommand, "--slurm runs every shard and resumes by itself: drop {}",
                o.shard != "0/1" ? "--shard" : "--resume");
    return kExitUsage;
  }
  if (!util::find_executable("sbatch")) {
    print_error(kCommand,
                "--slurm: sbatch not found on PATH: submitting needs Slurm's client commands "
                "(Debian package slurm-client, on a machine of the cluster). Without Slurm, run "
                "the sweep here (fxsim sweep {}) or one shard per machine (--shard I/N, then "
                "fxsim merge)",
                o.sweep_file);
    return kExitFailure;
  }
  slurm::SubmitSpec s;
  s.fxsim = exe;
  s.sweep_file = std::filesystem::absolute(o.sweep_file).lexically_normal();
  s.sweep_name = spec.name;
  s.layout.dir = std::filesystem::absolute(out).lexically_normal();
  s.tasks = o.tasks;
  s.jobs = o.jobs;
  if (!o.yosys_cache.empty()) {
    s.yosys_cache = std::filesystem::absolute(o.yosys_cache).lexically_normal().string();
  }
  s.partition = o.partition;
  s.time = o.time;
  s.sbatch_args = o.sbatch_args;
  try {
    slurm::submit_sweep(s, slurm::run_command, stdout);
  } catch (const slurm::SlurmError& e) {
    print_error(kCommand, "--slurm: {}", e.what());
    return e.usage ? kExitUsage : kExitFailure;
  } catch (const std::exception& e) {  // e.g. DIR/slurm/jobs.json cannot be written
    print_error(kCommand, "--slurm: {}", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

// --shard I/N as {I, N}; nullopt unless 0 <= I < N.
std::optional<std::pair<int, int>> parse_shard(const std::string& shard) {
  std::smatch m;
  static const std::regex shard_re(R"((\d+)/(\d+))");
  if (!std::regex_match(shard, m, shard_re) || std::stoi(m[2]) < 1 ||
      std::stoi(m[1]) >= std::stoi(m[2])) {
    return std::nullopt;
  }
  return std::make_pair(std::stoi(m[1]), std::stoi(m[2]));
}

// "48 points (grid)", "40 points (random sample of the 3888-point grid)", with the invalid
// points the sweep keeps as pruned.
std::string describe_points(const explore::SweepSpec& spec,
                            const std::vector<explore::DesignPoint>& points) {
  const std::size_t invalid = points.size() - explore::valid_points(points);
  std::string how =
      spec.sampling == explore::Sampling::GRID
          ? std::string("grid")
          : fmt::format("random sample of the {}-point grid", explore::grid_size(spec));
  if (invalid > 0) {
    how += fmt::format("; {} of them invalid, recorded as pruned", invalid);
  }
  return fmt::format("{} point{} ({})", points.size(), points.size() == 1 ? "" : "s", how);
}

// Random sampling that could not find `samples` valid points: why (empty otherwise).
std::string sample_note(const explore::SweepSpec& spec,
                        const std::vector<explore::DesignPoint>& points) {
  const std::size_t valid = explore::valid_points(points);
  if (spec.sampling != explore::Sampling::RANDOM ||
      valid >= static_cast<std::size_t>(spec.samples)) {
    return "";
  }
  return fmt::format(
      "samples = {}, but the grid has only {} valid point{} (of {}): running all of them",
      spec.samples, valid, valid == 1 ? "" : "s", explore::grid_size(spec));
}

// The points pruned by this invocation, by reason (the error column), most frequent first.
void print_pruned(const explore::SweepOutcome& r) {
  if (r.pruned == 0) return;
  const std::vector<explore::ReasonCount> reasons = explore::count_reasons(r.pruned_reasons);
  fmt::print("pruned {} point{} (status \"pruned\" in results.csv, the reason in column error):\n",
             r.pruned, r.pruned == 1 ? "" : "s");
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < reasons.size() && i < kShown; ++i) {
    fmt::print("{:>8}  {}\n", reasons[i].points, reasons[i].reason);
  }
  if (reasons.size() > kShown) {
    long rest = 0;
    for (std::size_t i = kShown; i < reasons.size(); ++i) rest += reasons[i].points;
    fmt::print("{:>8}  ({} other reasons; fxsim report lists them all)\n", rest,
               reasons.size() - kShown);
  }
}

// The sweep run here by worker processes of this executable (`exe sweep-worker`).
int local_command(const SweepCommandOptions& o, const explore::SweepSpec& spec,
                  const std::vector<explore::DesignPoint>& points, const std::filesystem::path& out,
                  const std::string& exe, std::pair<int, int> shard) {
  explore::SweepOptions options;
  options.out_dir = out;
  options.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.shard_index = shard.first;
  options.shard_count = shard.second;
  options.worker_command = {exe, "sweep-worker"};
  options.yosys_cache = o.yosys_cache;
  options.terminal = o.progress == "bar" || (o.progress == "auto" && isatty(STDERR_FILENO));
  options.fxsim_version = FXSIM_VERSION;

  fmt::print("sweep {}: {}{}, {} job{}, results in {}\n", spec.name, describe_points(spec, points),
             shard.second > 1 ? fmt::format(", shard {}/{} (the points whose id mod {} is {})",
                                            shard.first, shard.second, shard.second, shard.first)
                              : std::string(),
             options.jobs, options.jobs == 1 ? "" : "s", out.string());
  if (const std::string note = sample_note(spec, points); !note.empty()) {
    fmt::print("note: {}\n", note);
  }
  if (spec.yosys) {
    // The first points of a sweep on an empty cache wait for yosys: say so before the silence.
    const std::string cache = !o.yosys_cache.empty() ? o.yosys_cache : spec.yosys_cache;
    fmt::print(
        "yosys: resources per unit parameter set, cached in {}; a set not cached yet runs yosys "
        "(seconds, a minute or more for wide units)\n",
        (util::resolve_cache_dir(cache) / "synth").string());
  }
  std::fflush(stdout);
  explore::SweepOutcome r;
  try {
    r = explore::run_sweep(spec, points, options);
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  }
  const long ran = r.ok + r.failed + r.pruned;
  fmt::print(
      "sweep {}: {} points{}, {}{} ok, {} failed, {} pruned in {:.1f} s ({:.0f} points/min)\n",
      spec.name, r.in_shard, shard.second > 1 ? " in this shard" : "",
      r.already_done ? fmt::format("{} already done, ", r.already_done) : std::string(), r.ok,
      r.failed, r.pruned, r.seconds, r.seconds > 0 ? 60.0 * ran / r.seconds : 0.0);
  print_pruned(r);
  fmt::print("results: {}\n         {}\n", (out / "results.sqlite").string(),
             (out / "results.csv").string());
  return kExitOk;
}

int sweep_command(const SweepCommandOptions& o) {
  const std::optional<std::pair<int, int>> shard = parse_shard(o.shard);
  if (!shard) {
    print_error(kCommand, "--shard {}: expected I/N with 0 <= I < N (e.g. 0/4)", o.shard);
    return kExitUsage;
  }
  explore::SweepSpec spec;
  std::vector<explore::DesignPoint> points;
  try {
    spec = explore::load_sweep_file(o.sweep_file);
    explore::ExpandOptions expand;
    expand.strict = o.strict;
    points = explore::expand_sweep(spec, expand);
  } catch (const explore::SweepFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  const std::filesystem::path out =
      o.out.empty() ? std::filesystem::path("results") / spec.name : std::filesystem::path(o.out);
  if (o.resume && !o.slurm && !std::filesystem::exists(out / "results.sqlite")) {
    print_error(kCommand, "--resume: {} holds no results.sqlite to resume", out.string());
    return kExitUsage;
  }
  const std::optional<std::filesystem::path> self = util::self_executable();
  if (!self) {
    print_error(kCommand, "cannot find its own executable (/proc/self/exe)");
    return kExitFailure;
  }
  if (o.slurm) return slurm_command(o, spec, out, self->string());
  return local_command(o, spec, points, out, self->string(), *shard);
}

// `fxsim sweep-worker`: the worker the sweep starts (hidden: no help group).
void add_sweep_worker_command(CLI::App& app, CommandStatus& status) {
  auto w = std::make_shared<explore::WorkerArgs>();
  CLI::App* worker = app.add_subcommand("sweep-worker", "Internal: one worker of fxsim sweep");
  worker->group("");
  worker->add_option("--sweep", w->sweep_path)->required();
  worker->add_option("--sha256", w->sha256)->required();
  worker->add_option("--out", w->out_dir)->required();
  worker->add_option("--yosys-cache", w->yosys_cache);
  worker->callback([w, &status] {
    explore::wait_for_parent_on_termination();
    status.exit_code = explore::run_worker(*w);
  });
}

// --slurm and the options that only it takes (docs/slurm.md).
void add_slurm_options(CLI::App* cmd, SweepCommandOptions& o) {
  CLI::Option* slurm = cmd->add_flag(
      "--slurm", o.slurm,
      "Submit the sweep to Slurm instead of running it here: a job array (task I runs shard "
      "I/N into DIR/shards/I) and a merge job into DIR; DIR must be on a file system every "
      "node sees (docs/slurm.md). Run it again to rerun only missing points");
  cmd->add_option("--tasks", o.tasks,
                  "--slurm: array tasks N, one shard each (default: that of the first "
                  "submission into DIR, else 4)")
      ->check(CLI::Range(1, 100000))
      ->needs(slurm);
  cmd->add_option("--partition", o.partition,
                  "--slurm: partition of every job (sbatch --partition; default: the "
                  "cluster's)")
      ->needs(slurm);
  cmd->add_option("--time", o.time,
                  "--slurm: time limit of every job (sbatch --time, e.g. 2:00:00; default: the "
                  "partition's)")
      ->needs(slurm);
  cmd->add_option("--sbatch-arg", o.sbatch_args,
                  "--slurm: one more sbatch option for every job, written with '=' "
                  "(--sbatch-arg=--account=X --sbatch-arg=--cpus-per-task=4); repeatable")
      ->allow_extra_args(false)
      ->needs(slurm);
}

}  // namespace

void add_sweep_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<SweepCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Explore a design space of the layer engine or a streaming network: accuracy, latency, "
      "throughput, resources");
  cmd->add_option("sweep_file", o->sweep_file, "Sweep file (TOML; docs/sweeps.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", o->out,
                  "Results directory (results.sqlite, results.csv, traces/); default "
                  "results/<sweep name>");
  cmd->add_option("-j,--jobs", o->jobs,
                  "Worker processes (default: number of cores; with --slurm: per task, default "
                  "$SLURM_CPUS_PER_TASK, else 1)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--shard", o->shard,
                  "Run shard I of N: the points whose id mod N is I (e.g. a Slurm array task)")
      ->capture_default_str();
  cmd->add_flag("--resume", o->resume,
                "Continue an interrupted sweep in --out (re-running into the same directory "
                "does the same; --resume also insists that results exist)");
  cmd->add_flag("--strict", o->strict,
                "Refuse the sweep at its first invalid point (FILE:LINE:COLUMN: axes.<axis>: ..., "
                "exit 2) instead of recording invalid points as pruned");
  cmd->add_option("--yosys-cache", o->yosys_cache,
                  "yosys result cache (default: [sweep] yosys_cache, else the user cache)");
  cmd->add_option("--progress", o->progress,
                  "auto: a bar on a terminal, lines otherwise; bar; lines")
      ->check(CLI::IsMember({"auto", "bar", "lines"}))
      ->capture_default_str();
  add_slurm_options(cmd, *o);
  cmd->footer(
      "Every point's row is committed as soon as it is done: interrupt the sweep at any time\n"
      "and run the same command again (or with --resume) to do only the remaining points.\n"
      "Points the engine cannot build (K above the weight's magnitude bits, a format the RTL\n"
      "cannot hold, ...) are recorded as pruned with the reason and counted by reason at the\n"
      "end (docs/sweeps.md, \"Invalid points\"); --strict makes the first one an error.\n"
      "Relative paths in the sweep file (workload.model, workload.data, workload.network) are\n"
      "resolved against the sweep file's directory.\n"
      "[workload] kind = \"network\" sweeps a streaming network (a description or a model\n"
      "file) with global and per-layer axes ([axes.layer.<name>] pe, weight, k, bn) or\n"
      "target_interval (docs/sweeps.md, \"Network workloads\").\n"
      "[axes] kind = \"int\" adds affine integer points (int<W> weights, uint<W> activations\n"
      "and outputs, int_requant) with the axes affine_weights = per_tensor | per_channel and\n"
      "requant = integer | float, and a [requant] table (m0_bits, rounding, stages); random\n"
      "and layer workloads only (docs/sweeps.md, \"Affine integer points\").\n"
      "kind = \"binary\" | \"ternary\" | \"xnor\" add xnor_pe points (xnor: binary weights and\n"
      "activations); activation_unit = bn_act | threshold and thresholds = T put the threshold\n"
      "unit after their array (docs/sweeps.md, \"XNOR and threshold points\").\n"
      "Exit codes: 0 the sweep ran (failed points are recorded in the results); 1 it could not\n"
      "run; 2 a bad sweep file (FILE:LINE:COLUMN: key: ...), no valid point, an invalid point\n"
      "with --strict, or bad options.\n"
      "With --slurm (docs/slurm.md): 0 submitted, or already complete (nothing submitted);\n"
      "1 sbatch missing or failing, or jobs of the last submission still queued; 2 as above,\n"
      "or DIR holding a submission of another sweep file or another --tasks.\n"
      "Examples:\n"
      "  fxsim sweep docs/examples/sweep_default.toml --out results/sweep_default\n"
      "  fxsim sweep my.toml --out shard3 --shard 3/8 --jobs 2\n"
      "  fxsim sweep docs/examples/sweep_network_small.toml\n"
      "  fxsim sweep docs/examples/sweep_int_fixed_khot.toml\n"
      "  fxsim sweep docs/examples/sweep_xnor.toml\n"
      "  fxsim sweep my.toml --out /shared/me/my --slurm --tasks 16 --time 1:00:00 \\\n"
      "      --sbatch-arg=--account=lab --sbatch-arg=--cpus-per-task=4\n"
      "  fxsim status /shared/me/my");
  cmd->callback([o, &status] { status.exit_code = sweep_command(*o); });

  add_sweep_worker_command(app, status);
}

}  // namespace fxsim::cli
