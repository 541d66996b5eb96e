// load_npy and save_npy: round trips, interoperability with numpy both ways, and corrupt files.
#include <jitexpr/Error.h>
#include <jitexpr/Npy.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

namespace {

using namespace jitexpr;
namespace fs = std::filesystem;

// Bytes arrays in these tests are 5 bytes wide.
constexpr std::size_t kWidth = 5;

// Element i of a sample array. The Python script below computes the same values with numpy.
template <typename T> T sample_value(std::int64_t i) {
  if constexpr (std::is_same_v<T, bool>) {
    return i % 3 == 1;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(i * 37 - 50);  // wraps for the narrow and unsigned types, as numpy's astype
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(static_cast<double>(i) * 0.5 - 3.25);
  } else {
    using R = typename T::value_type;
    return T(static_cast<R>(static_cast<double>(i) * 0.5 - 3.25), static_cast<R>(-i));
  }
}

template <typename T> void fill_sample(Array& a) {
  for (std::int64_t i = 0; i < a.size(); ++i) {
    T v = sample_value<T>(i);
    std::memcpy(a.flat_pointer(i), &v, sizeof v);
  }
}

// A C-order array whose element i is sample_value(i); bytes elements are letters, odd ones
// ending in a NUL.
Array sample(DType t, const Shape& shape) {
  Array a = Array::empty(t, shape, t == DType::Bytes ? kWidth : 0);
  switch (t) {
    case DType::Bool: fill_sample<bool>(a); break;
    case DType::Int8: fill_sample<std::int8_t>(a); break;
    case DType::Int16: fill_sample<std::int16_t>(a); break;
    case DType::Int32: fill_sample<std::int32_t>(a); break;
    case DType::Int64: fill_sample<std::int64_t>(a); break;
    case DType::UInt8: fill_sample<std::uint8_t>(a); break;
    case DType::UInt16: fill_sample<std::uint16_t>(a); break;
    case DType::UInt32: fill_sample<std::uint32_t>(a); break;
    case DType::UInt64: fill_sample<std::uint64_t>(a); break;
    case DType::Float32: fill_sample<float>(a); break;
    case DType::Float64: fill_sample<double>(a); break;
    case DType::Complex64: fill_sample<std::complex<float>>(a); break;
    case DType::Complex128: fill_sample<std::complex<double>>(a); break;
    case DType::Bytes:
      for (std::int64_t i = 0; i < a.size(); ++i) {
        char* p = static_cast<char*>(a.flat_pointer(i));
        for (std::size_t k = 0; k < kWidth; ++k) {
          p[k] = k == 4 && i % 2 ? '\0' : static_cast<char>('a' + (i + static_cast<std::int64_t>(k)) % 26);
        }
      }
      break;
  }
  return a;
}

const DType kAllDTypes[] = {DType::Bool,   DType::Int8,    DType::Int16,   DType::Int32,     DType::Int64,
                            DType::UInt8,  DType::UInt16,  DType::UInt32,  DType::UInt64,    DType::Float32,
                            DType::Float64, DType::Complex64, DType::Complex128, DType::Bytes};

// numpy's dtype string for a jitexpr dtype, without byte order.
std::string numpy_code(DType t) {
  switch (t) {
    case DType::Bool: return "b1";
    case DType::Int8: return "i1";
    case DType::Int16: return "i2";
    case DType::Int32: return "i4";
    case DType::Int64: return "i8";
    case DType::UInt8: return "u1";
    case DType::UInt16: return "u2";
    case DType::UInt32: return "u4";
    case DType::UInt64: return "u8";
    case DType::Float32: return "f4";
    case DType::Float64: return "f8";
    case DType::Complex64: return "c8";
    case DType::Complex128: return "c16";
    case DType::Bytes: return fmt::format("S{}", kWidth);
  }
  return "?";
}

// The descr save_npy writes on this (little-endian) host, as numpy spells it.
std::string native_descr(DType t) {
  std::string code = numpy_code(t);
  bool one_byte = t == DType::Bool || t == DType::Int8 || t == DType::UInt8 || t == DType::Bytes;
  return (one_byte ? "|" : "<") + code;
}

const std::vector<Shape> kShapes = {{}, {0}, {7}, {2, 3}, {3, 0, 2}, {2, 3, 4}, {1, 5, 1}};

std::string shape_list(const Shape& shape) { return fmt::format("{}", fmt::join(shape, ",")); }

// Same dtype, shape and element bytes; `got` is an owning C-order array.
void expect_same(const Array& got, const Array& want, const std::string& what) {
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  ASSERT_EQ(got.itemsize(), want.itemsize()) << what;
  EXPECT_TRUE(got.is_c_contiguous()) << what;
  EXPECT_TRUE(got.owns_data()) << what;
  for (std::int64_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(std::memcmp(got.flat_pointer(i), want.flat_pointer(i), want.itemsize()), 0)
        << what << ": element " << i << " differs";
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A .npy file with the header text `dict` (a '\n' is appended) and the given data bytes.
std::string npy_file(std::string_view dict, std::string_view data, int major = 1, int minor = 0) {
  std::string header = std::string(dict) + "\n";
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  std::size_t length_bytes = major == 1 ? 2 : 4;
  for (std::size_t i = 0; i < length_bytes; ++i) out += static_cast<char>(header.size() >> (8 * i) & 0xff);
  return out + header + std::string(data);
}

std::string header_dict(std::string_view descr, std::string_view shape, std::string_view fortran = "False") {
  return fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}", descr, fortran, shape);
}

std::string bytes_of(const Array& a) { return std::string(static_cast<const char*>(a.raw_data()), a.nbytes()); }

class Npy : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("jitexpr-npy-{}-{}-{}", getpid(), info->name(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string path(std::string_view name) const { return (dir_ / name).string(); }

  // load_npy must fail with a ValueError that names the file and says `expected`.
  void expect_load_error(const std::string& name, std::string_view bytes, std::string_view expected) {
    std::string p = path(name);
    write_file(p, bytes);
    try {
      Array a = load_npy(p);
      ADD_FAILURE() << name << ": loaded as " << a.describe() << " instead of failing";
    } catch (const ValueError& e) {
      EXPECT_NE(e.message().find(p), std::string::npos) << name << ": " << e.message();
      EXPECT_NE(e.message().find(expected), std::string::npos) << name << ": " << e.message();
      EXPECT_TRUE(std::islower(static_cast<unsigned char>(e.message()[0]))) << e.message();
      EXPECT_NE(e.message().back(), '.') << e.message();
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": threw something other than a ValueError: " << e.what();
    }
  }

  // Runs the interop script in `mode` over the manifest; returns its output on failure.
  ::testing::AssertionResult run_python(std::string_view mode, const std::string& manifest) {
    std::string script = path("interop.py");
    write_file(script, kInteropScript);
    std::string log = path("python.log");
    std::string cmd = fmt::format("'{}' '{}' {} '{}' '{}' > '{}' 2>&1", JITEXPR_PYTHON, script, mode, manifest,
                                  dir_.string(), log);
    if (std::system(cmd.c_str()) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << cmd << "\n" << read_file(log);
  }

  bool have_numpy() const {
    std::string cmd = fmt::format("'{}' -c 'import numpy' > /dev/null 2>&1", JITEXPR_PYTHON);
    return std::system(cmd.c_str()) == 0;
  }

  // Manifest lines: file;dtype;shape;order-or-view;version. "make" writes each file with numpy;
  // "check" loads each with numpy and compares it with the sample values (for view "T", the
  // transpose of the sample of that shape; for "R", the sample reversed).
  static constexpr std::string_view kInteropScript = R"PY(
import sys
import numpy as np

def sample(dt, shape):
    dt = np.dtype(dt)
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.int64)
    if dt.kind == 'b':
        a = i % 3 == 1
    elif dt.kind in 'iu':
        a = i * 37 - 50
    elif dt.kind == 'f':
        a = i * 0.5 - 3.25
    elif dt.kind == 'c':
        a = (i * 0.5 - 3.25) + 1j * (-i)
    else:
        a = np.array([bytes(0 if (k == 4 and j % 2) else 97 + (j + k) % 26 for k in range(dt.itemsize))
                      for j in range(n)], dtype=dt)
    return a.astype(dt).reshape(shape)

mode, manifest, folder = sys.argv[1:4]
failures = []
for line in open(manifest):
    name, dt, shape, order, version = line.strip().split(';')
    shape = tuple(int(x) for x in shape.split(',') if x)
    path = folder + '/' + name
    if mode == 'make':
        a = sample(dt, shape)
        if order == 'F':
            a = np.asfortranarray(a)
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, a, version=(int(version), 0))
        continue
    with open(path, 'rb') as f:
        if np.lib.format.read_magic(f) != (1, 0):
            failures.append(name + ': not version 1.0')
        np.lib.format.read_array_header_1_0(f)
        if f.tell() % 64:
            failures.append(name + ': data starts at %d' % f.tell())
    a = np.load(path)
    if order == 'T':
        want = sample(dt, shape).T
    elif order == 'R':
        want = sample(dt, shape)[::-1]
    else:
        want = sample(dt, shape)
    if a.dtype.str != np.dtype(dt).str or a.shape != want.shape:
        failures.append('%s: %s %s, expected %s %s' % (name, a.dtype.str, a.shape, want.dtype.str, want.shape))
    elif np.ascontiguousarray(a).tobytes() != np.ascontiguousarray(want).tobytes():
        failures.append('%s: values %r, expected %r' % (name, a, want))
print('\n'.join(failures))
sys.exit(1 if failures else 0)
)PY";

  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// Round trips

TEST_F(Npy, RoundTripsEveryDTypeAndShape) {
  for (DType t : kAllDTypes) {
    for (const Shape& shape : kShapes) {
      std::string what = fmt::format("{} {}", numpy_code(t), shape_string(shape));
      Array a = sample(t, shape);
      std::string p = path("a.npy");
      save_npy(p, a);
      expect_same(load_npy(p), a, what);
    }
  }
}

TEST_F(Npy, NonContiguousArraysAreWrittenInCOrder) {
  Array base = sample(DType::Float64, {4, 6});
  Array transposed = Array::view(base.raw_data(), DType::Float64, {6, 4}, {8, 48});
  save_npy(path("t.npy"), transposed);
  Array t = load_npy(path("t.npy"));
  ASSERT_EQ(t.shape(), (Shape{6, 4}));
  for (std::int64_t i = 0; i < 6; ++i) {
    for (std::int64_t j = 0; j < 4; ++j) EXPECT_EQ(t.at_as_complex({i, j}), base.at_as_complex({j, i}));
  }

  Array line = sample(DType::Int16, {9});
  Array reversed = Array::view(static_cast<char*>(line.raw_data()) + 16, DType::Int16, {9}, {-2});
  save_npy(path("r.npy"), reversed);
  Array r = load_npy(path("r.npy"));
  for (std::int64_t i = 0; i < 9; ++i) EXPECT_EQ(r.flat_as_int(i), line.flat_as_int(8 - i));

  Array words = sample(DType::Bytes, {6});
  Array every_other = Array::view(words.raw_data(), DType::Bytes, {3}, {2 * kWidth}, kWidth);
  save_npy(path("b.npy"), every_other);
  Array b = load_npy(path("b.npy"));
  ASSERT_EQ(b.shape(), Shape{3});
  for (std::int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::memcmp(b.flat_pointer(i), words.flat_pointer(2 * i), kWidth), 0) << i;
  }
}

TEST_F(Npy, SavedHeaderIsVersion1PaddedTo64BytesAndNewlineTerminated) {
  for (DType t : kAllDTypes) {
    for (const Shape& shape : kShapes) {
      Array a = sample(t, shape);
      save_npy(path("a.npy"), a);
      std::string file = read_file(path("a.npy"));
      ASSERT_GE(file.size(), 10u);
      EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
      std::size_t header_length = static_cast<unsigned char>(file[8]) | static_cast<unsigned char>(file[9]) << 8;
      std::size_t data_offset = 10 + header_length;
      EXPECT_EQ(data_offset % 64, 0u);
      ASSERT_EQ(file.size(), data_offset + a.nbytes());
      std::string header = file.substr(10, header_length);
      EXPECT_EQ(header.back(), '\n');
      std::string dict = header_dict(native_descr(t), shape_string(shape));
      EXPECT_EQ(header.substr(0, dict.size()), dict);
      EXPECT_EQ(header.find_first_not_of(' ', dict.size()), header_length - 1) << header;
    }
  }
}

TEST_F(Npy, SaveReplacesAnExistingFileAndLeavesNoTemporaryFiles) {
  save_npy(path("a.npy"), sample(DType::Int32, {100}));
  Array small = sample(DType::UInt8, {3});
  save_npy(path("a.npy"), small);
  expect_same(load_npy(path("a.npy")), small, "replaced");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"a.npy"});
}

