// The hand-written Pratt/recursive-descent parser. Each parse function is named after its grammar
// rule, written above it. Operator precedence lives in one table (frontend/Operators.h).
#pragma once

#include "frontend/Ast.h"
#include "frontend/Lexer.h"
#include "frontend/Source.h"

namespace jitexpr {

// Parses one whole expression (numexpr's language). Throws SyntaxError.
ast::ExprPtr parse_expression(const Source& src);

class Parser {
 public:
  Parser(const Source& src, LexMode mode);

  // expression = comparison
  ast::ExprPtr parse_expr();
  // Throws SyntaxError unless the next token is End.
  void expect_end();

  const Token& peek() const { return tok_; }
  Token advance();
  bool accept(Tok kind);
  Token expect(Tok kind, std::string_view what);
  [[noreturn]] void fail(SourceRange range, std::string message) const;
  [[noreturn]] void fail_unexpected(std::string_view expected) const;

 private:
  ast::ExprPtr parse_binary(Prec min_prec);
  ast::ExprPtr parse_unary();
  ast::ExprPtr parse_postfix(ast::ExprPtr base);
  ast::ExprPtr parse_primary();
  ast::ExprPtr parse_call(ast::ExprPtr callee);
  ast::ExprPtr parse_subscript(ast::ExprPtr object);
  void enter(SourceRange where);

  const Source& src_;
  Lexer lexer_;
  Token tok_;
  int depth_ = 0;
  struct DepthGuard;
};

}  // namespace jitexpr
