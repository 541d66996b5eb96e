// jitexpr::Array: owning arrays and views of host memory.
#include <jitexpr/Array.h>
#include <jitexpr/Error.h>

#include "runtime/DTypeDispatch.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include <sys/mman.h>

namespace jitexpr {

namespace {

constexpr std::size_t kAlignment = 64;

// Large buffers are written once right after allocation (a new result); with 4 KiB pages that
// first touch costs a page fault every 512 doubles, several times the work of a simple
// expression. Like numpy, ask the kernel for transparent huge pages from this size on.
constexpr std::size_t kHugePageThreshold = std::size_t{4} << 20;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Large buffers made one after another would all start at the same offset within a page (they
// are 2 MiB aligned, or page-aligned by malloc). A loop that stores into one array and then loads
// from another at a nearby index would make every such load wait for the store before it, whose
// address has the same low 12 bits ("4K aliasing"): the diffusion stencil of examples/kernels ran
// 7x slower for it. So each large buffer starts at its own multiple of 64 bytes within the page,
// 17 cache lines on from the previous one: 64 different offsets, at most 4 KiB unused per buffer.
constexpr std::size_t kStaggerThreshold = std::size_t{64} << 10;
constexpr std::size_t kPage = 4096;

std::size_t next_stagger() {
  static std::atomic<std::size_t> count{0};
  return (count.fetch_add(1, std::memory_order_relaxed) * 17 * kAlignment) % kPage;
}

// Large buffers freed recently, kept for the next array of the same size. A loop that makes a new
// result of one size each time (evaluate without out=) would otherwise get fresh pages from the
// kernel each time and pay for faulting and zeroing them: a new 8 MB float64 result of 2*a+3*b
// cost 1.24 ns per element against 0.92 ns into an existing array. glibc's malloc keeps freed
// memory mapped for the same reason, but only below its mmap threshold. At most kPoolBuffers
// buffers and kPoolBytes bytes wait here; the rest go back to the system at once.
// Under AddressSanitizer the pool is off, so that a use after free is still caught.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JITEXPR_NO_BUFFER_POOL 1
#endif
#endif
#if defined(JITEXPR_NO_BUFFER_POOL)
constexpr std::size_t kPoolMinBytes = std::numeric_limits<std::size_t>::max();
#else
constexpr std::size_t kPoolMinBytes = std::size_t{256} << 10;
#endif
constexpr std::size_t kPoolBuffers = 8;
constexpr std::size_t kPoolBytes = std::size_t{64} << 20;

class BufferPool {
 public:
  struct Buffer {
    char* base = nullptr;
    std::size_t offset = 0;  // where the data start
    std::size_t bytes = 0;   // the size asked for, the key of reuse
    std::size_t rounded = 0;
  };

  // A kept buffer of exactly `bytes`, or none.
  std::optional<Buffer> take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < kept_.size(); ++i) {
      if (kept_[i].bytes == bytes) {
        Buffer b = kept_[i];
        kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(i));
        total_ -= b.rounded;
        return b;
      }
    }
    return std::nullopt;
  }

  // Keeps a freed buffer, making room by freeing the longest-kept ones (the most recently freed
  // is the likeliest to be asked for again); one too large to keep is freed at once.
  void give(const Buffer& b) {
    if (b.bytes < kPoolMinBytes || b.rounded > kPoolBytes) {
      std::free(b.base);
      return;
    }
    std::vector<char*> victims;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (!kept_.empty() && (kept_.size() >= kPoolBuffers || total_ + b.rounded > kPoolBytes)) {
        victims.push_back(kept_.front().base);
        total_ -= kept_.front().rounded;
        kept_.erase(kept_.begin());
      }
      kept_.push_back(b);
      total_ += b.rounded;
    }
    for (char* v : victims) std::free(v);
  }

 private:
  std::mutex mutex_;
  std::vector<Buffer> kept_;
  std::size_t total_ = 0;
};

// Never destroyed: arrays may be freed during static destruction, after any pool would be.
BufferPool& pool() {
  static BufferPool* p = new BufferPool();
  return *p;
}

std::shared_ptr<void> share(const BufferPool::Buffer& b) {
  return std::shared_ptr<void>(b.base + b.offset, [b](void*) { pool().give(b); });
}

