// format_array and format_scalar against numpy 1.24's repr (golden data from gen_format_cases.py).
#include "runtime/Format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

// One block of tests/unit/data/format_cases.txt (the format is described in gen_format_cases.py).
struct GoldenCase {
  std::string name;
  DType dtype = DType::Float64;
  std::size_t itemsize = 0;
  Shape shape;
  Strides strides;
  std::int64_t offset = 0;
  std::vector<std::uint64_t> buffer;  // the raw bytes, in 8-byte words so that every dtype is aligned
  std::string expect;
  int line = 0;  // where the case starts in the file, for failure messages
};

std::vector<std::int64_t> read_numbers(std::istringstream& in) {
  std::vector<std::int64_t> v;
  for (std::int64_t x; in >> x;) v.push_back(x);
  return v;
}

std::string at_line(int line_no, const std::string& message) {
  return "format_cases.txt:" + std::to_string(line_no) + ": " + message;
}

std::vector<GoldenCase> load_cases(std::string& error) {
  const std::string path = std::string(JITEXPR_SOURCE_DIR) + "/tests/unit/data/format_cases.txt";
  std::ifstream file(path);
  if (!file) {
    error = "cannot open " + path;
    return {};
  }
  std::vector<GoldenCase> cases;
  std::string line;
  int line_no = 0;
  auto next = [&](const std::string& key, std::istringstream& rest) {
    if (!std::getline(file, line)) throw std::runtime_error("unexpected end of file before '" + key + "'");
    ++line_no;
    rest = std::istringstream(line);
    std::string word;
    rest >> word;
    if (word != key) throw std::runtime_error(at_line(line_no, "expected '" + key + "', got: " + line));
  };
  try {
    while (std::getline(file, line)) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      GoldenCase c;
      c.line = line_no;
      std::istringstream rest(line);
      std::string word;
      rest >> word >> c.name;
      if (word != "case") throw std::runtime_error(at_line(line_no, "expected 'case', got: " + line));

      next("dtype", rest);
      std::string dtype;
      rest >> dtype >> c.itemsize;
      std::optional<DType> t = dtype_from_name(dtype);
      if (!t) throw std::runtime_error(at_line(line_no, "unknown dtype " + dtype));
      c.dtype = *t;
      next("shape", rest);
      c.shape = read_numbers(rest);
      next("strides", rest);
      c.strides = read_numbers(rest);
      next("offset", rest);
      rest >> c.offset;
      next("data", rest);
      std::string hex;
      rest >> hex;
      c.buffer.assign(hex.size() / 16 + 1, 0);
      auto* bytes = reinterpret_cast<unsigned char*>(c.buffer.data());
      for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes[i / 2] = static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      }
      next("expect", rest);
      int count = 0;
      rest >> count;
      for (int i = 0; i < count; ++i) {
        if (!std::getline(file, line)) throw std::runtime_error("unexpected end of file in " + c.name);
        ++line_no;
        c.expect += (i ? "\n" : "") + line;
      }
      cases.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  return cases;
}

TEST(FormatGolden, MatchesNumpyReprForEveryCase) {
  std::string error;
  std::vector<GoldenCase> cases = load_cases(error);
  ASSERT_EQ(error, "");
  // The generator writes a few hundred cases; far fewer means the file was cut short.
  ASSERT_GT(cases.size(), 300u);
  int failures = 0;
  for (GoldenCase& c : cases) {
    void* first = reinterpret_cast<char*>(c.buffer.data()) + c.offset;
    Array a = Array::view(first, c.dtype, c.shape, c.strides, c.itemsize);
    std::string got = format_array(a);
    EXPECT_EQ(got, c.expect) << "case " << c.name << " (format_cases.txt:" << c.line << ")";
    if (got != c.expect && ++failures >= 20) FAIL() << "stopping after 20 mismatches";
  }
}

// 0-d arrays print as Python prints the value.
template <typename T> std::string scalar(T v) { return format_scalar(Array::scalar_of<T>(v)); }

