// The differential test: generated expressions (tests/diff/gen_cases.py) evaluated by jitexpr and
// compared with what numexpr or numpy, emulating our documented rules, computed for them.
//
// What "equal" means, per case (the generator picks the class; see gen_cases.py's docstring):
//  - dtype and shape: exactly. Integers and bools: exactly.
//  - exact: floats bit for bit (so -0.0 differs from 0.0), any NaN matching any NaN. Every
//    operation in such a case is correctly rounded or computed by the same formula as the oracle
//    (+ - * /, sqrt, fmod, rounding, comparisons, casts, complex * and / by the same formulas
//    with FMA contraction off, powers by the same squaring).
//  - ulp K (K = 4): a transcendental function, general pow, arctan2, hypot or abs of a complex
//    at the root. glibc's libmvec, which the vectorizer calls, documents at most 4 ULP for these
//    functions, and the reference is within half an ULP (glibc's libm in double, float32 results
//    computed in double and rounded); NaN matches NaN, and inf is one ULP past the largest finite
//    value. Complex parts are compared against K ULP of the larger part's magnitude: the
//    componentwise error of complex functions is only bounded relative to |z|.
//  - bound: floating sum and prod, whose summation order differs from numpy's (we fold in
//    blocks and vectorize, numpy sums pairwise): |got - want| <= the per-element bound that the
//    generator derived from the inputs (gen_cases.py reduction_bound); NaN and inf exactly.
// A failure prints the expression, the inputs and both results.
#include <jitexpr/jitexpr.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

// ---- the case file ----

struct Data {
  DType dtype = DType::Float64;
  std::size_t itemsize = 8;
  // "c": C order; "x:SHIFT:S0,S1,...": each axis' stride in elements (negative: reversed, 0:
  // broadcast) and the view's byte offset from an aligned address (gen_cases.py layout_for).
  std::string layout = "c";
  Shape shape;
  std::vector<unsigned char> bytes;  // C order, little-endian
};

// out=: a new array of a dtype and layout, or the array bound to an operand (in place).
struct OutSpec {
  std::string alias;
  Data data;  // dtype, itemsize, layout and shape; no bytes
  Casting casting = Casting::Safe;
};

struct Case {
  int id = 0;
  int line = 0;
  std::string expr;
  std::vector<std::pair<std::string, Data>> inputs;
  std::optional<Data> want;
  std::optional<OutSpec> out;
  std::string error;    // the error kind's name, when the expression must fail
  std::string message;  // and its message, where the case gives it
  std::string group;   // "staged": reductions inside an expression
  std::string oracle;  // numexpr or numpy
  std::string tol;     // exact, ulp, bound
  int ulps = 0;
  std::vector<double> bound;
};

std::vector<unsigned char> from_hex(const std::string& s) {
  std::vector<unsigned char> out;
  if (s == "-") return out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    out.push_back(static_cast<unsigned char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  }
  return out;
}

DType parse_dtype(const std::string& name) {
  std::optional<DType> t = dtype_from_name(name);
  if (!t) throw std::runtime_error("unknown dtype " + name);
  return *t;
}

Shape read_shape(std::istream& in) {
  int ndim = 0;
  in >> ndim;
  Shape s(static_cast<std::size_t>(ndim));
  for (auto& d : s) in >> d;
  return s;
}