TEST_F(Npy, SaveIntoAMissingDirectoryIsAValueError) {
  std::string p = path("no/such/dir/a.npy");
  try {
    save_npy(p, sample(DType::Float64, {3}));
    ADD_FAILURE() << "saved into a missing directory";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), fmt::format("cannot write '{}': No such file or directory", p));
  }
}

TEST_F(Npy, SaveOverADirectoryFailsAndRemovesItsTemporaryFile) {
  fs::create_directory(path("d.npy"));
  try {
    save_npy(path("d.npy"), sample(DType::Float64, {3}));
    ADD_FAILURE() << "saved over a directory";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message().rfind(fmt::format("cannot write '{}': ", path("d.npy")), 0), 0u) << e.message();
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"d.npy"});
}

// ---------------------------------------------------------------------------------------------
// Headers that numpy or other writers may produce

TEST_F(Npy, LoadsEveryDescrSpelling) {
  struct Case {
    std::string descr;
    DType dtype;
    std::size_t itemsize;
  };
  const Case cases[] = {
      {"|b1", DType::Bool, 1},   {"?", DType::Bool, 1},      {"b1", DType::Bool, 1},
      {"|i1", DType::Int8, 1},   {"<i1", DType::Int8, 1},    {">i1", DType::Int8, 1},
      {"|u1", DType::UInt8, 1},  {"<u1", DType::UInt8, 1},   {"=i2", DType::Int16, 2},
      {"i4", DType::Int32, 4},   {"<i8", DType::Int64, 8},   {"<u2", DType::UInt16, 2},
      {"=u4", DType::UInt32, 4}, {"<u8", DType::UInt64, 8},  {"<f4", DType::Float32, 4},
      {"=f8", DType::Float64, 8}, {"<c8", DType::Complex64, 8}, {"c16", DType::Complex128, 16},
      {"|S5", DType::Bytes, 5},  {">S5", DType::Bytes, 5},   {"|S1", DType::Bytes, 1},
  };
  for (const Case& c : cases) {
    Array want = c.dtype == DType::Bytes ? Array::zeros(DType::Bytes, {3}, c.itemsize) : sample(c.dtype, {3});
    if (c.dtype == DType::Bytes) std::memset(want.raw_data(), 'x', want.nbytes());
    std::string file = npy_file(header_dict(c.descr, "(3,)"), bytes_of(want));
    write_file(path("a.npy"), file);
    expect_same(load_npy(path("a.npy")), want, c.descr);
  }
}

