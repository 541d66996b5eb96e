// The type rules (ir/DTypeRules, ir/Infer) against the tables generated from numexpr and numpy by
// tests/golden/gen_type_tables.py: promotion of every pair of numeric dtypes, and the result
// type (or TypeError) of every built-in function, where() and reduction for every argument type.
#include <jitexpr/jitexpr.h>

#include "ir/DTypeRules.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;
namespace fs = std::filesystem;

// A CSV table of tests/golden/data: '#' lines are comments, the first other line names the
// columns. The generator guarantees that no field holds a comma.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

Table read_table(const fs::path& path) {
  Table t;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (t.columns.empty()) {
      t.columns = split(line, ',');
    } else {
      t.rows.push_back(split(line, ','));
      EXPECT_EQ(t.rows.back().size(), t.columns.size()) << path << ": " << line;
    }
  }
  return t;
}

fs::path data_dir() { return fs::path(JITEXPR_SOURCE_DIR) / "tests" / "golden" / "data"; }

DType dtype(const std::string& name) {
  std::optional<DType> t = dtype_from_name(name);
  EXPECT_TRUE(t.has_value()) << "unknown dtype " << name;
  return t.value_or(DType::Float64);
}

// Two elements of the type, all ones (or short byte strings).
Array sample(DType t) {
  if (t == DType::Bytes) return Array::zeros(DType::Bytes, {2}, 4);
  return Array::ones(t, {2});
}

// The result dtype's name of `expr` over a, b, c of the given types, or the error kind's name.
std::string result_of(Runtime& rt, const std::string& expr, const std::vector<std::string>& types) {
  Bindings bindings;
  const char* names[] = {"a", "b", "c"};
  for (std::size_t i = 0; i < types.size(); ++i) bindings.emplace_back(names[i], sample(dtype(types[i])));
  try {
    return std::string(dtype_name(rt.evaluate(expr, bindings).dtype()));
  } catch (const Error& e) {
    return std::string(error_kind_name(e.kind()));
  }
}

TEST(DTypeRules, PromoteMatchesTheOracleTable) {
  Table t = read_table(data_dir() / "promotion.csv");
  ASSERT_EQ(t.rows.size(), 13u * 13u);
  std::size_t a = t.column("a"), b = t.column("b"), result = t.column("result"), oracle = t.column("oracle");
  for (const auto& row : t.rows) {
    EXPECT_EQ(dtype_name(ir::promote(dtype(row[a]), dtype(row[b]))), row[result])
        << "promote(" << row[a] << ", " << row[b] << "), oracle " << row[oracle];
  }
}

TEST(DTypeRules, AdditionGivesThePromotedTypeEndToEnd) {
  Table t = read_table(data_dir() / "promotion.csv");
  std::size_t a = t.column("a"), b = t.column("b"), result = t.column("result");
  Runtime rt({.opt_level = 0, .disk_cache = false});  // only the types matter here
  for (const auto& row : t.rows) {
    // Arithmetic on two bools is a TypeError (numexpr's NotImplementedError); their common type
    // is still bool for & | ^ and comparisons.
    std::string want = row[a] == "bool" && row[b] == "bool" ? "TypeError" : row[result];
    EXPECT_EQ(result_of(rt, "a + b", {row[a], row[b]}), want) << row[a] << " + " << row[b];
    if (row[a] == "bool" && row[b] == "bool") EXPECT_EQ(result_of(rt, "a ^ b", {row[a], row[b]}), row[result]);
  }
}

TEST(DTypeRules, FunctionResultTypesMatchTheOracleTable) {
  Table t = read_table(data_dir() / "function_types.csv");
  ASSERT_GT(t.rows.size(), 2000u);
  std::size_t fn = t.column("function"), args = t.column("args"), result = t.column("result"),
              rule = t.column("rule"), numexpr = t.column("numexpr"), numpy = t.column("numpy"),
              note = t.column("note");
  Runtime rt({.opt_level = 0, .disk_cache = false});  // only the types matter here
  for (const auto& row : t.rows) {
    std::vector<std::string> types = split(row[args], ' ');
    std::string expr = row[fn] + "(a";
    for (std::size_t i = 1; i < types.size(); ++i) expr += std::string(", ") + "abc"[i];
    expr += ")";
    EXPECT_EQ(result_of(rt, expr, types), row[result])
        << expr << " with " << row[args] << " (rule " << row[rule] << (row[note].empty() ? "" : ": ")
        << row[note] << "; numexpr " << row[numexpr] << ", numpy " << row[numpy] << ")";
  }
}

// The committed tables are what the oracles give today (skipped without the oracle's Python).
TEST(DTypeRules, TablesAreCurrentWithTheOracles) {
  fs::path tmp = fs::temp_directory_path() / ("jitexpr_type_tables_" + std::to_string(::getpid()));
  std::string cmd = std::string(JITEXPR_PYTHON) + " -c 'import numpy, numexpr' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << JITEXPR_PYTHON << " lacks numpy or numexpr";
  cmd = std::string(JITEXPR_PYTHON) + " " + JITEXPR_SOURCE_DIR + "/tests/golden/gen_type_tables.py --out " +
        tmp.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* name : {"promotion.csv", "function_types.csv"}) {
    std::ifstream fresh(tmp / name), committed(data_dir() / name);
    std::stringstream f, c;
    f << fresh.rdbuf();
    c << committed.rdbuf();
    EXPECT_EQ(f.str(), c.str()) << name << " is stale: run " << JITEXPR_PYTHON << " tests/golden/gen_type_tables.py";
  }
  fs::remove_all(tmp);
}

}  // namespace