std::vector<Case> load_cases(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path + "; build the jitexpr_diff_cases target");
  std::vector<Case> cases;
  Case c;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string tag;
    ls >> tag;
    if (tag == "case") {
      c = Case{};
      ls >> c.id;
      c.line = lineno;
    } else if (tag == "expr") {
      c.expr = line.substr(5);
    } else if (tag == "in") {
      std::string name, dt, hex;
      Data d;
      ls >> name >> dt >> d.itemsize >> d.layout;
      d.dtype = parse_dtype(dt);
      d.shape = read_shape(ls);
      ls >> hex;
      d.bytes = from_hex(hex);
      c.inputs.emplace_back(name, std::move(d));
    } else if (tag == "out") {
      OutSpec o;
      std::string first;
      ls >> first;
      if (first == "alias") {
        ls >> o.alias;
      } else {
        o.data.dtype = parse_dtype(first);
        o.data.itemsize = dtype_size(o.data.dtype);
        ls >> o.data.layout;
        o.data.shape = read_shape(ls);
      }
      c.out = std::move(o);
    } else if (tag == "casting") {
      std::string name;
      ls >> name;
      bool known = false;
      for (Casting k : {Casting::No, Casting::Equiv, Casting::Safe, Casting::SameKind, Casting::Unsafe}) {
        if (casting_name(k) == name) c.out->casting = k, known = true;
      }
      if (!known || !c.out) throw std::runtime_error(fmt::format("{}:{}: bad casting line", path, lineno));
    } else if (tag == "message") {
      c.message = line.substr(8);
    } else if (tag == "want") {
      std::string dt, hex;
      Data d;
      ls >> dt;
      d.dtype = parse_dtype(dt);
      d.itemsize = dtype_size(d.dtype);
      d.shape = read_shape(ls);
      ls >> hex;
      d.bytes = from_hex(hex);
      c.want = std::move(d);
    } else if (tag == "error") {
      ls >> c.error;
    } else if (tag == "group") {
      ls >> c.group;
    } else if (tag == "oracle") {
      ls >> c.oracle;
    } else if (tag == "tol") {
      ls >> c.tol;
      if (c.tol == "ulp") ls >> c.ulps;
      if (c.tol == "bound") {
        std::string hex;
        ls >> hex;
        std::vector<unsigned char> raw = from_hex(hex);
        c.bound.resize(raw.size() / sizeof(double));
        if (!raw.empty()) std::memcpy(c.bound.data(), raw.data(), raw.size());  // an empty bound has no buffer
      }
    } else if (tag == "end") {
      cases.push_back(std::move(c));
    } else {
      throw std::runtime_error(fmt::format("{}:{}: unknown line '{}'", path, lineno, line));
    }
  }
  return cases;
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> cases = [] {
    const char* env = std::getenv("JITEXPR_DIFF_CASES");  // another seed's file, for exploring
    return load_cases(env ? env : JITEXPR_DIFF_CASES);
  }();
  return cases;
}

// ---- inputs as arrays in the layout the case asks for ----

// Owns the host memory that the input views point into.
struct Inputs {
  std::vector<std::unique_ptr<std::uint64_t[]>> buffers;
  Bindings bindings;
};

// A view of new memory laid out as `d.layout` says, holding d.bytes (if any). The bytes around and
// between the elements are 0xA5, so a kernel that reads a gap reads garbage.
Array place(const Data& d, std::vector<std::unique_ptr<std::uint64_t[]>>& buffers) {
  auto item = static_cast<std::int64_t>(d.itemsize);
  std::int64_t n = shape_size(d.shape);
  Strides strides = c_strides(d.shape, d.itemsize);
  std::int64_t shift = 0;
  if (d.layout != "c") {
    std::istringstream spec(d.layout.substr(2));  // "x:SHIFT:S0,S1,..."
    char sep = 0;
    spec >> shift >> sep;
    for (auto& s : strides) {
      spec >> s >> sep;
      s *= item;
    }
  }
  // The lowest and highest byte offsets any element has from the first one.
  std::int64_t low = 0, high = 0;
  for (std::size_t ax = 0; ax < d.shape.size() && n > 0; ++ax) {
    std::int64_t span = (d.shape[ax] - 1) * strides[ax];
    (span < 0 ? low : high) += span;
  }
  auto bytes = static_cast<std::size_t>(high - low + item + shift);
  buffers.push_back(std::make_unique<std::uint64_t[]>(bytes / 8 + 2));
  auto* base = reinterpret_cast<unsigned char*>(buffers.back().get());
  std::memset(base, 0xA5, (bytes / 8 + 2) * 8);
  unsigned char* first = base + shift - low;
  // Element k in C order goes to its strided address.
  for (std::int64_t k = 0; k < n && !d.bytes.empty(); ++k) {
    std::int64_t rest = k, offset = 0;
    for (std::size_t ax = d.shape.size(); ax-- > 0;) {
      offset += (rest % d.shape[ax]) * strides[ax];
      rest /= d.shape[ax];
    }
    std::memcpy(first + offset, d.bytes.data() + k * item, d.itemsize);
  }
  return Array::view(first, d.dtype, d.shape, strides, d.dtype == DType::Bytes ? d.itemsize : 0);
}

