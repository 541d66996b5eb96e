// numpy's .npy files: load_npy and save_npy, with a small parser for the header's Python literal.
//
// A file is the magic "\x93NUMPY", a major and a minor version byte, the header length (2 bytes,
// little-endian, in version 1.0; 4 bytes in 2.0 and 3.0), the header (a Python dict literal,
// latin-1 in 1.0 and 2.0, utf-8 in 3.0) and then the raw elements.
#include <jitexpr/Npy.h>

#include <jitexpr/Error.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace jitexpr {

namespace {

constexpr std::string_view kMagic{"\x93NUMPY", 6};
// numpy (format.ARRAY_ALIGN) starts the data at a multiple of 64 bytes, so that a memory-mapped
// file is aligned for any vector load; we write the same layout.
constexpr std::size_t kDataAlign = 64;
// A version 1.0 header stores its length in 2 bytes; longer headers need version 2.0.
constexpr std::size_t kMaxV1Header = 65535;
// The deepest nesting of (), [] and {} the header parser follows. numpy's own headers nest two
// deep and structured descrs a few more; the limit keeps a hostile header from exhausting the stack.
constexpr int kMaxHeaderNesting = 32;
// Files are read in pieces of this size when their length is unknown (pipes), so that what a
// hostile header claims is never allocated before the bytes have arrived.
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// Python's repr of a string without its quotes: bytes outside printable ASCII become \xNN, so that
// whatever a corrupt file holds, messages stay readable text.
std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The header: a subset of Python's literals, enough for every header numpy has written.

struct PyValue {
  enum class Kind { None, Bool, Int, Str, Tuple, List, Dict };
  Kind kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string str;
  std::vector<PyValue> items;     // the elements of a tuple or list; the values of a dict
  std::vector<std::string> keys;  // the keys of a dict, parallel to items
};

std::string_view kind_name(PyValue::Kind k) {
  switch (k) {
    case PyValue::Kind::None: return "None";
    case PyValue::Kind::Bool: return "a bool";
    case PyValue::Kind::Int: return "an int";
    case PyValue::Kind::Str: return "a string";
    case PyValue::Kind::Tuple: return "a tuple";
    case PyValue::Kind::List: return "a list";
    case PyValue::Kind::Dict: return "a dict";
  }
  return "a value";
}

class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  // header = space value space
  PyValue parse_header() {
    skip_space();
    PyValue v = parse_value();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the dict");
    return v;
  }