std::shared_ptr<void> allocate(std::size_t bytes) {
  if (bytes >= kPoolMinBytes) {
    if (std::optional<BufferPool::Buffer> kept = pool().take(bytes)) return share(*kept);
  }
  bool huge = bytes >= kHugePageThreshold;
  std::size_t align = huge ? kHugePage : kAlignment;
  std::size_t offset = bytes >= kStaggerThreshold ? next_stagger() : 0;
  if (bytes > std::numeric_limits<std::size_t>::max() - offset - align) {
    throw ValueError(fmt::format("cannot allocate {} bytes for an array", bytes));
  }
  std::size_t rounded = (bytes + offset + align - 1) / align * align;
  if (rounded == 0) rounded = align;
  auto* base = static_cast<char*>(std::aligned_alloc(align, rounded));
  if (!base) throw ValueError(fmt::format("cannot allocate {} bytes for an array", bytes));
  if (huge) ::madvise(base, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
  return share({base, offset, bytes, rounded});
}

std::size_t checked_itemsize(DType dtype, std::size_t itemsize) {
  if (dtype == DType::Bytes) {
    if (itemsize == 0) throw ValueError("a bytes array needs an item size of at least 1");
    return itemsize;
  }
  return dtype_size(dtype);
}

template <typename T> void fill_as(void* p, std::int64_t n, std::complex<double> v) {
  T* d = static_cast<T*>(p);
  T x;
  if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    x = T(static_cast<typename T::value_type>(v.real()), static_cast<typename T::value_type>(v.imag()));
  } else if constexpr (std::is_same_v<T, bool>) {
    x = v != std::complex<double>(0, 0);
  } else {
    x = static_cast<T>(v.real());
  }
  for (std::int64_t i = 0; i < n; ++i) d[i] = x;
}

template <typename F> decltype(auto) dispatch(DType t, F&& f) {
  return dispatch_dtype(t, std::forward<F>(f), "this operation does not support bytes arrays");
}

template <typename T> std::complex<double> to_complex(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    return {static_cast<double>(v.real()), static_cast<double>(v.imag())};
  } else {
    return {static_cast<double>(v), 0.0};
  }
}

}  // namespace

std::int64_t shape_size(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw ValueError(fmt::format("negative dimension {} in shape {}", d, shape_string(shape)));
    if (d != 0 && n > std::numeric_limits<std::int64_t>::max() / d) {
      throw ValueError(fmt::format("shape {} has too many elements", shape_string(shape)));
    }
    n *= d;
  }
  return n;
}

std::string shape_string(const Shape& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

Strides c_strides(const Shape& shape, std::size_t itemsize) {
  Strides s(shape.size());
  std::int64_t st = static_cast<std::int64_t>(itemsize);
  for (std::size_t i = shape.size(); i-- > 0;) {
    s[i] = st;
    st *= shape[i] > 0 ? shape[i] : 1;
  }
  return s;
}

Array::Array() : buffer_(allocate(sizeof(double))) {
  data_ = buffer_.get();
  *static_cast<double*>(data_) = 0.0;
}

Array Array::empty(DType dtype, Shape shape, std::size_t itemsize) {
  if (shape.size() > static_cast<std::size_t>(kMaxRank)) {
    throw ValueError(fmt::format("an array has at most {} dimensions, not {}", kMaxRank, shape.size()));
  }
  Array a{Uninit{}};
  a.dtype_ = dtype;
  a.itemsize_ = checked_itemsize(dtype, itemsize);
  std::int64_t n = shape_size(shape);
  if (static_cast<std::uint64_t>(n) > std::numeric_limits<std::size_t>::max() / 2 / a.itemsize_) {
    throw ValueError(fmt::format("an array of shape {} is too large to allocate", shape_string(shape)));
  }
  a.strides_ = c_strides(shape, a.itemsize_);
  a.shape_ = std::move(shape);
  a.buffer_ = allocate(static_cast<std::size_t>(n) * a.itemsize_);
  a.data_ = a.buffer_.get();
  return a;
}

Array Array::zeros(DType dtype, Shape shape, std::size_t itemsize) {
  Array a = empty(dtype, std::move(shape), itemsize);
  std::memset(a.data_, 0, a.nbytes());
  return a;
}

Array Array::ones(DType dtype, Shape shape) { return full(dtype, std::move(shape), 1.0); }

Array Array::full(DType dtype, Shape shape, std::complex<double> value) {
  Array a = empty(dtype, std::move(shape));
  dispatch(dtype, [&](auto tag) { fill_as<decltype(tag)>(a.data_, a.size(), value); });
  return a;
}

Array Array::arange(std::int64_t n, DType dtype) {
  if (n < 0) n = 0;
  Array a = empty(dtype, {n});
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* d = static_cast<T*>(a.data_);
    for (std::int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, bool>) d[i] = i != 0;
      else d[i] = static_cast<T>(i);
    }
  });
  return a;
}