Inputs make_inputs(const Case& c) {
  Inputs out;
  for (const auto& [name, d] : c.inputs) out.bindings.emplace_back(name, place(d, out.buffers));
  return out;
}

// ---- printing ----

template <typename T> T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::string element(DType t, const unsigned char* p, std::size_t itemsize) {
  switch (t) {
    case DType::Bool: return *p ? "True" : "False";
    case DType::Int8: return std::to_string(load<std::int8_t>(p));
    case DType::Int16: return std::to_string(load<std::int16_t>(p));
    case DType::Int32: return std::to_string(load<std::int32_t>(p));
    case DType::Int64: return std::to_string(load<std::int64_t>(p));
    case DType::UInt8: return std::to_string(load<std::uint8_t>(p));
    case DType::UInt16: return std::to_string(load<std::uint16_t>(p));
    case DType::UInt32: return std::to_string(load<std::uint32_t>(p));
    case DType::UInt64: return std::to_string(load<std::uint64_t>(p));
    case DType::Float32: return fmt::format("{:.9g}", load<float>(p));
    case DType::Float64: return fmt::format("{:.17g}", load<double>(p));
    case DType::Complex64: return fmt::format("({:.9g}{:+.9g}j)", load<float>(p), load<float>(p + 4));
    case DType::Complex128: return fmt::format("({:.17g}{:+.17g}j)", load<double>(p), load<double>(p + 8));
    case DType::Bytes: {
      std::string s;
      for (std::size_t i = 0; i < itemsize && p[i]; ++i) s += static_cast<char>(p[i]);
      return "b'" + s + "'";
    }
  }
  return "?";
}

std::string describe(const Data& d) {
  std::vector<std::string> items;
  constexpr std::size_t kMaxShown = 64;  // the large reduction cases have 20000 elements
  std::size_t n = d.itemsize ? d.bytes.size() / d.itemsize : 0;
  for (std::size_t k = 0; k < std::min(n, kMaxShown); ++k) {
    items.push_back(element(d.dtype, d.bytes.data() + k * d.itemsize, d.itemsize));
  }
  if (n > kMaxShown) items.push_back(fmt::format("... {} more", n - kMaxShown));
  return fmt::format("{}{} [{}]", dtype_name(d.dtype), shape_string(d.shape), fmt::join(items, ", "));
}

// The result's elements in C order, as raw bytes.
Data to_data(const Array& a) {
  Data d;
  d.dtype = a.dtype();
  d.itemsize = a.itemsize();
  d.shape = a.shape();
  for (std::int64_t i = 0; i < a.size(); ++i) {
    const auto* p = static_cast<const unsigned char*>(a.flat_pointer(i));
    d.bytes.insert(d.bytes.end(), p, p + d.itemsize);
  }
  return d;
}

// ---- comparing ----

// Floats on one integer line: adjacent floats differ by 1, +0 and -0 are both 0, inf follows
// the largest finite value.
template <typename F> std::int64_t ordered(F x) {
  using I = std::conditional_t<sizeof(F) == 8, std::int64_t, std::int32_t>;
  I i = std::bit_cast<I>(x);
  return i < 0 ? -static_cast<std::int64_t>(i & std::numeric_limits<I>::max()) : static_cast<std::int64_t>(i);
}

template <typename F> std::uint64_t ulp_distance(F got, F want) {
  std::int64_t d = ordered(got) - ordered(want);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

template <typename F> bool same_bits(F a, F b) {
  using U = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;
  return std::bit_cast<U>(a) == std::bit_cast<U>(b);
}

// A real value, or one part of a complex one outside the ulp mode.
template <typename F> bool real_ok(const Case& c, F got, F want, double bound) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (c.tol == "exact") return same_bits(got, want);
  if (c.tol == "ulp") return ulp_distance(got, want) <= static_cast<std::uint64_t>(c.ulps);
  if (std::isinf(want) || std::isinf(got)) return got == want;
  return std::fabs(static_cast<double>(got) - static_cast<double>(want)) <= bound;
}