 private:
  // value = dict | "(" sequence ")" | "[" sequence "]" | string | int | "True" | "False" | "None"
  PyValue parse_value() {
    if (pos_ >= text_.size()) fail("unexpected end of header");
    char c = text_[pos_];
    if (c == '{') return nested([&] { return parse_dict(); });
    if (c == '(' || c == '[') return nested([&] { return parse_sequence(); });
    if (at_string()) return string_value(parse_string());
    if (c == '-' || c == '+' || is_digit(c)) {
      PyValue v;
      v.kind = PyValue::Kind::Int;
      v.integer = parse_int();
      return v;
    }
    std::size_t start = pos_;
    while (pos_ < text_.size() && (is_digit(text_[pos_]) || std::isalpha(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_')) {
      ++pos_;
    }
    std::string_view word = text_.substr(start, pos_ - start);
    PyValue v;
    if (word == "True" || word == "False") {
      v.kind = PyValue::Kind::Bool;
      v.boolean = word == "True";
      return v;
    }
    if (word == "None") return v;
    pos_ = start;
    fail("expected a value");
  }

  // dict = "{" (string ":" value ("," string ":" value)* ","?)? "}"
  PyValue parse_dict() {
    PyValue d;
    d.kind = PyValue::Kind::Dict;
    ++pos_;
    skip_space();
    while (!at('}')) {
      if (!at_string()) fail("expected a string key");
      std::string key = parse_string();
      if (std::find(d.keys.begin(), d.keys.end(), key) != d.keys.end()) {
        fail(fmt::format("duplicate key '{}'", escaped(key)));
      }
      skip_space();
      if (!at(':')) fail("expected ':' after a key");
      ++pos_;
      skip_space();
      d.keys.push_back(std::move(key));
      d.items.push_back(parse_value());
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (!at('}')) {
        fail("expected ',' or '}' in a dict");
      }
    }
    ++pos_;
    return d;
  }

  // sequence = (value ("," value)* ","?)?
  // As in Python, "(x)" is x itself: only a comma makes a one-element tuple.
  PyValue parse_sequence() {
    char close = text_[pos_] == '(' ? ')' : ']';
    PyValue s;
    s.kind = close == ')' ? PyValue::Kind::Tuple : PyValue::Kind::List;
    ++pos_;
    skip_space();
    bool comma = false;
    while (!at(close)) {
      s.items.push_back(parse_value());
      skip_space();
      if (at(',')) {
        comma = true;
        ++pos_;
        skip_space();
      } else if (!at(close)) {
        fail(fmt::format("expected ',' or '{}'", close));
      }
    }
    ++pos_;
    if (close == ')' && s.items.size() == 1 && !comma) return std::move(s.items[0]);
    return s;
  }

  // string = "u"? ("'" char* "'" | '"' char* '"'), with Python's simple escapes and \xNN;
  // Python 2 wrote the "u" prefix
  bool at_string() const {
    std::size_t q = at('u') || at('U') ? pos_ + 1 : pos_;
    return q < text_.size() && (text_[q] == '\'' || text_[q] == '"');
  }
  std::string parse_string() {
    if (at('u') || at('U')) ++pos_;
    char quote = text_[pos_++];
    std::string out;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') fail("unterminated string");
      char c = text_[pos_++];
      if (c == quote) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case '\\': case '\'': case '"': out += e; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'x': {
          if (pos_ + 2 > text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_])) ||
              !std::isxdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
            fail("malformed \\x escape in a string");
          }
          out += static_cast<char>(std::stoi(std::string(text_.substr(pos_, 2)), nullptr, 16));
          pos_ += 2;
          break;
        }
        default: --pos_; fail("unsupported escape in a string");
      }
    }
  }

  // int = ("+" | "-") space int | digit+ ("L" | "l")?   (Python 2 wrote longs as "3L")
  std::int64_t parse_int() {
    bool negative = false;
    while (at('-') || at('+')) {
      negative ^= text_[pos_] == '-';
      ++pos_;
      skip_space();
    }
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected digits");
    std::uint64_t magnitude = 0;
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : std::numeric_limits<std::int64_t>::max();
    while (pos_ < text_.size() && is_digit(text_[pos_])) {
      std::uint64_t digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      if (magnitude > (limit - digit) / 10) fail("integer is too large");
      magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    if (at('L') || at('l')) ++pos_;
    if (negative) return magnitude == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                               : -static_cast<std::int64_t>(magnitude);
    return static_cast<std::int64_t>(magnitude);
  }

  template <typename F> PyValue nested(F&& parse) {
    if (++depth_ > kMaxHeaderNesting) fail(fmt::format("nested more than {} levels deep", kMaxHeaderNesting));
    PyValue v = parse();
    --depth_;
    return v;
  }

  static PyValue string_value(std::string s) {
    PyValue v;
    v.kind = PyValue::Kind::Str;
    v.str = std::move(s);
    return v;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\f' || text_[pos_] == '\v')) {
      ++pos_;
    }
  }

  [[noreturn]] void fail(std::string_view what) const {
    throw ValueError(fmt::format("malformed header: {} at byte {}", what, pos_));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Element types.

struct ElementType {
  DType dtype;
  std::size_t itemsize;
  bool swap;  // stored in the other byte order than the host's
};

[[noreturn]] void unsupported_descr(std::string_view descr, std::string_view why) {
  if (why.empty()) throw ValueError(fmt::format("unsupported dtype '{}'", escaped(descr)));
  throw ValueError(fmt::format("unsupported dtype '{}' ({})", escaped(descr), why));
}

// descr = byteorder? kind digits | byteorder? "?"   with byteorder one of < > | = !
ElementType parse_descr(const PyValue& v) {
  if (v.kind == PyValue::Kind::List) throw ValueError("unsupported dtype (structured dtypes are not supported)");
  if (v.kind != PyValue::Kind::Str) throw ValueError(fmt::format("'descr' must be a string, not {}", kind_name(v.kind)));
  std::string_view s = v.str;
  char order = '=';
  if (!s.empty() && std::string_view("<>|=!").find(s[0]) != std::string_view::npos) {
    order = s[0];
    s.remove_prefix(1);
  }
  if (s.empty()) unsupported_descr(v.str, "");
  char kind = s[0];
  std::string_view digits = s.substr(1);
  switch (kind) {
    case 'O': unsupported_descr(v.str, "object arrays are not supported");
    case 'U': unsupported_descr(v.str, "unicode strings are not supported");
    case 'M': case 'm': unsupported_descr(v.str, "datetimes are not supported");
    case 'V': unsupported_descr(v.str, "void and structured dtypes are not supported");
    default: break;
  }
  std::size_t size = 0;
  if (kind == '?' && digits.empty()) {
    size = 1;
    kind = 'b';
  } else {
    // 18 digits cannot overflow size_t; a wider item could not be allocated anyway.
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      unsupported_descr(v.str, "");
    }
    for (char c : digits) size = size * 10 + static_cast<std::size_t>(c - '0');
  }
  DType dtype;
  if (kind == 'b' && size == 1) dtype = DType::Bool;
  else if (kind == 'i' && size == 1) dtype = DType::Int8;
  else if (kind == 'i' && size == 2) dtype = DType::Int16;
  else if (kind == 'i' && size == 4) dtype = DType::Int32;
  else if (kind == 'i' && size == 8) dtype = DType::Int64;
  else if (kind == 'u' && size == 1) dtype = DType::UInt8;
  else if (kind == 'u' && size == 2) dtype = DType::UInt16;
  else if (kind == 'u' && size == 4) dtype = DType::UInt32;
  else if (kind == 'u' && size == 8) dtype = DType::UInt64;
  else if (kind == 'f' && size == 4) dtype = DType::Float32;
  else if (kind == 'f' && size == 8) dtype = DType::Float64;
  else if (kind == 'c' && size == 8) dtype = DType::Complex64;
  else if (kind == 'c' && size == 16) dtype = DType::Complex128;
  else if (kind == 'S' && size > 0) dtype = DType::Bytes;
  else if (kind == 'f' && size == 2) unsupported_descr(v.str, "float16 is not supported");
  else if (kind == 'S') unsupported_descr(v.str, "bytes of width 0 are not supported");
  else unsupported_descr(v.str, "");
  bool big = order == '>' || order == '!';
  bool little = order == '<';
  bool foreign = std::endian::native == std::endian::little ? big : little;
  return {dtype, size, foreign && dtype != DType::Bytes && size > 1};
}

