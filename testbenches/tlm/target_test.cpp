// The accelerator target through its socket: registers, and every error response of the
// contract (exact status, counted in ERRORS, the simulation goes on, buffers intact).
#include <gtest/gtest.h>

#include "testbenches/models/engine/points.hpp"
#include "testbenches/tlm/tlm_harness.hpp"

namespace fxsim::tlm_test {
namespace {

using namespace engine;
using namespace tlm;
using Bytes = std::vector<unsigned char>;

TEST(TargetRegisters, ResetValuesAndBatch) {
  const engine::EngineConfig cfg = point(kContractPoint);
  Bench bench{cfg, 4};
  FXSIM_RUN_BENCH(bench, [](Initiator& i, AcceleratorTarget&, systemc::ModelBackend&) {
    EXPECT_EQ(i.read32(kRegId), 0x4658534Du);
    EXPECT_EQ(i.read(kRegId, 4), (Bytes{0x4D, 0x53, 0x58, 0x46}));  // "MSXF" little-endian
    EXPECT_EQ(i.read32(kRegVersion), 1u);
    EXPECT_EQ(i.read32(kRegStatus), 0u);
    EXPECT_EQ(i.read32(kRegCyclesLo), 0u);
    EXPECT_EQ(i.read32(kRegCyclesHi), 0u);
    EXPECT_EQ(i.read32(kRegBatch), 1u);
    EXPECT_EQ(i.read32(kRegErrors), 0u);
    EXPECT_EQ(i.read32(kRegInFeatures), 784u);
    EXPECT_EQ(i.read32(kRegOutFeatures), 128u);
    EXPECT_EQ(i.read32(kRegPe), 8u);
    EXPECT_EQ(i.read32(kRegSimd), 8u);
    EXPECT_EQ(i.write32(kRegBatch, 4), ::tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(i.read32(kRegBatch), 4u);
    // CTRL without START does nothing.
    EXPECT_EQ(i.write32(kRegCtrl, 0), ::tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(i.read32(kRegStatus), 0u);
    // Register and buffer reads are annotated 1 + ceil(8 * len / 64) cycles: 2 each here.
    EXPECT_EQ(i.bus_cycles, 2u * 16);  // 16 register transactions above
  });
}

struct ErrorCase {
  const char* name;
  std::function<::tlm::tlm_response_status(Initiator&)> act;
  ::tlm::tlm_response_status expected;
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
};

class TargetError : public ::testing::TestWithParam<ErrorCase> {};

// The contract point: 1-byte weights / inputs / outputs / BN scales, 2-byte BN biases.
TEST_P(TargetError, AnsweredCountedAndHarmless) {
  const engine::EngineConfig cfg = point(kContractPoint);
  Bench bench{cfg, 4};
  FXSIM_RUN_BENCH(bench, [](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend&) {
    const Bytes pattern = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(i.write(kWeightsBase, pattern), ::tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(i.write(kBnParamsBase + 128, pattern), ::tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(i.write(kInputBase + 3128, pattern), ::tlm::TLM_OK_RESPONSE);

    EXPECT_EQ(GetParam().act(i), GetParam().expected);

    EXPECT_EQ(i.read32(kRegErrors), 1u);
    EXPECT_EQ(t.errors(), 1u);
    EXPECT_EQ(i.read(kWeightsBase, 8), pattern);
    EXPECT_EQ(i.read(kBnParamsBase + 128, 8), pattern);
    EXPECT_EQ(i.read(kInputBase + 3128, 8), pattern);
    EXPECT_EQ(i.read32(kRegBatch), 1u);
    // The simulation goes on: a run still completes.
    if (t.status() & kStatusBusy) i.wait_irq();  // a case that started a run
    EXPECT_EQ(i.write32(kRegCtrl, kCtrlStart), ::tlm::TLM_OK_RESPONSE);
    i.wait_irq();
    EXPECT_EQ(i.read32(kRegStatus), kStatusDone);
    EXPECT_EQ(i.read32(kRegErrors), 1u);
  });
}

::tlm::tlm_response_status read_n(Initiator& i, std::uint64_t a, unsigned n) {
  ::tlm::tlm_response_status st;
  i.read(a, n, &st);
  return st;
}

INSTANTIATE_TEST_SUITE_P(
    Contract, TargetError,
    ::testing::Values(
        ErrorCase{"AddressAfterRegisters", [](Initiator& i) { return read_n(i, 0x30, 4); },
                  ::tlm::TLM_ADDRESS_ERROR_RESPONSE},
        ErrorCase{"AddressInNoRegion", [](Initiator& i) { return read_n(i, 0x5000'0000, 4); },
                  ::tlm::TLM_ADDRESS_ERROR_RESPONSE},
        ErrorCase{"BurstPastWeights",
                  [](Initiator& i) {
                    return i.write(kWeightsBase + 100351, {9, 9});
                  },
                  ::tlm::TLM_ADDRESS_ERROR_RESPONSE},
        ErrorCase{"BeyondInputBuffer", [](Initiator& i) { return read_n(i, kInputBase + 3136, 1); },
                  ::tlm::TLM_ADDRESS_ERROR_RESPONSE},
        ErrorCase{"RegisterEightBytes", [](Initiator& i) { return read_n(i, kRegId, 8); },
                  ::tlm::TLM_BURST_ERROR_RESPONSE},
        ErrorCase{"RegisterUnaligned", [](Initiator& i) { return read_n(i, 0x2, 4); },
                  ::tlm::TLM_BURST_ERROR_RESPONSE},
        ErrorCase{"BiasMisaligned",
                  [](Initiator& i) {
                    return i.write(kBnParamsBase + 129, {9, 9});
                  },
                  ::tlm::TLM_BURST_ERROR_RESPONSE},
        ErrorCase{"BiasPartialElement",
                  [](Initiator& i) {
                    return i.write(kBnParamsBase + 128, {9, 9, 9});
                  },
                  ::tlm::TLM_BURST_ERROR_RESPONSE},
        ErrorCase{"StreamingWidth",
                  [](Initiator& i) {
                    Bytes d(8, 9);
                    return i.transport(::tlm::TLM_WRITE_COMMAND, kWeightsBase, d.data(), 8,
                                       Initiator::Options{nullptr, 0, 4});
                  },
                  ::tlm::TLM_BURST_ERROR_RESPONSE},
        ErrorCase{"ByteEnables",
                  [](Initiator& i) {
                    Bytes d(8, 9);
                    unsigned char be[8] = {0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0};
                    return i.transport(::tlm::TLM_WRITE_COMMAND, kWeightsBase, d.data(), 8,
                                       Initiator::Options{be, 8, 0});
                  },
                  ::tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
        ErrorCase{"WriteReadOnlyRegister", [](Initiator& i) { return i.write32(kRegId, 1); },
                  ::tlm::TLM_COMMAND_ERROR_RESPONSE},
        ErrorCase{"WriteCycles", [](Initiator& i) { return i.write32(kRegCyclesLo, 1); },
                  ::tlm::TLM_COMMAND_ERROR_RESPONSE},
        ErrorCase{"WriteOutput", [](Initiator& i) { return i.write(kOutputBase, {9}); },
                  ::tlm::TLM_COMMAND_ERROR_RESPONSE},
        ErrorCase{"ReadCtrl", [](Initiator& i) { return read_n(i, kRegCtrl, 4); },
                  ::tlm::TLM_COMMAND_ERROR_RESPONSE},
        ErrorCase{"BatchZero", [](Initiator& i) { return i.write32(kRegBatch, 0); },
                  ::tlm::TLM_GENERIC_ERROR_RESPONSE},
        ErrorCase{"BatchAboveMax", [](Initiator& i) { return i.write32(kRegBatch, 5); },
                  ::tlm::TLM_GENERIC_ERROR_RESPONSE},
        ErrorCase{"StartWhileBusy",
                  [](Initiator& i) {
                    EXPECT_EQ(i.write32(kRegCtrl, kCtrlStart), ::tlm::TLM_OK_RESPONSE);
                    EXPECT_EQ(i.read32(kRegStatus), kStatusBusy);
                    return i.write32(kRegCtrl, kCtrlStart);
                  },
                  ::tlm::TLM_GENERIC_ERROR_RESPONSE}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(TargetErrors, NoBnRegionWithoutBnAndIgnoreCommand) {
  const engine::EngineConfig cfg = point(kKhotPoint);  // no [bn]; 2-byte weight words
  Bench bench{cfg};
  FXSIM_RUN_BENCH(bench, [](Initiator& i, AcceleratorTarget&, systemc::ModelBackend&) {
    EXPECT_EQ(read_n(i, kBnParamsBase, 2), ::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(i.write(kWeightsBase + 1, {1, 2}), ::tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(i.write(kWeightsBase, {1}), ::tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(i.read32(kRegErrors), 3u);
    Bytes d = {7, 7, 7, 7};
    EXPECT_EQ(i.transport(::tlm::TLM_IGNORE_COMMAND, kWeightsBase, d.data(), 2),
              ::tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(i.transport(::tlm::TLM_IGNORE_COMMAND, kRegCtrl, d.data(), 4),
              ::tlm::TLM_OK_RESPONSE);  // IGNORE of CTRL: no error, no start
    EXPECT_EQ(i.read32(kRegErrors), 3u);
    EXPECT_EQ(i.read32(kRegStatus), 0u);
    EXPECT_EQ(i.read(kWeightsBase, 2), (Bytes{0, 0}));
  });
}

TEST(TargetErrors, FailedRunIsCountedAndStillRaisesIrq) {
  const engine::EngineConfig cfg = point(kKhotPoint);
  Bench bench{cfg};
  bench.no_backend = true;
  FXSIM_RUN_BENCH(bench, [](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend&) {
    EXPECT_EQ(i.write32(kRegCtrl, kCtrlStart), ::tlm::TLM_OK_RESPONSE);
    i.wait_irq();
    EXPECT_EQ(i.read32(kRegStatus), 0u);  // not BUSY, not DONE
    EXPECT_EQ(i.read32(kRegErrors), 1u);
    EXPECT_EQ(t.last_error(), "no backend attached to the accelerator");
    EXPECT_EQ(t.runs(), 0u);
  });
}

}  // namespace
}  // namespace fxsim::tlm_test