template <typename F> bool complex_ok(const Case& c, const unsigned char* g, const unsigned char* w, double bound) {
  F gr = load<F>(g), gi = load<F>(g + sizeof(F)), wr = load<F>(w), wi = load<F>(w + sizeof(F));
  if (c.tol != "ulp") return real_ok(c, gr, wr, bound) && real_ok(c, gi, wi, bound);
  // Both parts within K ULP of the larger finite part's magnitude.
  F scale = 0;
  for (F part : {wr, wi}) {
    if (std::isfinite(part)) scale = std::max(scale, std::fabs(part));
  }
  double ulp = static_cast<double>(std::nextafter(scale, std::numeric_limits<F>::infinity()) - scale);
  auto part_ok = [&](F got, F want) {
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
    if (std::isinf(want) || std::isinf(got)) return got == want;
    return std::fabs(static_cast<double>(got) - static_cast<double>(want)) <= c.ulps * ulp;
  };
  return part_ok(gr, wr) && part_ok(gi, wi);
}

bool element_ok(const Case& c, DType t, const unsigned char* g, const unsigned char* w, std::size_t k) {
  double bound = c.bound.empty() ? 0.0 : c.bound[k];
  switch (t) {
    case DType::Float32: return real_ok(c, load<float>(g), load<float>(w), bound);
    case DType::Float64: return real_ok(c, load<double>(g), load<double>(w), bound);
    case DType::Complex64: return complex_ok<float>(c, g, w, bound);
    case DType::Complex128: return complex_ok<double>(c, g, w, bound);
    case DType::Bool: return (*g != 0) == (*w != 0);
    default: return std::memcmp(g, w, dtype_size(t)) == 0;
  }
}

// The largest error of an ulp case's result, in ULP (complex: of the larger part), for the log.
template <typename F> double max_ulps(const Data& got, const Data& want, bool complex) {
  double worst = 0;
  std::size_t stride = complex ? 2 * sizeof(F) : sizeof(F);
  for (std::size_t off = 0; off + stride <= want.bytes.size(); off += stride) {
    F w[2] = {}, g[2] = {};
    std::memcpy(w, want.bytes.data() + off, stride);
    std::memcpy(g, got.bytes.data() + off, stride);
    F scale = 0;
    for (int p = 0; p < (complex ? 2 : 1); ++p) {
      if (std::isfinite(w[p])) scale = std::max(scale, std::fabs(w[p]));
    }
    double ulp = static_cast<double>(std::nextafter(scale, std::numeric_limits<F>::infinity()) - scale);
    for (int p = 0; p < (complex ? 2 : 1); ++p) {
      if (!std::isfinite(w[p]) || !std::isfinite(g[p])) continue;
      worst = std::max(worst, complex ? std::fabs(static_cast<double>(g[p]) - w[p]) / ulp
                                      : static_cast<double>(ulp_distance(g[p], w[p])));
    }
  }
  return worst;
}

double observed_ulps(const Data& got, const Data& want) {
  switch (want.dtype) {
    case DType::Float32: return max_ulps<float>(got, want, false);
    case DType::Float64: return max_ulps<double>(got, want, false);
    case DType::Complex64: return max_ulps<float>(got, want, true);
    case DType::Complex128: return max_ulps<double>(got, want, true);
    default: return 0;
  }
}