TEST_F(Npy, LoadsHeadersInAnyLiteralLayout) {
  Array want = sample(DType::Int32, {2, 3});
  const char* dicts[] = {
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }",
      "{'shape': (2,3), 'fortran_order': False, 'descr': '<i4'}",
      "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2, 3)}",
      "  {\n 'descr' : '<i4' ,\n\t'fortran_order':False,'shape':( 2 , 3 , ) }   ",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L), }",  // Python 2's longs
      "{u'descr': u'<i4', u'fortran_order': False, u'shape': (2, 3)}",  // Python 2's unicode strings
      "{'descr': '\\x3ci4', 'fortran_order': False, 'shape': (+2, 3)}",
  };
  for (const char* dict : dicts) {
    write_file(path("a.npy"), npy_file(dict, bytes_of(want)));
    expect_same(load_npy(path("a.npy")), want, dict);
  }
}

TEST_F(Npy, LoadsVersion2And3Headers) {
  Array want = sample(DType::Complex64, {4});
  // Version 2.0 exists for headers longer than 65535 bytes.
  std::string long_dict = header_dict("<c8", "(4,)") + std::string(70000, ' ');
  write_file(path("v2.npy"), npy_file(long_dict, bytes_of(want), 2));
  expect_same(load_npy(path("v2.npy")), want, "2.0");
  write_file(path("v3.npy"), npy_file(header_dict("<c8", "(4,)"), bytes_of(want), 3));
  expect_same(load_npy(path("v3.npy")), want, "3.0");
}