Array Array::arange(double start, double stop, double step, DType dtype) {
  if (step == 0) throw ValueError("arange() step must not be zero");
  double span = std::ceil((stop - start) / step);
  std::int64_t n = span > 0 ? static_cast<std::int64_t>(span) : 0;
  Array a = empty(dtype, {n});
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* d = static_cast<T*>(a.data_);
    for (std::int64_t i = 0; i < n; ++i) {
      double v = start + static_cast<double>(i) * step;
      if constexpr (std::is_same_v<T, bool>) d[i] = v != 0;
      else d[i] = static_cast<T>(v);
    }
  });
  return a;
}

Array Array::linspace(double start, double stop, std::int64_t num, DType dtype) {
  if (num < 0) throw ValueError(fmt::format("linspace() needs a non-negative number of samples, not {}", num));
  Array a = empty(DType::Float64, {num});
  double* d = static_cast<double*>(a.data_);
  double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0.0;
  for (std::int64_t i = 0; i < num; ++i) d[i] = start + static_cast<double>(i) * step;
  if (num > 1) d[num - 1] = stop;
  return dtype == DType::Float64 ? a : a.astype(dtype);
}

Array Array::scalar(bool v) { return scalar_of<bool>(v); }
Array Array::scalar(std::int64_t v) { return scalar_of<std::int64_t>(v); }
Array Array::scalar(double v) { return scalar_of<double>(v); }
Array Array::scalar(std::complex<double> v) { return scalar_of<std::complex<double>>(v); }

Array Array::view(void* data, DType dtype, Shape shape, Strides strides, std::size_t itemsize) {
  if (shape.size() > static_cast<std::size_t>(kMaxRank)) {
    throw ValueError(fmt::format("an array has at most {} dimensions, not {}", kMaxRank, shape.size()));
  }
  if (!strides.empty() && strides.size() != shape.size()) {
    throw ValueError(fmt::format("a view of shape {} needs {} strides, not {}", shape_string(shape), shape.size(),
                                 strides.size()));
  }
  shape_size(shape);
  if (data == nullptr && shape_size(shape) > 0) throw ValueError("a view needs a data pointer");
  Array a{Uninit{}};
  a.dtype_ = dtype;
  a.itemsize_ = checked_itemsize(dtype, itemsize);
  a.strides_ = strides.empty() ? c_strides(shape, a.itemsize_) : std::move(strides);
  a.shape_ = std::move(shape);
  a.data_ = data;
  a.buffer_.reset();
  return a;
}

std::int64_t Array::size() const { return shape_size(shape_); }

bool Array::is_c_contiguous() const {
  std::int64_t expect = static_cast<std::int64_t>(itemsize_);
  for (std::size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] == 0) return true;
    if (shape_[i] != 1 && strides_[i] != expect) return false;
    expect *= shape_[i];
  }
  return true;
}

bool Array::is_f_contiguous() const {
  std::int64_t expect = static_cast<std::int64_t>(itemsize_);
  for (std::size_t i = 0; i < shape_.size(); ++i) {
    if (shape_[i] == 0) return true;
    if (shape_[i] != 1 && strides_[i] != expect) return false;
    expect *= shape_[i];
  }
  return true;
}

void Array::check_element_type(DType requested) const {
  if (requested != dtype_) {
    throw TypeError(fmt::format("array of dtype '{}' accessed as '{}'", dtype_name(dtype_), dtype_name(requested)));
  }
}

void* Array::flat_pointer(std::int64_t flat) const {
  char* p = static_cast<char*>(data_);
  for (std::size_t d = shape_.size(); d-- > 0;) {
    std::int64_t idx = flat % shape_[d];
    flat /= shape_[d];
    p += idx * strides_[d];
  }
  return p;
}

std::complex<double> Array::at_as_complex(const std::vector<std::int64_t>& index) const {
  if (index.size() != shape_.size()) throw IndexError("wrong number of indices");
  char* p = static_cast<char*>(data_);
  for (std::size_t d = 0; d < index.size(); ++d) {
    if (index[d] < 0 || index[d] >= shape_[d]) {
      throw IndexError(fmt::format("index {} is out of bounds for axis {} with size {}", index[d], d, shape_[d]));
    }
    p += index[d] * strides_[d];
  }
  return dispatch(dtype_, [&](auto tag) { return to_complex<decltype(tag)>(p); });
}