// Runs one case; returns an empty string when jitexpr agrees, else the report. `worst_ulps`
// collects the largest error of ulp cases.
std::string run_case(Runtime& rt, const Case& c, double* worst_ulps = nullptr) {
  Inputs inputs = make_inputs(c);
  std::string head = fmt::format("case {} (line {}, oracle {}, tolerance {}{}): {}\n", c.id, c.line,
                                 c.oracle.empty() ? "-" : c.oracle, c.tol.empty() ? "-" : c.tol,
                                 c.tol == "ulp" ? fmt::format(" {}", c.ulps) : "", c.expr);
  for (const auto& [name, d] : c.inputs) head += fmt::format("  {} = {} (layout {})\n", name, describe(d), d.layout);
  std::optional<Array> out;
  if (c.out) {
    const OutSpec& o = *c.out;
    for (const auto& [name, value] : inputs.bindings) {
      if (name == o.alias) out = *value.if_array();
    }
    if (!out) out = place(o.data, inputs.buffers);
    head += fmt::format("  out= {}{} (layout {}), casting={}\n", o.alias.empty() ? "" : o.alias + ": ",
                        out->describe(), o.alias.empty() ? o.data.layout : "of the operand", casting_name(o.casting));
  }
  std::optional<Data> got;
  std::string got_error;
  try {
    if (out) {
      Array r = rt.evaluate(c.expr, inputs.bindings, *out, {.casting = c.out->casting});
      if (r.raw_data() != out->raw_data()) return head + "  the result is not out=\n";
      got = to_data(*out);
    } else {
      got = to_data(rt.evaluate(c.expr, inputs.bindings));
    }
  } catch (const Error& e) {
    got_error = fmt::format("{}: {}", error_kind_name(e.kind()), e.message());
    bool message_ok = c.message.empty() || e.message() == c.message;
    if (!c.error.empty() && error_kind_name(e.kind()) == c.error && message_ok) return {};
  }
  if (!c.error.empty()) {
    std::string want = c.message.empty() ? c.error : c.error + ": " + c.message;
    return head + fmt::format("  want: {}\n  got:  {}\n", want, got ? describe(*got) : got_error);
  }
  const Data& want = *c.want;
  if (!got) return head + fmt::format("  want: {}\n  got:  {}\n", describe(want), got_error);
  std::string why;
  if (got->dtype != want.dtype) {
    why = "dtype differs";
  } else if (got->shape != want.shape) {
    why = "shape differs";
  } else {
    for (std::size_t k = 0; k * want.itemsize < want.bytes.size(); ++k) {
      if (!element_ok(c, want.dtype, got->bytes.data() + k * want.itemsize, want.bytes.data() + k * want.itemsize, k)) {
        why = fmt::format("element {} differs: want {}, got {}{}", k,
                          element(want.dtype, want.bytes.data() + k * want.itemsize, want.itemsize),
                          element(want.dtype, got->bytes.data() + k * want.itemsize, want.itemsize),
                          c.bound.empty() ? "" : fmt::format(" (bound {:.3g})", c.bound[k]));
        break;
      }
    }
  }
  if (why.empty()) {
    if (worst_ulps && c.tol == "ulp") *worst_ulps = std::max(*worst_ulps, observed_ulps(*got, want));
    return {};
  }
  return head + fmt::format("  want: {}\n  got:  {}\n  {}\n", describe(want), describe(*got), why);
}

enum class Group { Exact, Inexact, Reduction, Error, Out, Staged };

Group group_of(const Case& c) {
  if (c.group == "staged") return Group::Staged;
  if (c.out) return Group::Out;
  if (!c.error.empty()) return Group::Error;
  for (const char* r : {"sum(", "prod(", "min(", "max("}) {
    if (c.expr.rfind(r, 0) == 0 && c.expr.back() == ')') return Group::Reduction;
  }
  return c.tol == "ulp" ? Group::Inexact : Group::Exact;
}

void run_group(Group g, int opt_level = RuntimeOptions{}.opt_level) {
  // No disk cache: every kernel is compiled by this build (objects on disk outlive the code that
  // made them).
  Runtime rt({.opt_level = opt_level, .disk_cache = false});
  int ran = 0, failed = 0;
  double worst_ulps = 0;
  for (const Case& c : all_cases()) {
    if (group_of(c) != g) continue;
    ++ran;
    std::string report = run_case(rt, c, &worst_ulps);
    if (!report.empty()) {
      ++failed;
      ADD_FAILURE() << report;
    }
  }
  EXPECT_GT(ran, 0);
  EXPECT_EQ(failed, 0) << failed << " of " << ran << " cases differ";
  if (worst_ulps > 0) fmt::print("largest error of the ulp cases at -O{}: {:.2f} ULP\n", opt_level, worst_ulps);
}

