// Where fxsim keeps what it can rebuild (yosys results, on-demand Verilated variants): one
// directory shared by `fxsim synth`, the sweeps and the rtl backend, so that each finds the
// others' entries.
#pragma once

#include <filesystem>

namespace fxsim::util {

// explicit_dir (--cache-dir) when not empty, else $FXSIM_CACHE_DIR, else $XDG_CACHE_HOME/fxsim,
// else $HOME/.cache/fxsim (empty variables count as unset). Throws std::runtime_error when none
// of them is available.
std::filesystem::path resolve_cache_dir(const std::filesystem::path& explicit_dir);

}  // namespace fxsim::util
