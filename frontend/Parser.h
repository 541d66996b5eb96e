// The hand-written Pratt/recursive-descent parser. Each parse function is named after its grammar
// rule, written above it. Operator precedence lives in one table (frontend/Operators.h).
#pragma once

#include "frontend/Ast.h"
#include "frontend/Lexer.h"
#include "frontend/Source.h"

#include <string>
#include <string_view>
#include <vector>

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
  // call = callee "(" arguments ")", for a callee that the caller has read itself (a decorator's
  // name in a kernel module); the next token is the "(".
  ast::ExprPtr parse_call_of(ast::ExprPtr callee);

  const Token& peek() const { return tok_; }
  // The token before peek(): where a statement ends, or where a missing ':' belongs.
  SourceRange prev_range() const { return prev_range_; }
  Token advance();
  bool accept(Tok kind);
  Token expect(Tok kind, std::string_view what);
  [[noreturn]] void fail(SourceRange range, std::string message) const;
  [[noreturn]] void fail_unexpected(std::string_view expected) const;
  // The token after a complete operand cannot continue it: says why, with hints for Python's
  // words and for brackets that do not match. `expected` lists what could have come.
  [[noreturn, gnu::noinline]] void fail_after_operand(std::string_view expected) const;

 private:
  // A parsed expression with its nesting depth (see kMaxNestingDepth) and its range, which takes in
  // the parentheses around it when it was written in some.
  struct Nested {
    ast::ExprPtr expr;
    int depth = 0;
    SourceRange range;
  };
  // An open bracket that still waits for its closing one.
  struct OpenBracket {
    Tok kind;
    SourceRange range;
  };
  // A call's function: its module prefix (may be empty), its name and where the name is.
  struct Callee {
    std::string prefix, name;
    SourceRange range;
  };
  struct LevelGuard;

  // The parse functions recurse into each other, once per level of nesting: the cold paths
  // (literals, error messages, lookahead) live in functions of their own to keep these frames small.
  Nested parse_expression();
  Nested parse_conditional();
  Nested parse_or_test();
  Nested parse_and_test();
  Nested parse_not_test();
  Nested parse_list();
  Nested parse_binary(Prec min_prec);
  Nested parse_unary();
  Nested parse_postfix(Nested base);
  Nested parse_primary();
  Nested parse_group();
  Nested parse_call(Nested callee);
  Nested parse_attribute(Nested object);
  Nested parse_subscript(Nested object);
  [[gnu::noinline]] Nested parse_literal();
  [[gnu::noinline]] Nested parse_int64_min(SourceRange minus);
  [[gnu::noinline]] Callee callee_of(const Nested& callee) const;
  [[gnu::noinline]] bool at_keyword_argument() const;
  // Moves to the next token, like advance() without handing back the current one.
  void skip();

  // A node `depth` levels deep; fails at `where` beyond kMaxNestingDepth.
  Nested nested(ast::ExprPtr e, int depth, SourceRange where) const;
  void check_depth(int depth, SourceRange where) const;
  // Enters a construct whose operands are parsed by recursion; bounds the parser's stack.
  void enter_level(SourceRange where);
  void open_bracket(const Token& t) { open_.push_back({t.kind, t.range}); }
  // Consumes the closing bracket of the innermost open one; returns its range.
  SourceRange close_bracket();
  // A value was expected and the token is none.
  [[noreturn, gnu::noinline]] void fail_missing_value() const;
  [[noreturn, gnu::noinline]] void fail_not() const;
  [[noreturn, gnu::noinline]] void fail_chained_comparison() const;
  [[noreturn, gnu::noinline]] void fail_repeated_keyword(const ast::Keyword& keyword) const;
  [[noreturn, gnu::noinline]] void fail_module_attribute(const std::string& module, const std::string& name,
                                                         SourceRange range) const;
  std::string describe_token() const;

  const Source& src_;
  LexMode mode_;  // Module mode also knows the 'random.' prefix (random.random(), random.uniform())
  Lexer lexer_;
  Token tok_;
  // The token before tok_, for messages such as "expected a value after '+'".
  Tok prev_kind_ = Tok::End;
  std::string_view prev_text_;
  SourceRange prev_range_;
  bool has_prev_ = false;
  std::vector<OpenBracket> open_;
  int levels_ = 0;  // constructs being parsed around the current token
};

}  // namespace jitexpr
