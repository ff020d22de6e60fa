# Finds every third-party dependency, each from its Debian package, and fails early naming the
# package when one is missing. The targets it makes available are listed in the top-level
# CMakeLists.txt.
#
# FXSIM_FX_ONLY needs only what fx/ and testbenches/fx/ use (SystemC for the sc_fix oracle and
# GoogleTest), so the sanitizer build never loads LibTorch's CMake package or verilates anything.

include(FxsimRequire)

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

# SystemC and TLM-2.0 ship pkg-config files only in Debian (no SystemCLanguage CMake package).
fxsim_require_pkgconfig(SYSTEMC systemc NAME "SystemC" DEBIAN libsystemc-dev)
fxsim_require_pkgconfig(TLM tlm NAME "TLM-2.0 (part of SystemC)" DEBIAN libsystemc-dev)

fxsim_require_package(GTest NAME "GoogleTest" DEBIAN "libgtest-dev")
include(GoogleTest)  # gtest_discover_tests() for every test binary

if(FXSIM_FX_ONLY)
  return()
endif()

# GoogleMock comes with GTest's CMake package but from its own Debian package.
if(NOT TARGET GTest::gmock)
  fxsim_fail_missing("GoogleMock" "libgmock-dev")
endif()

# Torch's config also loads Caffe2's (gflags, glog, protobuf): a few seconds of configure time and
# some "Caffe2: Found ..." lines. Its target `torch` adds -D_GLIBCXX_USE_CXX11_ABI=1, which is
# g++ 12's default, so torch and non-torch translation units agree on the ABI.
fxsim_require_package(Torch NAME "LibTorch" DEBIAN libtorch-dev)
# ONNX files for `fxsim import` (golden/onnx/): targets onnx, onnx_proto (protobuf inside).
fxsim_require_package(ONNX NAME "ONNX" DEBIAN libonnx-dev)
fxsim_require_package(verilator NAME "Verilator" DEBIAN verilator)
fxsim_require_package(benchmark NAME "Google Benchmark" DEBIAN libbenchmark-dev)
fxsim_require_package(SQLite3 NAME "SQLite3" DEBIAN libsqlite3-dev)
fxsim_require_package(CLI11 NAME "CLI11" DEBIAN libcli11-dev)
fxsim_require_package(tomlplusplus NAME "toml++" DEBIAN libtomlplusplus-dev)
fxsim_require_package(nlohmann_json NAME "nlohmann/json" DEBIAN nlohmann-json3-dev)
fxsim_require_package(fmt NAME "{fmt}" DEBIAN libfmt-dev)
# SHA-256 of the synthesis cache keys (synth/): libcrypto, target OpenSSL::Crypto.
fxsim_require_package(OpenSSL NAME "OpenSSL libcrypto" DEBIAN libssl-dev FIND_ARGS COMPONENTS Crypto)
# Reading the gzip-compressed Fashion-MNIST IDX files (golden/idx.cpp): target ZLIB::ZLIB.
fxsim_require_package(ZLIB NAME "zlib" DEBIAN zlib1g-dev)

# yosys is run by `fxsim synth`, not linked: its path is exposed as FXSIM_YOSYS_EXECUTABLE.
fxsim_require_program(FXSIM_YOSYS_EXECUTABLE yosys DEBIAN yosys)