double Array::flat_as_double(std::int64_t flat) const {
  return dispatch(dtype_, [&](auto tag) { return to_complex<decltype(tag)>(flat_pointer(flat)).real(); });
}

std::int64_t Array::flat_as_int(std::int64_t flat) const {
  return dispatch(dtype_, [&](auto tag) -> std::int64_t {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, flat_pointer(flat), sizeof v);
    if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
      return static_cast<std::int64_t>(v.real());
    } else {
      return static_cast<std::int64_t>(v);
    }
  });
}

Array Array::copy() const {
  Array out = empty(dtype_, shape_, itemsize_);
  std::int64_t n = size();
  char* dst = static_cast<char*>(out.data_);
  for (std::int64_t i = 0; i < n; ++i) std::memcpy(dst + i * static_cast<std::int64_t>(itemsize_), flat_pointer(i), itemsize_);
  return out;
}

Array Array::astype(DType dtype) const {
  if (dtype == DType::Bytes || dtype_ == DType::Bytes) {
    if (dtype == dtype_) return copy();
    throw TypeError("cannot convert between bytes and numbers");
  }
  Array out = empty(dtype, shape_);
  std::int64_t n = size();
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* d = static_cast<T*>(out.data_);
    for (std::int64_t i = 0; i < n; ++i) {
      std::complex<double> v = dispatch(dtype_, [&](auto src) { return to_complex<decltype(src)>(flat_pointer(i)); });
      if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
        d[i] = T(static_cast<typename T::value_type>(v.real()), static_cast<typename T::value_type>(v.imag()));
      } else if constexpr (std::is_same_v<T, bool>) {
        d[i] = v != std::complex<double>(0, 0);
      } else if constexpr (std::is_integral_v<T>) {
        double r = v.real();
        if (std::isnan(r)) d[i] = 0;
        else if (r <= static_cast<double>(std::numeric_limits<T>::min())) d[i] = std::numeric_limits<T>::min();
        else if (r >= static_cast<double>(std::numeric_limits<T>::max())) d[i] = std::numeric_limits<T>::max();
        else if (dtype_ == DType::Int64 || dtype_ == DType::UInt64) d[i] = static_cast<T>(flat_as_int(i));
        else d[i] = static_cast<T>(r);
      } else {
        d[i] = static_cast<T>(v.real());
      }
    }
  });
  return out;
}

Array Array::reshape(Shape shape) const {
  if (!is_c_contiguous()) throw ValueError("reshape() needs a C-contiguous array");
  if (shape_size(shape) != size()) {
    throw ValueError(fmt::format("cannot reshape an array of shape {} into shape {}", shape_string(shape_),
                                 shape_string(shape)));
  }
  Array out = *this;
  out.strides_ = c_strides(shape, itemsize_);
  out.shape_ = std::move(shape);
  return out;
}

Array Array::transpose(std::vector<int> axes) const {
  int n = ndim();
  if (axes.empty()) {
    for (int d = n - 1; d >= 0; --d) axes.push_back(d);
  }
  std::vector<bool> seen(static_cast<std::size_t>(n), false);
  if (static_cast<int>(axes.size()) != n) {
    throw ValueError(fmt::format("transpose() needs {} axes, not {}", n, axes.size()));
  }
  for (int a : axes) {
    if (a < 0 || a >= n || seen[static_cast<std::size_t>(a)]) {
      throw ValueError(fmt::format("transpose() axes must be a permutation of 0..{}", n - 1));
    }
    seen[static_cast<std::size_t>(a)] = true;
  }
  Array out = *this;
  for (int i = 0; i < n; ++i) {
    out.shape_[static_cast<std::size_t>(i)] = shape_[static_cast<std::size_t>(axes[static_cast<std::size_t>(i)])];
    out.strides_[static_cast<std::size_t>(i)] = strides_[static_cast<std::size_t>(axes[static_cast<std::size_t>(i)])];
  }
  return out;
}

std::string Array::describe() const {
  std::string t = dtype_ == DType::Bytes ? fmt::format("bytes{}", itemsize_) : std::string(dtype_name(dtype_));
  return fmt::format("{}[{}]", t, fmt::join(shape_, ", "));
}

}  // namespace jitexpr