TEST_F(Npy, BigEndianFilesAreSwappedToHostOrder) {
  for (DType t : kAllDTypes) {
    if (t == DType::Bytes) continue;
    Array want = sample(t, {2, 3});
    std::string data = bytes_of(want);
    std::size_t unit = is_complex(t) ? want.itemsize() / 2 : want.itemsize();
    for (std::size_t i = 0; i < data.size(); i += unit) std::reverse(data.begin() + i, data.begin() + i + unit);
    std::string descr = ">" + numpy_code(t);
    write_file(path("be.npy"), npy_file(header_dict(descr, "(2, 3)"), data));
    expect_same(load_npy(path("be.npy")), want, descr);
  }
}

TEST_F(Npy, FortranOrderFilesLoadWithTheirValuesInPlace) {
  Array want = sample(DType::Float64, {2, 3, 4});
  // Element (i, j, k) sits at i + 2*j + 6*k in a Fortran-order file.
  Array fortran = Array::empty(DType::Float64, {24});
  for (std::int64_t i = 0; i < 2; ++i) {
    for (std::int64_t j = 0; j < 3; ++j) {
      for (std::int64_t k = 0; k < 4; ++k) fortran.data<double>()[i + 2 * j + 6 * k] = want.at_as_complex({i, j, k}).real();
    }
  }
  write_file(path("f.npy"), npy_file(header_dict("<f8", "(2, 3, 4)", "True"), bytes_of(fortran)));
  expect_same(load_npy(path("f.npy")), want, "fortran");
  // With at most one dimension longer than 1, both orders lay the data out the same way.
  Array column = sample(DType::Int8, {1, 5, 1});
  write_file(path("c.npy"), npy_file(header_dict("|i1", "(1, 5, 1)", "True"), bytes_of(column)));
  expect_same(load_npy(path("c.npy")), column, "column");
}