TEST(FormatScalar, FloatsUsePythonRepr) {
  EXPECT_EQ(scalar(2.5), "2.5");
  EXPECT_EQ(scalar(1.0), "1.0");
  EXPECT_EQ(scalar(-0.0), "-0.0");
  EXPECT_EQ(scalar(1e-05), "1e-05");
  EXPECT_EQ(scalar(1e-4), "0.0001");
  EXPECT_EQ(scalar(1e16), "1e+16");
  EXPECT_EQ(scalar(1e15), "1000000000000000.0");
  EXPECT_EQ(scalar(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(scalar(1.5e300), "1.5e+300");
  EXPECT_EQ(scalar(5e-324), "5e-324");
  EXPECT_EQ(scalar(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(scalar(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(scalar(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(FormatScalar, Float32UsesItsOwnShortestDigits) {
  EXPECT_EQ(scalar(0.1f), "0.1");
  EXPECT_EQ(scalar(1.0f / 3.0f), "0.33333334");
  EXPECT_EQ(scalar(16777216.0f), "16777216.0");
  // float32(1e-4) lies below 1e-4, so it is printed in scientific notation, as numpy does.
  EXPECT_EQ(scalar(1e-4f), "1e-04");
  EXPECT_EQ(scalar(1e16f), "1e+16");
}

TEST(FormatScalar, ComplexUsesPythonRepr) {
  EXPECT_EQ(scalar(std::complex<double>(1, 2)), "(1+2j)");
  EXPECT_EQ(scalar(std::complex<double>(0, 2)), "2j");
  EXPECT_EQ(scalar(std::complex<double>(-0.0, 2)), "(-0+2j)");
  EXPECT_EQ(scalar(std::complex<double>(1, -0.0)), "(1-0j)");
  EXPECT_EQ(scalar(std::complex<double>(0.5, 1e20)), "(0.5+1e+20j)");
  double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(scalar(std::complex<double>(nan, -nan)), "(nan+nanj)");
  EXPECT_EQ(scalar(std::complex<double>(inf, -inf)), "(inf-infj)");
  EXPECT_EQ(scalar(std::complex<float>(0.1f, -0.2f)), "(0.1-0.2j)");
}

TEST(FormatScalar, IntegersBoolsAndBytes) {
  EXPECT_EQ(scalar(true), "True");
  EXPECT_EQ(scalar(false), "False");
  EXPECT_EQ(scalar<std::int64_t>(3), "3");
  EXPECT_EQ(scalar<std::int8_t>(-128), "-128");
  EXPECT_EQ(scalar<std::uint64_t>(18446744073709551615u), "18446744073709551615");
  char text[4] = {'a', 'b', 'c', '\0'};  // numpy drops the trailing NUL of an 'S4' value
  EXPECT_EQ(format_scalar(Array::view(text, DType::Bytes, {}, {}, 4)), "b'abc'");
  char quote[4] = {'i', 't', '\'', 's'};
  EXPECT_EQ(format_scalar(Array::view(quote, DType::Bytes, {}, {}, 4)), "b\"it's\"");
}

TEST(FormatArray, ZeroDimensionalPrintsAsScalar) {
  EXPECT_EQ(format_array(Array::scalar(2.5)), "2.5");
  EXPECT_EQ(format_array(Array::scalar(std::complex<double>(1, 2))), "(1+2j)");
}

TEST(FormatArray, DtypeSuffixOnlyWhenNotImplied) {
  EXPECT_EQ(format_array(Array::linspace(0, 5, 3)), "array([0. , 2.5, 5. ])");
  EXPECT_EQ(format_array(Array::from<std::int32_t>({1, 2})), "array([1, 2], dtype=int32)");
  EXPECT_EQ(format_array(Array::from<bool>({true, false})), "array([ True, False])");
  EXPECT_EQ(format_array(Array::from<std::complex<double>>({{1, 2}, {0, -1}})), "array([1.+2.j, 0.-1.j])");
  EXPECT_EQ(format_array(Array::empty(DType::Float64, {0})), "array([], dtype=float64)");
  EXPECT_EQ(format_array(Array::empty(DType::Int32, {2, 0})), "array([], shape=(2, 0), dtype=int32)");
}

TEST(FormatArray, NestedRowsAndStridedViews) {
  Array a = Array::arange(6).reshape({2, 3});
  EXPECT_EQ(format_array(a), "array([[0, 1, 2],\n       [3, 4, 5]])");
  // The transpose of `a`, as a view of the same buffer.
  Array t = Array::view(a.raw_data(), DType::Int64, {3, 2}, {8, 24});
  EXPECT_EQ(format_array(t), "array([[0, 3],\n       [1, 4],\n       [2, 5]])");
}

TEST(FormatArray, SummarizesBeyondAThousandElements) {
  EXPECT_EQ(format_array(Array::arange(1001)), "array([   0,    1,    2, ...,  998,  999, 1000])");
  EXPECT_EQ(format_array(Array::arange(1000, DType::Int32)).find("..."), std::string::npos);
}

}  // namespace
