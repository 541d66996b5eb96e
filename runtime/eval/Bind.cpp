// Evaluation, bind: the variables to arrays, their broadcast shape, the iteration plan and the
// operands' layouts; the key follows (Key.cpp; see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

namespace {

// A reduction writes exactly its result's shape into out=: () for axis=None (numpy refuses any
// other shape too, even one of size 1).
void check_reduction_out(const Array* out, const Shape& shape) {
  if (out && out->shape() != shape) {
    throw ValueError(fmt::format("out= has shape {} but the reduction gives shape {}", shape_string(out->shape()),
                                 shape_string(shape)));
  }
}

// The operands, in the order of the expression's variables, and the shape they broadcast to.
Shape bind_operands(const Parsed& parsed, const Bindings& bindings, std::vector<Array>& operands) {
  std::vector<Shape> shapes;
  for (const VariableUse& v : parsed.variables) {
    const Value* found = nullptr;
    for (const auto& [name, value] : bindings) {
      if (name == v.name) found = &value;
    }
    if (!found) fail_at(ErrorKind::Name, *parsed.src, v.first_use, fmt::format("name '{}' is not defined", v.name));
    operands.push_back(found->array());
    shapes.push_back(operands.back().shape());
  }
  // Broadcast one operand at a time, so that an error points at the first one that conflicts.
  Shape result_shape;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    try {
      result_shape = broadcast_shapes({result_shape, shapes[i]});
    } catch (const ValueError&) {
      std::vector<std::string> all;
      for (const Shape& s : shapes) all.push_back(shape_string(s));
      fail_at(ErrorKind::Value, *parsed.src, parsed.variables[i].first_use,
              fmt::format("operands could not be broadcast together with shapes {}", fmt::join(all, " ")));
    }
  }
  // A result whose element count overflows int64 is refused before any stride is computed.
  shape_size(result_shape);
  return result_shape;
}

// The result's shape and memory order, the iteration plan and each operand's layout class.
// False when a reduction's axis is out of range (inference reports it, with its position).
bool plan_iteration(Prepared& prep, const Shape& result_shape, const Array* out, Order order) {
  const Parsed& parsed = *prep.parsed;
  int rank = static_cast<int>(result_shape.size());
  bool axis_ok = true;
  if (parsed.reduction && parsed.axis) {
    std::int64_t a = *parsed.axis;
    axis_ok = a >= -rank && a < rank;
    if (axis_ok) prep.axis = static_cast<int>(a < 0 ? a + rank : a);
  }
  std::optional<Strides> out_strides;
  std::size_t out_itemsize = 1;
  if (!parsed.reduction) {
    prep.out_shape = result_shape;
    if (out) {
      if (out->shape() != result_shape) {
        throw ValueError(fmt::format("out= has shape {} but the expression gives shape {}", shape_string(out->shape()),
                                     shape_string(result_shape)));
      }
      out_strides = out->strides();
      out_itemsize = out->itemsize();
    } else {
      // The result follows the operands' memory order; strides are scaled by the result's
      // item size once it is known.
      prep.order = memory_order(prep.operands, result_shape, nullptr);
      if (order != Order::K) {
        for (std::size_t d = 0; d < prep.order.size(); ++d) {
          prep.order[d] = order == Order::C ? static_cast<int>(d) : static_cast<int>(prep.order.size() - 1 - d);
        }
      }
      out_strides = strides_in_order(result_shape, prep.order);
    }
  } else if (prep.axis) {
    prep.out_shape = result_shape;
    prep.out_shape.erase(prep.out_shape.begin() + *prep.axis);
    check_reduction_out(out, prep.out_shape);
    Strides s = out ? out->strides() : c_strides(prep.out_shape, 1);
    s.insert(s.begin() + *prep.axis, 0);
    out_strides = s;
    out_itemsize = out ? out->itemsize() : 1;
  }
  if (parsed.reduction && !parsed.axis) check_reduction_out(out, {});
  if (prep.order.empty()) prep.order = memory_order(prep.operands, result_shape, parsed.reduction ? nullptr : out);
  if (axis_ok) prep.plan = make_plan(prep.operands, result_shape, out_strides, out_itemsize, prep.axis, prep.order);
  for (std::size_t i = 0; i < prep.operands.size(); ++i) {
    const Array& a = prep.operands[i];
    ir::OperandInfo info;
    info.name = parsed.variables[i].name;
    info.dtype = a.dtype();
    info.layout = axis_ok ? prep.plan.layouts[i + 1] : ir::Layout::Strided;
    info.rank = a.ndim();
    info.itemsize = a.itemsize();
    info.first_use = parsed.variables[i].first_use;
    prep.infos.push_back(info);
  }
  return axis_ok;
}

}  // namespace

Prepared Runtime::Impl::prepare(std::shared_ptr<const Parsed> parsed, const Bindings& bindings, const Array* out,
                                Order order) {
  Prepared prep;
  prep.parsed = std::move(parsed);
  Shape result_shape = bind_operands(*prep.parsed, bindings, prep.operands);
  bool axis_ok = plan_iteration(prep, result_shape, out, order);
  if (out && !prep.parsed->reduction) prep.out_dtype = out->dtype();
  prep.streaming = axis_ok && streams(prep, result_shape, out);
  prep.key = cache_key(prep, options.opt_level);
  // infer_expression reports a bad axis with its position.
  if (!axis_ok) ir::infer_expression(*prep.parsed->ast, *prep.parsed->src, prep.infos);
  return prep;
}

}  // namespace jitexpr
