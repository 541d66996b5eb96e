// N-dimensional arrays: a dtype, a shape, byte strides and a shared buffer. Part of the public API.
#pragma once

#include <jitexpr/Export.h>
#include <jitexpr/DType.h>
#include <jitexpr/Limits.h>

#include <complex>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace jitexpr {

using Shape = std::vector<std::int64_t>;
using Strides = std::vector<std::int64_t>;  // in bytes, may be zero or negative

class JITEXPR_API Array {
 public:
  // A 0-d float64 array holding 0.
  Array();

  // Owning arrays, C order, 64-byte aligned. `itemsize` is only read for DType::Bytes.
  static Array empty(DType dtype, Shape shape, std::size_t itemsize = 0);
  static Array zeros(DType dtype, Shape shape, std::size_t itemsize = 0);
  static Array ones(DType dtype, Shape shape);
  static Array full(DType dtype, Shape shape, std::complex<double> value);
  // 0, 1, ..., n-1 (numpy.arange).
  static Array arange(std::int64_t n, DType dtype = DType::Int64);
  static Array arange(double start, double stop, double step, DType dtype = DType::Float64);
  // `num` evenly spaced values over [start, stop] (numpy.linspace with endpoint=True).
  static Array linspace(double start, double stop, std::int64_t num, DType dtype = DType::Float64);
  // 0-d arrays.
  static Array scalar(bool v);
  static Array scalar(std::int64_t v);
  static Array scalar(double v);
  static Array scalar(std::complex<double> v);
  template <typename T> static Array scalar_of(T v) {
    Array a = empty(dtype_of_v<T>, {});
    *a.data<T>() = v;
    return a;
  }
  // A 1-d array that copies `values`.
  template <typename T> static Array from(std::initializer_list<T> values) {
    Array a = empty(dtype_of_v<T>, {static_cast<std::int64_t>(values.size())});
    T* p = a.data<T>();
    for (const T& v : values) *p++ = v;
    return a;
  }

  // Wraps host memory without copying; the host keeps it alive. Empty strides mean C order.
  static Array view(void* data, DType dtype, Shape shape, Strides strides = {},
                    std::size_t itemsize = 0);

  DType dtype() const { return dtype_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  std::int64_t size() const;
  std::size_t itemsize() const { return itemsize_; }
  std::size_t nbytes() const { return static_cast<std::size_t>(size()) * itemsize_; }
  bool is_c_contiguous() const;
  bool is_f_contiguous() const;
  bool owns_data() const { return static_cast<bool>(buffer_); }

  // The first element. data<T>() checks that T is the array's element type (TypeError if not).
  void* raw_data() const { return data_; }
  template <typename T> T* data() const {
    check_element_type(dtype_of_v<T>);
    return static_cast<T*>(data_);
  }
  // The element at a multi-index, converted to complex<double> (for printing and tests).
  std::complex<double> at_as_complex(const std::vector<std::int64_t>& index) const;
  // Reads element `flat` in C order, converted to double / int64 (for printing and tests).
  double flat_as_double(std::int64_t flat) const;
  std::int64_t flat_as_int(std::int64_t flat) const;
  void* flat_pointer(std::int64_t flat) const;

  // A C-contiguous copy with its own buffer.
  Array copy() const;
  // A new array of the same shape with every element converted (numpy's astype, unsafe casting).
  Array astype(DType dtype) const;
  // The same buffer with another shape (C order); the array must be C-contiguous.
  Array reshape(Shape shape) const;
  // The same buffer with its axes permuted (numpy.transpose): dimension i of the result is
  // dimension axes[i] of this array. An empty list reverses the axes.
  Array transpose(std::vector<int> axes = {}) const;

  // "float64[3, 4]"
  std::string describe() const;

 private:
  struct Uninit {};
  explicit Array(Uninit) {}
  void check_element_type(DType requested) const;

  DType dtype_ = DType::Float64;
  std::size_t itemsize_ = 8;
  Shape shape_;
  Strides strides_;
  void* data_ = nullptr;
  std::shared_ptr<void> buffer_;  // empty for views of host memory
};

// C-order byte strides for a shape.
JITEXPR_API Strides c_strides(const Shape& shape, std::size_t itemsize);
// The number of elements of a shape; ValueError if it overflows or has a negative extent.
JITEXPR_API std::int64_t shape_size(const Shape& shape);
// "(3, 4)"
JITEXPR_API std::string shape_string(const Shape& shape);

}  // namespace jitexpr
