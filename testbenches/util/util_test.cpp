// util/: string trimming, decimal input lines, and the one TOML table reader (its messages are
// the contract every file format of fxsim shares: FILE:LINE[:COLUMN]: key: what was expected).
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

#include "util/decimal_lines.hpp"
#include "util/strings.hpp"
#include "util/toml_table.hpp"

namespace {

using fxsim::util::DecimalInputError;
using fxsim::util::DecimalLineReader;
using fxsim::util::TomlErrors;
using fxsim::util::TomlTable;

TEST(Strings, TrimRemovesAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(fxsim::util::trim(" \t 1.5 \r\n"), "1.5");
  EXPECT_EQ(fxsim::util::trim("a b"), "a b");
  EXPECT_EQ(fxsim::util::trim(" \v\f "), "");
}

TEST(DecimalLines, ReadsValuesAndNamesTheBadLine) {
  std::istringstream in("1.5\n  -2e3 \r\n.25\n0x10\n");
  DecimalLineReader r(in, "stdin");
  EXPECT_EQ(r.next(), 1.5);
  EXPECT_EQ(r.next(), -2000.0);
  EXPECT_EQ(r.next(), 0.25);
  try {
    r.next();
    FAIL() << "expected DecimalInputError";
  } catch (const DecimalInputError& e) {
    EXPECT_STREQ(e.what(), "stdin line 4: expected a decimal number, got '0x10'");
  }
}

TEST(DecimalLines, SyntaxAndRange) {
  for (const char* ok : {"0", "-1", "+.5", "1.", "1e5", "2.5E-3"}) {
    EXPECT_TRUE(fxsim::util::is_decimal_syntax(ok)) << ok;
  }
  for (const char* bad : {"", ".", "e5", "1e", "inf", "nan", "1.5x", "--1"}) {
    EXPECT_FALSE(fxsim::util::is_decimal_syntax(bad)) << bad;
  }
  std::istringstream in("1e999\n");
  DecimalLineReader r(in, "in.txt");
  try {
    r.next();
    FAIL();
  } catch (const DecimalInputError& e) {
    EXPECT_STREQ(e.what(),
                 "in.txt line 1: '1e999' is beyond the range of a double (about 1.8e308)");
  }
  std::istringstream empty("");
  EXPECT_EQ(DecimalLineReader(empty, "x").next(), std::nullopt);
}

[[noreturn]] void raise(const std::string& m) { throw std::runtime_error(m); }

std::string error_of(const std::string& text, bool columns, void (*read)(const TomlTable& root)) {
  const TomlErrors errors("f.toml", columns, raise);
  try {
    const toml::table doc = fxsim::util::parse_toml(text, errors);
    read(TomlTable(errors, &doc, "", {}, {"a", "t"}));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

void read_t(const TomlTable& root) {
  const TomlTable t = root.sub("t", {"n", "s", "k"});
  t.integer_in("n", 1, 9);
  t.string("s");
  t.name<int>("k", {{"one", 1}, {"two", 2}});
}

TEST(TomlTable, MessagesNameFileLineColumnAndKey) {
  EXPECT_EQ(error_of("a = 1\nb = 2\n", false, read_t),
            "f.toml:2: b: unknown key; expected one of a, t");
  EXPECT_EQ(error_of("[t]\nz = 1\nn = 1\ny = 2\n", true, read_t),
            "f.toml:2:1: t.z: unknown key; expected one of n, s, k");  // the first in file order
  // A hint says more about an unknown key than the allowed names.
  {
    const TomlErrors errors("f.toml", false, raise);
    const toml::table doc = fxsim::util::parse_toml("a = 1\nn = 2\n", errors);
    try {
      TomlTable(errors, &doc, "", {}, {"a", "t"},
                [](const std::string& key) { return "`" + key + "` is a key of [t]"; });
      ADD_FAILURE() << "no error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "f.toml:2: n: unknown key; expected one of a, t; `n` is a key of [t]");
    }
  }
  EXPECT_EQ(error_of("[t]\nn = 10\n", false, read_t),
            "f.toml:2: t.n: expected an integer in 1..9, got 10");
  EXPECT_EQ(error_of("[t]\nn = \"x\"\n", true, read_t),
            "f.toml:2:5: t.n: expected an integer in 1..9, found a string");
  EXPECT_EQ(error_of("[t]\ns = 3\n", false, read_t),
            "f.toml:2: t.s: expected a string, found a integer");
  EXPECT_EQ(error_of("[t]\nk = \"three\"\n", false, read_t),
            "f.toml:2: t.k: \"three\" is not one of one, two");
  EXPECT_EQ(error_of("t = 3\n", false, read_t),
            "f.toml:1: t: expected a table [t], found a integer");
  EXPECT_EQ(error_of("a = = 1\n", false, read_t).rfind("f.toml:1: toml: ", 0), 0u);
  EXPECT_EQ(error_of("[t]\nn = 3\nk = \"two\"\n", false, read_t), "no error");
}

TEST(TomlTable, MissingKeysPointAtTheirTable) {
  auto read = [](const TomlTable& root) {
    const TomlTable t = root.sub("t", {"n"});
    if (!t.find("n")) t.missing("n", "an integer >= 1");
  };
  EXPECT_EQ(error_of("a = 1\n\n[t]\n", false, read),
            "f.toml:3: t.n: missing; expected an integer >= 1");
  EXPECT_EQ(error_of("a = 1\n", false, read), "f.toml: t.n: missing; expected an integer >= 1");
}

}  // namespace