TEST_F(Npy, BoolBytesOtherThanZeroAndOneLoadAsTrue) {
  write_file(path("b.npy"), npy_file(header_dict("|b1", "(4,)"), std::string("\x00\x01\x02\xff", 4)));
  Array b = load_npy(path("b.npy"));
  ASSERT_EQ(b.dtype(), DType::Bool);
  EXPECT_EQ(bytes_of(b), std::string("\x00\x01\x01\x01", 4));
}

TEST_F(Npy, TrailingBytesAfterTheDataAreIgnoredAsNumpyDoes) {
  Array want = sample(DType::UInt16, {3});
  write_file(path("a.npy"), npy_file(header_dict("<u2", "(3,)"), bytes_of(want) + "extra"));
  expect_same(load_npy(path("a.npy")), want, "trailing");
}

// ---------------------------------------------------------------------------------------------
// Interoperability with numpy

TEST_F(Npy, LoadsWhatNumpyWrites) {
  if (!have_numpy()) GTEST_SKIP() << JITEXPR_PYTHON << " has no numpy";
  struct Case {
    std::string file;
    DType dtype;
    Shape shape;
  };
  std::vector<Case> cases;
  std::ostringstream manifest;
  auto add = [&](DType t, std::string numpy_dtype, Shape shape, char order, int version) {
    std::string file = fmt::format("np{}.npy", cases.size());
    manifest << fmt::format("{};{};{};{};{}\n", file, numpy_dtype, shape_list(shape), order, version);
    cases.push_back({file, t, shape});
  };
  for (DType t : kAllDTypes) {
    std::string code = numpy_code(t);
    add(t, code, {2, 3, 4}, 'C', 1);
    add(t, code, {2, 3, 4}, 'F', 1);
    add(t, code, {3, 5}, 'C', 2);
    add(t, code, {3, 5}, 'F', 3);
    if (native_descr(t)[0] == '<') {
      add(t, ">" + code, {2, 3, 4}, 'C', 1);
      add(t, ">" + code, {2, 3, 4}, 'F', 1);
    }
    for (const Shape& shape : kShapes) add(t, code, shape, shape.empty() ? 'C' : 'F', 1);
  }
  write_file(path("manifest.txt"), manifest.str());
  ASSERT_TRUE(run_python("make", path("manifest.txt")));
  for (const Case& c : cases) {
    expect_same(load_npy(path(c.file)), sample(c.dtype, c.shape), c.file);
  }
}

