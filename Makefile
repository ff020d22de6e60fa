# Thin wrapper over scripts/install-deps, CMake and CTest. CMake owns the build; nothing here
# duplicates it.
#
#   make deps    install the Debian packages (scripts/install-deps; quick when already installed)
#   make build   configure build/ if it is not configured yet, then build it
#   make run     deps + build, then scripts/run-example
#   make test    deps + build + every test in build/ except label `regression` (run those with
#                ctest --test-dir build -L regression), then the fx sanitizer build in build-asan/
#   make bench   deps + build, then run every benchmark (target run_benchmarks)
#   make format  clang-format -i over the project's C++ sources
#   make clean   remove build/ and build-asan/

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Prerequisites run one after another, left to right, even under `make -j`: deps before build.
.NOTPARALLEL:
# No "Entering directory" lines from the makefiles CMake generates.
MAKEFLAGS += --no-print-directory

BUILD_DIR := build
ASAN_BUILD_DIR := build-asan
JOBS ?= 2
FORMAT_DIRS := fx util models golden synth tlm traces testbenches explore apps bench

# SystemC prints a copyright banner from every binary; tests and examples stay quiet.
export SC_COPYRIGHT_MESSAGE := DISABLE
# Sanitizer runs: UBSan reports come with a stack trace (the build already makes them fatal).
export UBSAN_OPTIONS := print_stacktrace=1

.PHONY: deps build run test bench format clean

deps:
	scripts/install-deps

# Configures only when build/ has no generated build system yet; after that `cmake --build`
# re-runs the configure step by itself whenever a CMakeLists.txt changes.
build:
	@if [[ ! -f $(BUILD_DIR)/CMakeCache.txt \
	      || ( ! -f $(BUILD_DIR)/Makefile && ! -f $(BUILD_DIR)/build.ninja ) ]]; then \
	  echo "cmake -S . -B $(BUILD_DIR)"; \
	  cmake -S . -B $(BUILD_DIR); \
	fi
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: deps build
	scripts/run-example

test: deps build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS) -LE regression
	cmake -S . -B $(ASAN_BUILD_DIR) -DFXSIM_FX_ONLY=ON -DFXSIM_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j$(JOBS)

bench: deps build
	cmake --build $(BUILD_DIR) --target run_benchmarks

format:
	@dirs=(); for d in $(FORMAT_DIRS); do if [[ -d $$d ]]; then dirs+=("$$d"); fi; done; \
	if (( $${#dirs[@]} )); then \
	  find "$${dirs[@]}" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) \
	    -print0 | xargs -0 -r clang-format -i; \
	fi

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR)
