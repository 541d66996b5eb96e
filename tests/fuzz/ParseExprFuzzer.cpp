// Fuzz target: the lexer and the expression parser. Any text either parses or throws a
// jitexpr::Error that points into it; a tree that parses prints canonically, and the printed text
// parses back to a tree that prints the same (the canonical text is the code cache's key).
#include "frontend/AstPrinter.h"
#include <jitexpr/Limits.h>
#include "frontend/Parser.h"
#include "frontend/Variables.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace jitexpr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Source src{"<expr>", std::string(reinterpret_cast<const char*>(data), size)};
  ast::ExprPtr e;
  try {
    e = parse_expression(src);
  } catch (const Error& err) {
    fuzz::check_error(err, src.text);
    return 0;
  }
  collect_variables(*e);
  std::string printed = print_expr(*e);
  if (printed.size() > kMaxExpressionLength) return 0;
  Source again{"<expr>", printed};
  try {
    std::string reprinted = print_expr(*parse_expression(again));
    fuzz::check(reprinted == printed, "print -> parse -> print is not a fixed point", printed + "\n" + reprinted);
  } catch (const Error& err) {
    fuzz::fail("the canonical text of a valid expression does not parse", printed + "\n" + err.what());
  }
  return 0;
}
