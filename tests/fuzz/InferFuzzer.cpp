// Fuzz target: type inference and the IR passes over any expression that parses, with operand
// types drawn from the input. The first byte chooses each operand's dtype, rank and layout; the
// rest is the expression. Inference either succeeds or throws a jitexpr::Error that points into the
// text; every program it builds passes the verifier before and after the passes, and prints.
#include "frontend/Parser.h"
#include "frontend/Variables.h"
#include "ir/Infer.h"
#include "ir/Passes.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "tests/fuzz/FuzzCheck.h"

#include <jitexpr/DType.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace jitexpr;

namespace {

ir::OperandInfo operand_for(const VariableUse& v, unsigned seed, std::size_t index) {
  unsigned h = seed * 131u + static_cast<unsigned>(index) * 17u;
  for (char c : v.name) h = h * 31u + static_cast<unsigned char>(c);
  ir::OperandInfo info;
  info.name = v.name;
  info.first_use = v.first_use;
  info.dtype = static_cast<DType>(h % kNumDTypes);
  h /= kNumDTypes;
  info.rank = static_cast<int>(h % 4);
  h /= 4;
  // A 0-d operand is read once: the runtime gives it the scalar layout.
  info.layout = info.rank == 0 ? ir::Layout::Scalar : static_cast<ir::Layout>(h % 3);
  h /= 3;
  info.itemsize = info.dtype == DType::Bytes ? 1 + h % 5 : dtype_size(info.dtype);
  return info;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  unsigned seed = data[0];
  Source src{"<expr>", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  ast::ExprPtr e;
  try {
    e = parse_expression(src);
  } catch (const Error&) {
    return 0;  // the parser's own target checks its errors
  }
  std::vector<ir::OperandInfo> operands;
  for (const VariableUse& v : collect_variables(*e)) operands.push_back(operand_for(v, seed, operands.size()));
  ir::Program program;
  try {
    program = ir::infer_expression(*e, src, operands);
  } catch (const Error& err) {
    fuzz::check_error(err, src.text);
    return 0;
  }
  std::string problem = ir::verify(program);
  fuzz::check(problem.empty(), "inferred program fails the verifier", problem + "\n" + ir::print_program(program));
  try {
    program = ir::run_passes(std::move(program));
  } catch (const Error& err) {
    // Folding may find what inference could not see (a negative constant exponent).
    fuzz::check_error(err, src.text);
    return 0;
  }
  problem = ir::verify(program);
  fuzz::check(problem.empty(), "program after the passes fails the verifier", problem + "\n" + ir::print_program(program));
  (void)ir::print_program(program);
  return 0;
}