TEST(Diff, CasesCoverEveryDtypeAndAreEnough) {
  const std::vector<Case>& cases = all_cases();
  EXPECT_GE(cases.size(), 1000u);
  std::set<DType> in, out;
  std::map<std::string, int> oracles;
  int outs = 0, strided = 0;
  for (const Case& c : cases) {
    outs += c.out.has_value();
    for (const auto& [name, d] : c.inputs) strided += d.layout != "c";
    for (const auto& [name, d] : c.inputs) in.insert(d.dtype);
    if (c.want) out.insert(c.want->dtype);
    ++oracles[c.oracle.empty() ? "error" : c.oracle];
  }
  EXPECT_EQ(in.size(), static_cast<std::size_t>(kNumDTypes));  // the 13 numeric types and bytes
  EXPECT_EQ(out.size(), static_cast<std::size_t>(kNumDTypes - 1));
  EXPECT_GT(oracles["numexpr"], 50);
  EXPECT_GT(oracles["numpy"], 500);
  EXPECT_GT(oracles["error"], 20);
  EXPECT_GE(outs, 300);
  EXPECT_GE(strided, 1000);
}

TEST(Diff, ExactOperationsAreBitForBit) { run_group(Group::Exact); }
TEST(Diff, TranscendentalFunctionsAreWithinTheUlpBound) { run_group(Group::Inexact); }
TEST(Diff, ReductionsAreWithinTheSummationBound) { run_group(Group::Reduction); }
TEST(Diff, RejectedExpressionsRaiseTheRightError) { run_group(Group::Error); }
// Reductions anywhere in an expression (1 + sum(a), the Monte Carlo pi in one line, a distance
// over an axis of any length, a reduction broadcast back into the element-wise part), bit for bit
// against numpy.
TEST(Diff, ReductionsInsideExpressionsMatchNumpy) { run_group(Group::Staged); }
// out= of any layout, also an operand's own array, with every casting rule: the converted values,
// or the TypeError that names both dtypes and the rule.
TEST(Diff, OutputsAndCastingMatchTheOracle) { run_group(Group::Out); }

// A reduction's out= must have the reduction's shape, as an element-wise out= must (numpy:
// ValueError), checked when the evaluation is bound (plan_iteration, runtime/eval/Bind.cpp):
// taken unchecked, sum(a, axis=0) of a (3, 2) array into a (2, 3, 2) out= would write at offsets
// computed from the wrong rank, and sum(a) into a (1,) out= would pass.
TEST(Diff, ReductionIntoOutOfTheWrongShapeIsAValueError) {
  Runtime rt({.disk_cache = false});
  Array a = Array::arange(6, DType::Float64).reshape({3, 2});
  Array wrong_rank = Array::zeros(DType::Float64, {2, 3, 2});
  Array one = Array::zeros(DType::Float64, {1});
  Array three = Array::zeros(DType::Float64, {3});
  EXPECT_THROW(rt.evaluate("sum(a, axis=0)", {{"a", a}}, wrong_rank), ValueError);
  EXPECT_THROW(rt.evaluate("sum(a, axis=0)", {{"a", a}}, three), ValueError);
  EXPECT_THROW(rt.evaluate("sum(a)", {{"a", a}}, one), ValueError);
  Array two = Array::zeros(DType::Float64, {2});
  rt.evaluate("sum(a, axis=0)", {{"a", a}}, two);
  EXPECT_EQ(two.flat_as_double(0), 6.0);
  EXPECT_EQ(two.flat_as_double(1), 9.0);
}

// Unoptimized code takes other paths (no vectorization, no libmvec, no LLVM folding of libm
// calls), and must give the same results.
TEST(Diff, UnoptimizedCodeAgreesToo) {
  for (Group g : {Group::Exact, Group::Inexact, Group::Reduction}) run_group(g, 0);
}

}  // namespace