std::string descr_of(const Array& a) {
  const char native = std::endian::native == std::endian::little ? '<' : '>';
  switch (a.dtype()) {
    case DType::Bool: return "|b1";
    case DType::Int8: return "|i1";
    case DType::UInt8: return "|u1";
    case DType::Int16: case DType::Int32: case DType::Int64:
      return fmt::format("{}i{}", native, a.itemsize());
    case DType::UInt16: case DType::UInt32: case DType::UInt64:
      return fmt::format("{}u{}", native, a.itemsize());
    case DType::Float32: case DType::Float64:
      return fmt::format("{}f{}", native, a.itemsize());
    case DType::Complex64: case DType::Complex128:
      return fmt::format("{}c{}", native, a.itemsize());
    case DType::Bytes: return fmt::format("|S{}", a.itemsize());
  }
  throw ValueError("cannot save an array of an unknown dtype");
}

// Reverses the byte order of every `unit`-byte scalar in [p, p + bytes).
void byteswap(char* p, std::size_t bytes, std::size_t unit) {
  auto swap_each = [&](auto tag) {
    using U = decltype(tag);
    for (std::size_t i = 0; i + sizeof(U) <= bytes; i += sizeof(U)) {
      U x;
      std::memcpy(&x, p + i, sizeof x);
      if constexpr (sizeof(U) == 2) x = __builtin_bswap16(x);
      else if constexpr (sizeof(U) == 4) x = __builtin_bswap32(x);
      else x = __builtin_bswap64(x);
      std::memcpy(p + i, &x, sizeof x);
    }
  };
  switch (unit) {
    case 2: swap_each(std::uint16_t{}); break;
    case 4: swap_each(std::uint32_t{}); break;
    case 8: swap_each(std::uint64_t{}); break;
    default: break;
  }
}

