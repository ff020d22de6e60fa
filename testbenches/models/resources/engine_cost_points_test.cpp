// The analytical engine cost (engine::engine_cost) against yosys 0.23 on random engine points
// (docs/resources.md, "Calibration and held-out engine points"): the held-out set, which the fit
// of the LUT coefficients never saw, and the calibration set it was fitted on. The yosys counts
// come from the data files (scripts/cost_model_points.py draw), so no yosys runs here;
// cost_points_regression_test checks the files against today's yosys.
//
//   engine_cost_points_tests --markdown   prints both error tables of docs/resources.md
//   engine_cost_points_tests --units      prints the model against yosys per unit instance
//   engine_cost_points_tests --units-csv  the model's LUTs per unit instance, for the fit script
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/engine/engine_config.hpp"
#include "testbenches/models/resources/cost_points.hpp"

namespace fxsim::resources_test {
namespace {

struct Compared {
  const CostPoint* point;
  resources::ResourceEstimate yosys, model;
  double lut_error;
};

std::vector<Compared> compare(const std::vector<CostPoint>& points) {
  std::vector<Compared> out;
  for (const CostPoint& p : points) {
    const engine::Elaboration e =
        engine::elaborate(engine::parse_point(p.point_file(), fmt::format("point {}", p.index)));
    Compared c{&p, yosys_engine_cost(p, e), engine::engine_cost(e, p.family, p.use_dsp), 0.0};
    c.lut_error = lut_error_percent(c.model.lut, c.yosys.lut);
    out.push_back(c);
  }
  return out;
}

// What the data file says yosys synthesized is what the point elaborates to today: the same
// units, and the same resolved parameters.
void expect_elaboration_matches(const std::vector<CostPoint>& points) {
  for (const CostPoint& p : points) {
    const engine::Elaboration e =
        engine::elaborate(engine::parse_point(p.point_file(), fmt::format("point {}", p.index)));
    const auto inst = e.instances();
    ASSERT_EQ(inst.size(), p.units.size()) << p.label();
    for (std::size_t i = 0; i < inst.size(); ++i) {
      EXPECT_EQ(inst[i]->unit->name, p.units[i].unit) << p.label();
      EXPECT_EQ(inst[i]->params, units::resolve_params(*inst[i]->unit, p.units[i].params))
          << p.label() << ": " << p.units[i].unit;
      EXPECT_EQ(inst[i]->count, std::stoi(p.fields.at("pe"))) << p.label();
    }
  }
}

// The goal of issue 15 item 6 on a set: DSP and block RAMs exact on every point, FF within 5%
// and |LUT error| within 25%, the median |LUT error| at most 10%. The refitted model misses the
// 25% / 5% bounds on a few points (docs/resources.md, "Known limits"): the test allows exactly
// that many outliers, and bounds them (LUT within 35%, FF within 15%), so any new miss fails.
struct Goal {
  int lut_outliers = 0;  // points allowed beyond 25% (but within 35%)
  int ff_outliers = 0;   // points allowed beyond 5% (but within 15%)
};

void expect_within_goal(const std::vector<CostPoint>& points, const std::string& set, Goal goal) {
  const std::vector<Compared> cs = compare(points);  // points outlive cs
  std::vector<double> abs_errors;
  int lut_outliers = 0;
  int ff_outliers = 0;
  for (const Compared& c : cs) {
    const std::string what = set + " " + c.point->label();
    EXPECT_EQ(c.model.dsp, c.yosys.dsp) << what;
    EXPECT_EQ(c.model.bram, c.yosys.bram) << what;
    const double ff_error = std::abs(c.model.ff - c.yosys.ff) / static_cast<double>(c.yosys.ff);
    EXPECT_LE(ff_error, 0.15) << what << ": model " << c.model.ff << " FF, yosys " << c.yosys.ff;
    ff_outliers += ff_error > 0.05 ? 1 : 0;
    EXPECT_LE(std::abs(c.lut_error), 35.0)
        << what << ": model " << c.model.lut << " LUTs, yosys " << c.yosys.lut;
    lut_outliers += std::abs(c.lut_error) > 25.0 ? 1 : 0;
    abs_errors.push_back(std::abs(c.lut_error));
  }
  EXPECT_LE(median(abs_errors), 10.0) << set;
  EXPECT_LE(lut_outliers, goal.lut_outliers) << set << ": points with |LUT error| > 25%";
  EXPECT_LE(ff_outliers, goal.ff_outliers) << set << ": points with |FF error| > 5%";
}

TEST(CostPoints, SetsAreDisjointAndLargeEnough) {
  const auto cal = load_cost_points("cost_points_calibration.csv");
  const auto held = load_cost_points("cost_points_heldout.csv");
  EXPECT_GE(cal.size(), 40u);
  EXPECT_GE(held.size(), 24u);
  for (const CostPoint& h : held) {
    for (const CostPoint& c : cal) {
      auto a = h.fields, b = c.fields;
      a.erase("point");
      b.erase("point");
      EXPECT_NE(a, b) << "held-out point " << h.label() << " is also a calibration point";
    }
  }
}

TEST(CostPoints, DataIsTheElaborationOfEachPoint) {
  expect_elaboration_matches(load_cost_points("cost_points_calibration.csv"));
  expect_elaboration_matches(load_cost_points("cost_points_heldout.csv"));
}

// Held-out (24 points): 23 within 25% LUT (the miss: -29.5%), 23 within 5% FF (+12.0%).
TEST(CostPoints, HeldOutDspExactLutMedian10AtMostOneMissOf25PercentLutOr5PercentFf) {
  expect_within_goal(load_cost_points("cost_points_heldout.csv"), "held-out", Goal{1, 1});
}

// Calibration (40 points): 39 within 25% LUT (-32.2%), 38 within 5% FF (+12.6%, -6.2%).
TEST(CostPoints, CalibrationDspExactLutMedian10AtMostOneMissOf25PercentLutTwoOf5PercentFf) {
  expect_within_goal(load_cost_points("cost_points_calibration.csv"), "calibration", Goal{1, 2});
}

// ---------------------------------------------------------------------------------------------
// --markdown / --units

void print_table(const std::string& set, const std::string& file) {
  const std::vector<CostPoint> points = load_cost_points(file);
  const std::vector<Compared> cs = compare(points);
  fmt::print(
      "| # | point | yosys LUT | model LUT | LUT error | yosys FF | model FF | yosys DSP | "
      "model DSP |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  std::vector<double> abs_errors;
  double worst = 0;
  for (const Compared& c : cs) {
    fmt::print("| {} | {} | {} | {} | {:+.1f}% | {} | {} | {} | {} |\n", c.point->index,
               c.point->label(), c.yosys.lut, c.model.lut, c.lut_error, c.yosys.ff, c.model.ff,
               c.yosys.dsp, c.model.dsp);
    abs_errors.push_back(std::abs(c.lut_error));
    if (std::abs(c.lut_error) > std::abs(worst)) worst = c.lut_error;
  }
  int within = 0;
  for (double e : abs_errors) within += e <= 25.0 ? 1 : 0;
  fmt::print(
      "\n{}: {} points, median |LUT error| {:.1f}%, worst {:+.1f}%, {} of {} within 25%.\n\n", set,
      cs.size(), median(abs_errors), worst, within, cs.size());
}

// scripts/cost_model_points.py fit reads this: SET,POINT,UNIT,MODEL_LUT per unit instance.
void print_units_csv(const std::string& set, const std::string& file) {
  for (const CostPoint& p : load_cost_points(file)) {
    for (const MeasuredUnit& u : p.units) {
      const units::UnitSpec& spec = units::find_unit(u.unit);
      const auto m =
          units::estimate(spec, units::resolve_params(spec, u.params), p.family, p.use_dsp);
      fmt::print("{},{},{},{}\n", set, p.index, u.unit, m.lut);
    }
  }
}

void print_units(const std::string& file) {
  for (const CostPoint& p : load_cost_points(file)) {
    for (const MeasuredUnit& u : p.units) {
      const units::UnitSpec& spec = units::find_unit(u.unit);
      const auto m =
          units::estimate(spec, units::resolve_params(spec, u.params), p.family, p.use_dsp);
      fmt::print("{} {} | {} | yosys {} model {} ({:+.1f}%) | ff {} {} | carry {} {} | dsp {} {}\n",
                 p.index, u.unit, fmt::format("{}", p.label()), u.yosys.lut, m.lut,
                 lut_error_percent(m.lut, u.yosys.lut), u.yosys.ff, m.ff, u.yosys.carry, m.carry,
                 u.yosys.dsp, m.dsp);
    }
  }
}

}  // namespace
}  // namespace fxsim::resources_test

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--markdown") {
      fxsim::resources_test::print_table("held-out", "cost_points_heldout.csv");
      fxsim::resources_test::print_table("calibration", "cost_points_calibration.csv");
      return 0;
    }
    if (a == "--units-csv") {
      fxsim::resources_test::print_units_csv("calibration", "cost_points_calibration.csv");
      fxsim::resources_test::print_units_csv("heldout", "cost_points_heldout.csv");
      return 0;
    }
    if (a == "--units") {
      fxsim::resources_test::print_units("cost_points_calibration.csv");
      fxsim::resources_test::print_units("cost_points_heldout.csv");
      return 0;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
