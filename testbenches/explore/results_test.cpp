// The result writers (traces/): CSV quoting, cell formatting, the SQLite database, the
// transaction trace; and the Pareto flags on a hand-worked set.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "explore/pareto.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "traces/csv_writer.hpp"
#include "traces/results_db.hpp"
#include "traces/transaction_trace.hpp"

namespace fxsim::traces {
namespace {

TEST(Csv, Rfc4180Quoting) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("fixed<8,3,RND,SAT,0>"), "\"fixed<8,3,RND,SAT,0>\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  std::ostringstream out;
  CsvWriter csv(out);
  csv.row({"a", "b c", ""});
  csv.row({"1", "x,y", "3"});
  EXPECT_EQ(out.str(), "a,b c,\r\n1,\"x,y\",3\r\n");
}

TEST(Csv, CellFormatting) {
  EXPECT_EQ(format_value(std::monostate{}), "");
  EXPECT_EQ(format_value(std::int64_t{-42}), "-42");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(1574.0 * 4.0), "6296");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_value(std::string("ok")), "ok");
}

TEST(ResultsDb, RoundTripAndSweepClaim) {
  const auto dir = sweep_test::temp_dir();
  const std::string path = (dir / "r.sqlite").string();
  ResultRow row;
  row.set("point_id", std::int64_t{3});
  row.set("status", std::string("ok"));
  row.set("mse", 0.125);
  row.set("sqnr_db", std::numeric_limits<double>::infinity());
  {
    ResultsDb db(path);
    db.claim_sweep("aaaa");
    db.put_point(row);
    row.set("point_id", std::int64_t{1});
    db.put_point(row);
  }
  ResultsDb db(path);
  EXPECT_EQ(db.sweep_sha256(), "aaaa");
  EXPECT_NO_THROW(db.claim_sweep("aaaa"));
  EXPECT_THROW(db.claim_sweep("bbbb"), ResultsDbError);
  const auto rows = db.points();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].integer("point_id"), 1);  // ordered by id
  EXPECT_EQ(rows[1].real("mse"), 0.125);
  EXPECT_EQ(rows[1].real("sqnr_db"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(rows[1].is_null("cycles"));
  EXPECT_EQ(db.point_ids(), (std::set<std::int64_t>{1, 3}));
}

TEST(TransactionTrace, VcdToCsv) {
  const std::string vcd =
      "$timescale 1 ps $end\n$scope module SystemC $end\n"
      "$var wire 1 aa engine.trace_busy $end\n$var wire 1 ab engine.trace_irq $end\n"
      "$var wire 32 ac engine.trace_fold_index [31:0] $end\n"
      "$var wire 64 ad engine.trace_last_address [63:0] $end\n"
      "$var wire 32 ae engine.trace_last_length [31:0] $end\n"
      "$var wire 32 af engine.trace_last_command [31:0] $end\n"
      "$var wire 32 ag engine.trace_last_response [31:0] $end\n"
      "$upscope $end\n$enddefinitions $end\n"
      "#0\n$dumpvars\n0aa\n0ab\nb0 ac\nb0 ad\nb0 ae\nb0 af\n$end\n"
      "#8000\nb10000000000000000000000000000 ad\nb1000 ae\nb1 af\n"
      "b11111111111111111111111111111111 ag\n"
      "#12000\n1aa\n#16000\nb1 ac\n#20000\n0aa\n1ab\n"
      // A read of a register outside the map: TLM_ADDRESS_ERROR_RESPONSE (-2, traced as 2).
      "#24000\nb1000000 ad\nb100 ae\nb0 af\nb10 ag\n";
  std::istringstream in(vcd);
  std::ostringstream out;
  write_transaction_trace(read_engine_vcd(in, "t.vcd"), out);
  EXPECT_EQ(out.str(),
            "time_ns,unit,event,values\r\n"
            "8,bus,write,address=0x10000000 length=8 response=TLM_OK_RESPONSE\r\n"
            "12,engine,start,\r\n"
            "16,engine,fold,batch=0 fold=1\r\n"
            "20,engine,done,\r\n"
            "20,engine,irq,\r\n"
            "24,bus,read,address=0x00000040 length=4 response=TLM_ADDRESS_ERROR_RESPONSE\r\n");
}

}  // namespace
}  // namespace fxsim::traces

namespace fxsim::explore {
namespace {

TEST(Pareto, HandWorkedFront) {
  // (1,5) (2,2) (3,1) are the front; (2,2) twice: equal points do not dominate each other;
  // (2,3) is dominated by (2,2), (4,4) by (2,2) and (3,1).
  const std::vector<bool> f = pareto_front({{1, 5}, {2, 2}, {3, 1}, {2, 3}, {4, 4}, {2, 2}});
  EXPECT_EQ(f, (std::vector<bool>{true, true, true, false, false, true}));
}

TEST(Pareto, FlagsOnlyOkPoints) {
  auto row = [](std::int64_t id, const char* status, double mse, double lat, std::int64_t lut,
                std::int64_t dsp) {
    traces::ResultRow r;
    r.set("point_id", id);
    r.set("status", std::string(status));
    if (std::string(status) == "ok") {
      r.set("mse", mse);
      r.set("latency_ns", lat);
    }
    r.set("lut", lut);
    r.set("dsp", dsp);
    r.set("lut_equivalent", lut + 55 * dsp);
    return r;
  };
  const std::vector<traces::ResultRow> rows = {
      row(0, "ok", 0.01, 100, 1000, 0),  // best accuracy
      row(1, "ok", 0.02, 100, 600, 8),   // lut_eq 1040: dominated by 0 in (mse, lat, lut_eq)
      row(2, "ok", 0.05, 50, 2000, 0),   // fastest
      row(3, "pruned", 0, 0, 10, 0),     // not ok: never flagged
      row(4, "ok", 0.05, 60, 2000, 0)};  // dominated by 2 everywhere
  const auto flags = pareto_flags(rows);
  ASSERT_EQ(flags.size(), 5u);
  const int acc[] = {1, 0, 1, 0, 0};
  // (dsp, lut): 0 (0,1000) front; 1 (8,600) front; 2 and 4 (0,2000) dominated by 0.
  const int area[] = {1, 1, 0, 0, 0};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(flags[i].point_id, i);
    EXPECT_EQ(flags[i].accuracy_latency_lut, acc[i]) << i;
    EXPECT_EQ(flags[i].dsp_lut, area[i]) << i;
  }
}

}  // namespace
}  // namespace fxsim::explore