TEST_F(Npy, NumpyLoadsWhatWeWrite) {
  if (!have_numpy()) GTEST_SKIP() << JITEXPR_PYTHON << " has no numpy";
  std::ostringstream manifest;
  int n = 0;
  auto save = [&](const Array& a, DType t, const Shape& shape, char view) {
    std::string file = fmt::format("ours{}.npy", n++);
    save_npy(path(file), a);
    manifest << fmt::format("{};{};{};{};1\n", file, native_descr(t), shape_list(shape), view);
  };
  std::vector<Array> keep;  // the views below borrow these buffers
  for (DType t : kAllDTypes) {
    for (const Shape& shape : kShapes) save(sample(t, shape), t, shape, 'C');
    // A transposed view: the transpose of the (3, 4) sample, so of shape (4, 3).
    Array base = keep.emplace_back(sample(t, {3, 4}));
    std::int64_t item = static_cast<std::int64_t>(base.itemsize());
    save(Array::view(base.raw_data(), t, {4, 3}, {item, 4 * item}, base.itemsize()), t, {3, 4}, 'T');
    // A reversed view.
    Array line = keep.emplace_back(sample(t, {6}));
    char* last = static_cast<char*>(line.raw_data()) + 5 * item;
    save(Array::view(last, t, {6}, {-item}, line.itemsize()), t, {6}, 'R');
  }
  write_file(path("manifest.txt"), manifest.str());
  EXPECT_TRUE(run_python("check", path("manifest.txt")));
}

// ---------------------------------------------------------------------------------------------
// Missing, corrupt and unsupported files

TEST_F(Npy, MissingFileNamesTheFileAndTheReason) {
  std::string p = path("missing.npy");
  try {
    load_npy(p);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), fmt::format("cannot open '{}': No such file or directory", p));
  }
}

TEST_F(Npy, DirectoryIsNotAFile) {
  try {
    load_npy(dir_.string());
    ADD_FAILURE() << "loaded a directory";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), fmt::format("cannot open '{}': Is a directory", dir_.string()));
  }
}

TEST_F(Npy, EveryTruncationOfAValidFileIsAValueError) {
  for (DType t : {DType::Float64, DType::Bytes}) {
    save_npy(path("valid.npy"), sample(t, {2, 3}));
    std::string valid = read_file(path("valid.npy"));
    std::size_t data_offset = 10 + (static_cast<unsigned char>(valid[8]) | static_cast<unsigned char>(valid[9]) << 8);
    ASSERT_EQ(valid.size(), data_offset + 6 * (t == DType::Bytes ? kWidth : 8));
    for (std::size_t n = 0; n < valid.size(); ++n) {
      std::string_view expected = n < 6             ? "not an npy file"
                                  : n < 10          ? "truncated file"
                                  : n < data_offset ? "truncated header"
                                                    : "truncated data";
      expect_load_error(fmt::format("cut{}.npy", n), std::string_view(valid).substr(0, n), expected);
    }
  }
}