// Calls `visit(element)` for every element of the strided array at `base`, in C order.
template <typename F>
void for_each_c_order(const char* base, const Shape& shape, const Strides& strides, F&& visit) {
  for (std::int64_t d : shape) {
    if (d == 0) return;
  }
  if (shape.empty()) {
    visit(base);
    return;
  }
  const std::size_t last = shape.size() - 1;
  std::vector<std::int64_t> index(shape.size(), 0);
  const char* row = base;
  while (true) {
    const char* p = row;
    for (std::int64_t i = 0; i < shape[last]; ++i, p += strides[last]) visit(p);
    // Step the outer dimensions like an odometer.
    std::size_t d = last;
    while (true) {
      if (d == 0) return;
      --d;
      if (++index[d] < shape[d]) {
        row += strides[d];
        break;
      }
      row -= strides[d] * (shape[d] - 1);
      index[d] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading.

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

// Reads up to `n` bytes, fewer only at the end of the file. Grows the result as bytes arrive, so
// that a length claimed by a corrupt file costs no more memory than the file holds.
std::string read_up_to(std::FILE* f, std::size_t n) {
  std::string out;
  while (out.size() < n) {
    std::size_t want = std::min(n - out.size(), kReadChunk);
    std::size_t had = out.size();
    out.resize(had + want);
    std::size_t got = std::fread(out.data() + had, 1, want, f);
    out.resize(had + got);
    if (got < want) {
      if (std::ferror(f)) throw ValueError(fmt::format("read error: {}", errno_text(errno)));
      break;
    }
  }
  return out;
}

std::uint32_t little_endian(std::string_view bytes) {
  std::uint32_t v = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(bytes[i]);
  return v;
}

Shape parse_shape(const PyValue& v) {
  if (v.kind != PyValue::Kind::Tuple) {
    throw ValueError(fmt::format("'shape' must be a tuple of ints, not {}", kind_name(v.kind)));
  }
  if (v.items.size() > static_cast<std::size_t>(kMaxRank)) {
    throw ValueError(fmt::format("shape has {} dimensions; jitexpr supports at most {}", v.items.size(), kMaxRank));
  }
  Shape shape;
  for (const PyValue& d : v.items) {
    if (d.kind != PyValue::Kind::Int) {
      throw ValueError(fmt::format("'shape' must be a tuple of ints, not a tuple holding {}", kind_name(d.kind)));
    }
    shape.push_back(d.integer);
  }
  for (std::int64_t d : shape) {
    if (d < 0) throw ValueError(fmt::format("shape {} has a negative dimension", shape_string(shape)));
  }
  return shape;
}

// The body of load_npy, with messages that do not yet name the file.
Array load_from(std::FILE* f) {
  std::string magic = read_up_to(f, kMagic.size());
  if (magic != kMagic) throw ValueError("not an npy file (it does not start with the magic string '\\x93NUMPY')");
  std::string version = read_up_to(f, 2);
  if (version.size() < 2) throw ValueError("truncated file: it ends before the format version");
  int major = static_cast<unsigned char>(version[0]);
  int minor = static_cast<unsigned char>(version[1]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw ValueError(fmt::format("unsupported npy format version {}.{}", major, minor));
  }
  std::size_t length_bytes = major == 1 ? 2 : 4;
  std::string length = read_up_to(f, length_bytes);
  if (length.size() < length_bytes) throw ValueError("truncated file: it ends inside the header length");
  std::size_t header_length = little_endian(length);
  std::string header = read_up_to(f, header_length);
  if (header.size() < header_length) {
    throw ValueError(fmt::format("truncated header: the file ends after {} of its {} bytes", header.size(),
                                 header_length));
  }
  const std::size_t data_offset = kMagic.size() + 2 + length_bytes + header_length;

  PyValue dict = HeaderParser(header).parse_header();
  if (dict.kind != PyValue::Kind::Dict) {
    throw ValueError(fmt::format("malformed header: expected a dict, found {}", kind_name(dict.kind)));
  }
  const PyValue* descr_value = nullptr;
  const PyValue* fortran_value = nullptr;
  const PyValue* shape_value = nullptr;
  for (std::size_t i = 0; i < dict.keys.size(); ++i) {
    const std::string& key = dict.keys[i];
    if (key == "descr") descr_value = &dict.items[i];
    else if (key == "fortran_order") fortran_value = &dict.items[i];
    else if (key == "shape") shape_value = &dict.items[i];
    // numpy refuses unknown keys as well: a reader that ignored one might misread the data.
    else throw ValueError(fmt::format("header has an unexpected key '{}'", escaped(key)));
  }
  for (auto [value, name] : {std::pair{descr_value, "descr"}, std::pair{fortran_value, "fortran_order"},
                             std::pair{shape_value, "shape"}}) {
    if (!value) throw ValueError(fmt::format("header has no '{}' key", name));
  }
  ElementType type = parse_descr(*descr_value);
  if (fortran_value->kind != PyValue::Kind::Bool) {
    throw ValueError(fmt::format("'fortran_order' must be True or False, not {}", kind_name(fortran_value->kind)));
  }
  const bool fortran = fortran_value->boolean;
  Shape shape = parse_shape(*shape_value);

  std::int64_t count = 1;
  std::size_t nbytes = 0;
  for (std::int64_t d : shape) {
    if (__builtin_mul_overflow(count, d, &count)) {
      throw ValueError(fmt::format("shape {} has too many elements", shape_string(shape)));
    }
  }
  if (__builtin_mul_overflow(static_cast<std::size_t>(count), type.itemsize, &nbytes) ||
      nbytes > std::numeric_limits<std::size_t>::max() / 2) {
    throw ValueError(fmt::format("an array of shape {} and dtype '{}' is too large", shape_string(shape),
                                 escaped(descr_value->str)));
  }
  auto truncated = [&](std::size_t have) {
    return ValueError(fmt::format("truncated data: shape {} of '{}' needs {} bytes, the file has {}",
                                  shape_string(shape), escaped(descr_value->str), nbytes, have));
  };

  // The buffer the file's bytes go to: the result itself, or for a Fortran-order file with more
  // than one non-trivial dimension, a flat staging array that is transposed afterwards.
  const bool transpose = fortran && std::count_if(shape.begin(), shape.end(), [](std::int64_t d) { return d > 1; }) > 1;
  auto allocate = [&] { return Array::empty(type.dtype, transpose ? Shape{count} : shape, type.itemsize); };
  Array raw;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
    // A regular file's length is known: check it before allocating what the header claims.
    std::size_t size = static_cast<std::size_t>(st.st_size);
    std::size_t have = size > data_offset ? size - data_offset : 0;
    if (have < nbytes) throw truncated(have);
    raw = allocate();
    std::size_t got = nbytes == 0 ? 0 : std::fread(raw.raw_data(), 1, nbytes, f);
    if (got < nbytes) {
      if (std::ferror(f)) throw ValueError(fmt::format("read error: {}", errno_text(errno)));
      throw truncated(got);
    }
  } else {
    std::string data = read_up_to(f, nbytes);
    if (data.size() < nbytes) throw truncated(data.size());
    raw = allocate();
    if (nbytes > 0) std::memcpy(raw.raw_data(), data.data(), nbytes);
  }
  char* dst = static_cast<char*>(raw.raw_data());
  // numpy itself trusts these bytes, but a C++ bool holding anything but 0 or 1 is undefined.
  if (type.dtype == DType::Bool) {
    for (std::size_t i = 0; i < nbytes; ++i) dst[i] = dst[i] != 0;
  }
  if (type.swap) byteswap(dst, nbytes, is_complex(type.dtype) ? type.itemsize / 2 : type.itemsize);
  if (!transpose) return raw;

  // The file holds the array in Fortran order: as an F-strided view it reads back in C order.
  Strides f_strides(shape.size());
  std::int64_t stride = static_cast<std::int64_t>(type.itemsize);
  for (std::size_t d = 0; d < shape.size(); ++d) {
    f_strides[d] = stride;
    stride *= shape[d];
  }
  Array out = Array::empty(type.dtype, shape, type.itemsize);
  char* o = static_cast<char*>(out.raw_data());
  for_each_c_order(dst, shape, f_strides, [&](const char* p) {
    std::memcpy(o, p, type.itemsize);
    o += type.itemsize;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing.

// The bytes before the data: magic, version, header length and the padded, '\n'-terminated dict.
std::string file_preamble(const Array& a) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr_of(a),
                                 shape_string(a.shape()));
  auto padded = [&](std::size_t length_bytes) {
    std::size_t fixed = kMagic.size() + 2 + length_bytes;
    std::size_t unpadded = fixed + dict.size() + 1;
    std::size_t total = (unpadded + kDataAlign - 1) / kDataAlign * kDataAlign;
    return dict + std::string(total - unpadded, ' ') + '\n';
  };
  std::string header = padded(2);
  char major = 1;
  std::size_t length_bytes = 2;
  if (header.size() > kMaxV1Header) {
    header = padded(4);
    major = 2;
    length_bytes = 4;
  }
  std::string out(kMagic);
  out += major;
  out += '\0';
  for (std::size_t i = 0; i < length_bytes; ++i) out += static_cast<char>(header.size() >> (8 * i) & 0xff);
  return out + header;
}

void write_all(std::FILE* f, const char* p, std::size_t n) {
  if (n > 0 && std::fwrite(p, 1, n, f) != n) throw ValueError(errno_text(errno));
}

void write_to(std::FILE* f, const Array& a) {
  std::string preamble = file_preamble(a);
  write_all(f, preamble.data(), preamble.size());
  if (a.is_c_contiguous()) {
    write_all(f, static_cast<const char*>(a.raw_data()), a.nbytes());
    return;
  }
  // Gather a strided array into C order a chunk at a time.
  std::vector<char> chunk;
  chunk.reserve(kReadChunk + a.itemsize());
  for_each_c_order(static_cast<const char*>(a.raw_data()), a.shape(), a.strides(), [&](const char* p) {
    chunk.insert(chunk.end(), p, p + a.itemsize());
    if (chunk.size() >= kReadChunk) {
      write_all(f, chunk.data(), chunk.size());
      chunk.clear();
    }
  });
  write_all(f, chunk.data(), chunk.size());
}

}  // namespace

Array load_npy(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ValueError(fmt::format("cannot open '{}': {}", path, errno_text(errno)));
  struct stat st;
  if (fstat(fileno(f.get()), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw ValueError(fmt::format("cannot open '{}': {}", path, errno_text(EISDIR)));
  }
  try {
    return load_from(f.get());
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("cannot load '{}': {}", path, e.message()));
  } catch (const std::bad_alloc&) {
    throw ValueError(fmt::format("cannot load '{}': out of memory", path));
  }
}

void save_npy(const std::string& path, const Array& a) {
  // Write a new file beside the target and rename it over the target, so that a reader sees the
  // old file or the complete new one, never a partial write (rename is atomic within a directory).
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  File f(nullptr, &std::fclose);
  for (int attempt = 0; attempt < 100 && !f; ++attempt) {
    tmp = fmt::format("{}.tmp{}-{}", path, getpid(), counter++);
    f.reset(std::fopen(tmp.c_str(), "wbx"));  // x: fail rather than reuse an existing file
    if (!f && errno != EEXIST) break;
  }
  if (!f) throw ValueError(fmt::format("cannot write '{}': {}", path, errno_text(errno)));
  try {
    write_to(f.get(), a);
    std::FILE* raw = f.release();
    if (std::fclose(raw) != 0) throw ValueError(errno_text(errno));
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw ValueError(errno_text(errno));
  } catch (const ValueError& e) {
    f.reset();
    std::remove(tmp.c_str());
    throw ValueError(fmt::format("cannot write '{}': {}", path, e.message()));
  } catch (const std::bad_alloc&) {
    f.reset();
    std::remove(tmp.c_str());
    throw ValueError(fmt::format("cannot write '{}': out of memory", path));
  }
}

}  // namespace jitexpr