TEST_F(Npy, CorruptAndUnsupportedFilesAreValueErrors) {
  const std::string f8x3(24, '\0');
  auto file = [&](std::string_view dict) { return npy_file(dict, f8x3); };
  auto with_descr = [&](std::string_view descr) { return file(header_dict(descr, "(3,)")); };
  auto with_shape = [&](std::string_view shape) { return file(header_dict("<f8", shape)); };
  std::string nested = "{'descr': '<f8', 'fortran_order': False, 'shape': " + std::string(100, '(') + "3" +
                       std::string(100, ')') + "}";
  std::string huge_v2 = std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12) + "{'descr'";
  const std::pair<std::string, std::string> corpus[] = {
      // The preamble.
      {"not a numpy file", "not an npy file"},
      {std::string("\x93NUMPX\x01\x00\x10\x00", 10), "not an npy file"},
      {npy_file(header_dict("<f8", "(3,)"), f8x3, 0), "unsupported npy format version 0.0"},
      {npy_file(header_dict("<f8", "(3,)"), f8x3, 1, 1), "unsupported npy format version 1.1"},
      {npy_file(header_dict("<f8", "(3,)"), f8x3, 4), "unsupported npy format version 4.0"},
      {npy_file(header_dict("<f8", "(3,)"), f8x3, 255, 255), "unsupported npy format version 255.255"},
      {huge_v2, "truncated header"},
      // The dict's syntax.
      {file(""), "malformed header"},
      {file(std::string(40, '\0')), "malformed header"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)"), "malformed header"},
      {file("{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}"), "malformed header"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x}"), "unterminated string"},
      {file("{'descr' '<f8', 'fortran_order': False, 'shape': (3,)}"), "expected ':' after a key"},
      {file("{descr: '<f8', 'fortran_order': False, 'shape': (3,)}"), "expected a string key"},
      {file("{'descr': '<f8' 'fortran_order': False, 'shape': (3,)}"), "expected ',' or '}'"},
      {file("{'descr': '<f8', 'fortran_order': false, 'shape': (3,)}"), "expected a value"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3.5,)}"), "malformed header"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3 4)}"), "expected ',' or ')'"},
      {file("{'descr': '\\q8', 'fortran_order': False, 'shape': (3,)}"), "unsupported escape"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x"), "unexpected text after the dict"},
      {file("('<f8', False, (3,))"), "expected a dict, found a tuple"},
      {file(nested), "nested more than 32 levels deep"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}"), "integer is too large"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}\xff"), "unexpected text after the dict"},
      // The dict's keys and their types.
      {file("{'descr': '<f8', 'fortran_order': False}"), "header has no 'shape' key"},
      {file("{'fortran_order': False, 'shape': (3,)}"), "header has no 'descr' key"},
      {file("{'descr': '<f8', 'shape': (3,)}"), "header has no 'fortran_order' key"},
      {file("{}"), "header has no 'descr' key"},
      {file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}"), "unexpected key 'extra'"},
      {file("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}"), "duplicate key 'descr'"},
      {file("{'descr': 8, 'fortran_order': False, 'shape': (3,)}"), "'descr' must be a string, not an int"},
      {file("{'descr': '<f8', 'fortran_order': 1, 'shape': (3,)}"), "'fortran_order' must be True or False"},
      {file("{'descr': '<f8', 'fortran_order': None, 'shape': (3,)}"), "'fortran_order' must be True or False"},
      {with_shape("[3]"), "'shape' must be a tuple of ints, not a list"},
      {with_shape("(3)"), "'shape' must be a tuple of ints, not an int"},
      {with_shape("'3'"), "'shape' must be a tuple of ints, not a string"},
      {with_shape("('a',)"), "holding a string"},
      {with_shape("(True,)"), "holding a bool"},
      // Shapes.
      {with_shape("(-1,)"), "shape (-1,) has a negative dimension"},
      {with_shape("(3, -2)"), "negative dimension"},
      {with_shape(fmt::format("({})", fmt::join(std::vector<int>(33, 1), ", "))), "shape has 33 dimensions"},
      {with_shape("(4294967296, 4294967296)"), "too many elements"},
      {with_shape("(2305843009213693952,)"), "too large"},
      {with_shape("(1000000,)"), "truncated data: shape (1000000,) of '<f8' needs 8000000 bytes, the file has 24"},
      {with_shape("(4, 1)"), "truncated data"},
      // Element types jitexpr does not have.
      {with_descr("|O"), "unsupported dtype '|O' (object arrays are not supported)"},
      {file("{'descr': [('a', '<i4'), ('b', '<f4')], 'fortran_order': False, 'shape': (3,)}"), "structured"},
      {with_descr("<f2"), "unsupported dtype '<f2' (float16 is not supported)"},
      {with_descr("<M8[ns]"), "datetimes are not supported"},
      {with_descr("<m8[s]"), "datetimes are not supported"},
      {with_descr("<U3"), "unicode strings are not supported"},
      {with_descr("|V8"), "void and structured dtypes are not supported"},
      {with_descr("|S0"), "bytes of width 0"},
      {with_descr("<i3"), "unsupported dtype '<i3'"},
      {with_descr("<f16"), "unsupported dtype '<f16'"},
      {with_descr("<c32"), "unsupported dtype '<c32'"},
      {with_descr(""), "unsupported dtype ''"},
      {with_descr("<"), "unsupported dtype '<'"},
      {with_descr("<f"), "unsupported dtype '<f'"},
      {with_descr("<f8 "), "unsupported dtype '<f8 '"},
      {with_descr("|S99999999999999999999"), "unsupported dtype"},
      {with_descr("\\xff\\x00"), "unsupported dtype '\\xff\\x00'"},
      {with_descr("\xc3\xa9"), "unsupported dtype '\\xc3\\xa9'"},
      {file(header_dict("|S999999999999999", "(100000,)")), "too large"},
  };
  int i = 0;
  for (const auto& [bytes, expected] : corpus) expect_load_error(fmt::format("bad{}.npy", i++), bytes, expected);
  EXPECT_GE(i, 25);
}

// Random byte changes to valid files: every result is an array or a ValueError, never a crash.
TEST_F(Npy, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(12345);
  std::vector<std::string> seeds;
  for (auto [t, shape] : {std::pair{DType::Int32, Shape{3, 4}}, std::pair{DType::Bytes, Shape{2}},
                          std::pair{DType::Complex128, Shape{2, 1, 2}}}) {
    save_npy(path("seed.npy"), sample(t, shape));
    seeds.push_back(read_file(path("seed.npy")));
  }
  seeds.push_back(npy_file(header_dict(">f8", "(2, 2)", "True"), std::string(32, '\x01')));
  const std::string alphabet = "(){}[],:'\" 0123456789-LTrueFalseNone<>|=!?bifucSOUVMm\n\\x";
  int loaded = 0;
  int rejected = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string bytes = seeds[static_cast<std::size_t>(iter) % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Most edits land in the header, where the parser is.
      std::size_t at = rng() % 4 ? rng() % std::min<std::size_t>(bytes.size(), 64) : rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes[at] = alphabet[rng() % alphabet.size()]; break;
        case 2: bytes.erase(at, 1 + rng() % 3); break;
        case 3: bytes.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (bytes.empty()) bytes = "x";
    }
    // A new name each time: ext4 flushes a file that is truncated and rewritten when it is closed.
    std::string p = path(fmt::format("fuzz{}.npy", iter));
    write_file(p, bytes);
    try {
      Array a = load_npy(p);
      EXPECT_TRUE(a.is_c_contiguous());
      ++loaded;
    } catch (const ValueError& e) {
      EXPECT_NE(e.message().find(p), std::string::npos) << e.message();
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "iteration " << iter << ": " << e.what();
    }
    fs::remove(p);
  }
  EXPECT_GT(loaded, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
