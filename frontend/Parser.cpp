// The parser for expressions; the kernel language's statements build on the same class.
#include "frontend/Parser.h"

#include "frontend/Language.h"

#include <jitexpr/DType.h>
#include <jitexpr/Limits.h>

#include <algorithm>
#include <limits>
#include <string>

namespace jitexpr {

namespace {

// The binary operator a token spells in infix position, if any. `**` is handled by
// parse_unary, since it binds tighter than a unary operator on its left.
bool infix_op(Tok t, BinOp& op) {
  switch (t) {
    case Tok::Plus: op = BinOp::Add; return true;
    case Tok::Minus: op = BinOp::Sub; return true;
    case Tok::Star: op = BinOp::Mul; return true;
    case Tok::Slash: op = BinOp::Div; return true;
    case Tok::SlashSlash: op = BinOp::FloorDiv; return true;
    case Tok::Percent: op = BinOp::Mod; return true;
    case Tok::LessLess: op = BinOp::LShift; return true;
    case Tok::GreaterGreater: op = BinOp::RShift; return true;
    case Tok::Amp: op = BinOp::BitAnd; return true;
    case Tok::Pipe: op = BinOp::BitOr; return true;
    case Tok::Caret: op = BinOp::BitXor; return true;
    case Tok::Less: op = BinOp::Lt; return true;
    case Tok::LessEqual: op = BinOp::Le; return true;
    case Tok::EqualEqual: op = BinOp::Eq; return true;
    case Tok::NotEqual: op = BinOp::Ne; return true;
    case Tok::GreaterEqual: op = BinOp::Ge; return true;
    case Tok::Greater: op = BinOp::Gt; return true;
    default: return false;
  }
}

// Expressions are numexpr's dialect; modules (kernels) are Python's.
Dialect dialect_of(LexMode mode) { return mode == LexMode::Module ? Dialect::Python : Dialect::Numexpr; }

// What a kernel may name after a module prefix without calling it: math.pi, np.float64.
bool is_module_value(const std::string& name) {
  return module_constant(name) || (dtype_from_name(name) && name.find_first_of("0123456789") != std::string::npos) ||
         name == "bool_";
}

bool is_augmented_assign(Tok t) {
  switch (t) {
    case Tok::PlusAssign:
    case Tok::MinusAssign:
    case Tok::StarAssign:
    case Tok::SlashAssign:
    case Tok::SlashSlashAssign:
    case Tok::PercentAssign:
    case Tok::StarStarAssign:
    case Tok::AmpAssign:
    case Tok::PipeAssign:
    case Tok::CaretAssign:
    case Tok::LessLessAssign:
    case Tok::GreaterGreaterAssign: return true;
    default: return false;
  }
}

Tok closing_of(Tok open) { return open == Tok::LParen ? Tok::RParen : Tok::RBracket; }

}  // namespace

// Counts a construct around the tokens parsed while it lives (see enter_level).
struct Parser::LevelGuard {
  LevelGuard(Parser& p, SourceRange where) : p_(p) { p_.enter_level(where); }
  ~LevelGuard() { --p_.levels_; }
  LevelGuard(const LevelGuard&) = delete;
  LevelGuard& operator=(const LevelGuard&) = delete;
  Parser& p_;
};

ast::ExprPtr parse_expression(const Source& src) {
  if (src.text.size() > kMaxExpressionLength) {
    fail_at(ErrorKind::Syntax, src, {0, 1},
            "expression is too long (" + std::to_string(src.text.size()) + " characters; the limit is " +
                std::to_string(kMaxExpressionLength) + ")");
  }
  Parser parser(src, LexMode::Expression);
  if (parser.peek().kind == Tok::End) {
    // Nothing but white space and comments: point at all of it.
    parser.fail({0, static_cast<std::uint32_t>(std::max<std::size_t>(src.text.size(), 1))}, "empty expression");
  }
  ast::ExprPtr e = parser.parse_expr();
  parser.expect_end();
  return e;
}

Parser::Parser(const Source& src, LexMode mode) : src_(src), mode_(mode), lexer_(src, mode) {
  advance();
  has_prev_ = false;  // the first token has none before it
}

Token Parser::advance() {
  Token prev = tok_;
  skip();
  return prev;
}

void Parser::skip() {
  has_prev_ = true;
  prev_kind_ = tok_.kind;
  prev_text_ = tok_.text;
  prev_range_ = tok_.range;
  tok_ = lexer_.next();
  if (tok_.kind == Tok::Error) fail(tok_.range, tok_.string_value);
}

bool Parser::accept(Tok kind) {
  if (tok_.kind != kind) return false;
  skip();
  return true;
}

Token Parser::expect(Tok kind, std::string_view what) {
  if (tok_.kind != kind) fail_unexpected(what);
  return advance();
}

void Parser::fail(SourceRange range, std::string message) const {
  fail_at(ErrorKind::Syntax, src_, range, std::move(message));
}

std::string Parser::describe_token() const {
  switch (tok_.kind) {
    case Tok::End: return "end of input";
    case Tok::Newline: return "end of line";
    case Tok::Indent: return "an indented block";
    case Tok::Dedent: return "the end of a block";
    default: return "'" + std::string(tok_.text) + "'";
  }
}

void Parser::fail_unexpected(std::string_view expected) const {
  SourceRange r = tok_.range;
  if (r.end == r.begin) r.end = r.begin + 1;
  fail(r, "expected " + std::string(expected) + ", found " + describe_token());
}

void Parser::enter_level(SourceRange where) { check_depth(++levels_, where); }

void Parser::check_depth(int depth, SourceRange where) const {
  if (depth > kMaxNestingDepth) {
    fail(where, "expression is nested too deeply (the limit is " + std::to_string(kMaxNestingDepth) + " levels)");
  }
}

Parser::Nested Parser::nested(ast::ExprPtr e, int depth, SourceRange where) const {
  check_depth(depth, where);
  SourceRange r = e->range;
  return {std::move(e), depth, r};
}

SourceRange Parser::close_bracket() {
  SourceRange r = tok_.range;
  open_.pop_back();
  skip();
  return r;
}

void Parser::fail_after_operand(std::string_view expected) const {
  std::string word(tok_.text);
  switch (tok_.kind) {
    case Tok::KwAnd:
    case Tok::KwOr: {
      std::string op = tok_.kind == Tok::KwAnd ? "&" : "|";
      fail(tok_.range, "'" + word + "' is not supported in expressions; use '" + op + "' with parentheses, as in (a > 1) " +
                           op + " (b < 2)");
    }
    case Tok::KwNot: fail(tok_.range, "'not' is not supported in expressions; use '~', as in ~(a > 1)");
    case Tok::KwIf: fail(tok_.range, "conditional expressions are not supported; use where(condition, x, y)");
    case Tok::KwIs: fail(tok_.range, "'is' is not supported in expressions; use '==' to compare");
    case Tok::KwIn: fail(tok_.range, "'in' is not supported in expressions; use contains(s, sub) to search bytes");
    case Tok::KwFor: fail(tok_.range, "comprehensions are not supported in expressions");
    case Tok::Assign: fail(tok_.range, "assignment is not an expression; use '==' to compare");
    case Tok::Comma: fail(tok_.range, "tuples are not supported in expressions");
    case Tok::At: fail(tok_.range, "matrix products are not supported ('*' multiplies element-wise)");
    case Tok::RParen:
    case Tok::RBracket:
      if (open_.empty()) fail(tok_.range, "unmatched '" + word + "'");
      if (closing_of(open_.back().kind) != tok_.kind) {
        fail(tok_.range, "closing '" + word + "' does not match opening '" +
                             std::string(token_spelling(open_.back().kind)) + "'");
      }
      break;
    case Tok::End:
      if (!open_.empty()) {
        fail(open_.back().range, "'" + std::string(token_spelling(open_.back().kind)) + "' was never closed");
      }
      break;
    default:
      if (is_augmented_assign(tok_.kind)) fail(tok_.range, "augmented assignment ('" + word + "') is not an expression");
      break;
  }
  fail_unexpected(expected);
}

void Parser::fail_missing_value() const {
  if ((tok_.kind == Tok::RParen || tok_.kind == Tok::RBracket) && open_.empty()) {
    fail(tok_.range, "unmatched '" + std::string(tok_.text) + "'");
  }
  if (is_keyword(tok_.kind)) fail(tok_.range, "'" + std::string(tok_.text) + "' is a keyword, not a value");
  // C's spellings of the logical operators: two tokens here, one mistake.
  bool adjacent = has_prev_ && prev_range_.end == tok_.range.begin;
  if (adjacent && prev_kind_ == tok_.kind && (tok_.kind == Tok::Amp || tok_.kind == Tok::Pipe)) {
    std::string op(tok_.text);
    fail(join(prev_range_, tok_.range), "'" + op + op + "' is not an operator; use '" + op +
                                            "' with parentheses, as in (a > 1) " + op + " (b < 2)");
  }
  if (adjacent && prev_kind_ == Tok::Less && tok_.kind == Tok::Greater) {
    fail(join(prev_range_, tok_.range), "'<>' is not an operator; use '!='");
  }
  SourceRange r = tok_.range;
  if (r.end == r.begin) r.end = r.begin + 1;
  if (!has_prev_) fail(r, "expected a value, found " + describe_token());
  fail(r, "expected a value after '" + std::string(prev_text_) + "', found " + describe_token());
}

void Parser::expect_end() {
  if (tok_.kind != Tok::End) fail_after_operand("an operator or the end of the expression");
}

// expression = comparison
ast::ExprPtr Parser::parse_expr() { return parse_expression().expr; }

Parser::Nested Parser::parse_expression() {
  return mode_ == LexMode::Module ? parse_conditional() : parse_binary(Prec::Compare);
}

// Kernels only (module mode), Python's grammar:
// conditional = or_test ("if" or_test "else" conditional)?
Parser::Nested Parser::parse_conditional() {
  Nested value = parse_or_test();
  if (tok_.kind != Tok::KwIf) return value;
  SourceRange if_range = tok_.range;
  LevelGuard level(*this, if_range);
  skip();
  Nested cond = parse_or_test();
  if (tok_.kind != Tok::KwElse) fail_after_operand("'else' in the conditional expression");
  skip();
  Nested other = parse_conditional();
  int depth = 1 + std::max({value.depth, cond.depth, other.depth});
  SourceRange r = join(value.range, other.range);
  return nested(std::make_unique<ast::IfExp>(r, std::move(cond.expr), std::move(value.expr), std::move(other.expr)), depth,
                if_range);
}

// or_test = and_test ("or" and_test)*
// and_test = not_test ("and" not_test)*
Parser::Nested Parser::parse_or_test() {
  Nested lhs = parse_and_test();
  while (tok_.kind == Tok::KwOr) {
    SourceRange op = tok_.range;
    LevelGuard level(*this, op);
    skip();
    Nested rhs = parse_and_test();
    int depth = 1 + std::max(lhs.depth, rhs.depth);
    SourceRange r = join(lhs.range, rhs.range);
    lhs = nested(std::make_unique<ast::BoolOp>(r, false, std::move(lhs.expr), std::move(rhs.expr)), depth, op);
  }
  return lhs;
}

Parser::Nested Parser::parse_and_test() {
  Nested lhs = parse_not_test();
  while (tok_.kind == Tok::KwAnd) {
    SourceRange op = tok_.range;
    LevelGuard level(*this, op);
    skip();
    Nested rhs = parse_not_test();
    int depth = 1 + std::max(lhs.depth, rhs.depth);
    SourceRange r = join(lhs.range, rhs.range);
    lhs = nested(std::make_unique<ast::BoolOp>(r, true, std::move(lhs.expr), std::move(rhs.expr)), depth, op);
  }
  return lhs;
}

// not_test = "not" not_test | comparison
Parser::Nested Parser::parse_not_test() {
  if (tok_.kind != Tok::KwNot) return parse_binary(Prec::Compare);
  SourceRange op = tok_.range;
  LevelGuard level(*this, op);
  skip();
  Nested x = parse_not_test();
  SourceRange r = join(op, x.range);
  return nested(std::make_unique<ast::Not>(r, std::move(x.expr)), x.depth + 1, op);
}

// list = "[" (expression ("," expression)* ","?)? "]"   (kernels: for [0] * n)
Parser::Nested Parser::parse_list() {
  SourceRange open = tok_.range;
  LevelGuard level(*this, open);
  open_bracket(tok_);
  skip();
  std::vector<ast::ExprPtr> elements;
  int depth = 0;
  while (tok_.kind != Tok::RBracket) {
    Nested e = parse_expression();
    depth = std::max(depth, e.depth);
    elements.push_back(std::move(e.expr));
    if (!accept(Tok::Comma)) break;
  }
  if (tok_.kind != Tok::RBracket) fail_after_operand("',' or ']' in the list");
  SourceRange r = join(open, close_bracket());
  return nested(std::make_unique<ast::List>(r, std::move(elements)), depth + 1, open);
}

// comparison = bitor (("<" | "<=" | "==" | "!=" | ">=" | ">") bitor)?
// bitor = bitxor ("|" bitxor)*      bitxor = bitand ("^" bitand)*     bitand = shift ("&" shift)*
// shift = sum (("<<" | ">>") sum)*  sum = term (("+" | "-") term)*
// term = unary (("*" | "/" | "//" | "%") unary)*
// Precedence climbing over the table in Operators.h; all of these are left-associative.
Parser::Nested Parser::parse_binary(Prec min_prec) {
  Nested lhs = parse_unary();
  while (true) {
    BinOp op;
    if (!infix_op(tok_.kind, op) || binop_prec(op) < min_prec) break;
    Prec prec = binop_prec(op);
    SourceRange op_range = tok_.range;
    Nested rhs;
    {
      LevelGuard level(*this, op_range);
      skip();
      rhs = parse_binary(static_cast<Prec>(static_cast<int>(prec) + 1));
    }
    BinOp next;
    if (prec == Prec::Compare && infix_op(tok_.kind, next) && is_comparison(next)) fail_chained_comparison();
    SourceRange r = join(lhs.range, rhs.range);
    int depth = 1 + std::max(lhs.depth, rhs.depth);
    auto bin = std::make_unique<ast::Binary>(r, op, std::move(lhs.expr), std::move(rhs.expr));
    bin->op_range = op_range;
    lhs = nested(std::move(bin), depth, op_range);
  }
  return lhs;
}

// unary = ("-" | "+" | "~") unary | power
// power = postfix ("**" unary)?
// A minus sign on an integer literal folds into it: `-1`, `- 1` and `-(1)` are the constant -1
// (so `a ** -1` is seen as a negative constant exponent, and -9223372036854775808, whose
// magnitude alone does not fit, is a literal in its own right).
Parser::Nested Parser::parse_unary() {
  if (tok_.kind == Tok::Minus || tok_.kind == Tok::Plus || tok_.kind == Tok::Tilde) {
    SourceRange op_range = tok_.range;
    LevelGuard level(*this, op_range);
    UnaryOp op = tok_.kind == Tok::Minus ? UnaryOp::Neg : tok_.kind == Tok::Plus ? UnaryOp::Pos : UnaryOp::Invert;
    skip();
    if (op == UnaryOp::Neg && tok_.kind == Tok::Int && tok_.int_value == (std::uint64_t{1} << 63)) {
      return parse_int64_min(op_range);
    }
    Nested operand = parse_unary();
    SourceRange r = join(op_range, operand.range);
    if (op == UnaryOp::Neg) {
      if (const auto* lit = operand.expr->as<ast::IntLit>(); lit && lit->value >= 0) {
        return nested(std::make_unique<ast::IntLit>(r, -lit->value), 0, op_range);
      }
    }
    return nested(std::make_unique<ast::Unary>(r, op, std::move(operand.expr)), operand.depth + 1, op_range);
  }
  if (tok_.kind == Tok::KwNot) fail_not();
  Nested base = parse_postfix(parse_primary());
  if (tok_.kind == Tok::StarStar) {
    SourceRange op_range = tok_.range;
    Nested exponent;
    {
      LevelGuard level(*this, op_range);
      skip();
      exponent = parse_unary();
    }
    SourceRange r = join(base.range, exponent.range);
    int depth = 1 + std::max(base.depth, exponent.depth);
    auto bin = std::make_unique<ast::Binary>(r, BinOp::Pow, std::move(base.expr), std::move(exponent.expr));
    bin->op_range = op_range;
    return nested(std::move(bin), depth, op_range);
  }
  return base;
}

// postfix = primary ("(" arguments ")" | "." NAME | "[" subscripts "]")*
Parser::Nested Parser::parse_postfix(Nested base) {
  while (true) {
    if (tok_.kind == Tok::LParen) {
      base = parse_call(std::move(base));
    } else if (tok_.kind == Tok::Dot) {
      base = parse_attribute(std::move(base));
    } else if (tok_.kind == Tok::LBracket) {
      base = parse_subscript(std::move(base));
    } else {
      return base;
    }
  }
}

// attribute = postfix "." NAME
// `np.sin` only names a function: the call after it takes the prefix apart (parse_call).
Parser::Nested Parser::parse_attribute(Nested object) {
  skip();  // .
  if (tok_.kind != Tok::Identifier) fail_unexpected("an attribute name after '.'");
  SourceRange name_range = tok_.range;
  std::string name(tok_.text);
  skip();
  SourceRange r = join(object.range, name_range);
  if (const auto* module = object.expr->as<ast::Name>(); module && is_module_prefix(module->id, dialect_of(mode_)) &&
                                                         tok_.kind != Tok::LParen && name != "real" && name != "imag" &&
                                                         !(mode_ == LexMode::Module && is_module_value(name))) {
    fail_module_attribute(module->id, name, r);
  }
  int depth = object.depth + 1;
  return nested(std::make_unique<ast::Attribute>(r, std::move(object.expr), std::move(name), name_range), depth, name_range);
}

ast::ExprPtr Parser::parse_call_of(ast::ExprPtr callee) {
  SourceRange r = callee->range;
  return parse_call({std::move(callee), 0, r}).expr;
}

// arguments = (argument ("," argument)* ","?)?
// argument = expression | NAME "=" expression
Parser::Nested Parser::parse_call(Nested callee) {
  Callee target = callee_of(callee);
  SourceRange open_range = tok_.range;
  LevelGuard level(*this, open_range);
  open_bracket(tok_);
  skip();  // (
  std::vector<ast::ExprPtr> args;
  std::vector<ast::Keyword> keywords;
  int depth = 0;
  while (tok_.kind != Tok::RParen) {
    if (at_keyword_argument()) {
      ast::Keyword keyword{std::string(tok_.text), tok_.range, nullptr};
      for (const ast::Keyword& k : keywords) {
        if (k.name == keyword.name) fail_repeated_keyword(keyword);
      }
      skip();  // NAME
      skip();  // =
      Nested value = parse_expression();
      depth = std::max(depth, value.depth);
      keyword.value = std::move(value.expr);
      keywords.push_back(std::move(keyword));
      if (!accept(Tok::Comma)) break;
      continue;
    }
    if (tok_.kind == Tok::Star || tok_.kind == Tok::StarStar) fail(tok_.range, "argument unpacking is not supported");
    Nested arg = parse_expression();
    if (tok_.kind == Tok::Assign) fail(arg.range, "a keyword argument is a plain name, as in axis=0");
    if (!keywords.empty()) fail(arg.range, "positional argument follows keyword argument");
    depth = std::max(depth, arg.depth);
    args.push_back(std::move(arg.expr));
    if (!accept(Tok::Comma)) break;
  }
  if (tok_.kind != Tok::RParen) fail_after_operand("',' or ')' in the argument list");
  SourceRange r = join(callee.range, close_bracket());
  return nested(std::make_unique<ast::Call>(r, std::move(target.prefix), std::move(target.name), target.range,
                                            std::move(args), std::move(keywords)),
                depth + 1, open_range);
}

Parser::Callee Parser::callee_of(const Nested& callee) const {
  if (const auto* n = callee.expr->as<ast::Name>()) return {{}, n->id, n->range};
  if (const auto* attr = callee.expr->as<ast::Attribute>()) {
    if (const auto* module = attr->object->as<ast::Name>(); module && is_module_prefix(module->id, dialect_of(mode_))) {
      return {module->id, attr->attr, attr->attr_range};
    }
  }
  if (callee.expr->as<ast::IntLit>() || callee.expr->as<ast::FloatLit>() || callee.expr->as<ast::ImagLit>()) {
    fail(callee.range, "'" + src_.text.substr(callee.range.begin, callee.range.end - callee.range.begin) +
                           "' is not a function; use '*' to multiply");
  }
  fail(callee.range,
       "only functions can be called, by name or with a " + module_prefixes_text(dialect_of(mode_)) + " prefix");
}

bool Parser::at_keyword_argument() const {
  if (tok_.kind != Tok::Identifier) return false;
  Lexer probe = lexer_;  // NAME '=' is a keyword argument; anything else starting with a name is an expression
  return probe.next().kind == Tok::Assign;
}

// subscripts = expression ("," expression)* ","?
Parser::Nested Parser::parse_subscript(Nested object) {
  SourceRange open_range = tok_.range;
  LevelGuard level(*this, open_range);
  open_bracket(tok_);
  skip();  // [
  std::vector<ast::ExprPtr> indices;
  int depth = object.depth;
  while (true) {
    if (tok_.kind == Tok::Colon) fail(tok_.range, "slices are not supported; index one element at a time");
    Nested index = parse_expression();
    depth = std::max(depth, index.depth);
    indices.push_back(std::move(index.expr));
    if (tok_.kind == Tok::Colon) fail(tok_.range, "slices are not supported; index one element at a time");
    if (!accept(Tok::Comma)) break;
    if (tok_.kind == Tok::RBracket) break;
  }
  if (tok_.kind != Tok::RBracket) fail_after_operand("',' or ']' in the subscript");
  SourceRange r = join(object.range, close_bracket());
  return nested(std::make_unique<ast::Subscript>(r, std::move(object.expr), std::move(indices)), depth + 1, open_range);
}

// group = "(" expression ")" | tuple
// tuple = "(" expression "," (expression ("," expression)*)? ","? ")"
// A group is a level of nesting of its own, though it makes no node.
Parser::Nested Parser::parse_group() {
  SourceRange open = tok_.range;
  LevelGuard level(*this, open);
  open_bracket(tok_);
  skip();
  if (tok_.kind == Tok::RParen) fail(join(open, tok_.range), "empty parentheses are not an expression");
  Nested inner = parse_expression();
  if (tok_.kind == Tok::Comma) {
    std::vector<ast::ExprPtr> elements;
    int depth = inner.depth;
    elements.push_back(std::move(inner.expr));
    while (accept(Tok::Comma) && tok_.kind != Tok::RParen) {
      Nested element = parse_expression();
      depth = std::max(depth, element.depth);
      elements.push_back(std::move(element.expr));
    }
    if (tok_.kind != Tok::RParen) fail_after_operand("',' or ')' in the tuple");
    return nested(std::make_unique<ast::Tuple>(join(open, close_bracket()), std::move(elements)), depth + 1, open);
  }
  if (tok_.kind != Tok::RParen) fail_after_operand("an operator or ')'");
  SourceRange r = join(open, close_bracket());
  check_depth(inner.depth + 1, open);
  return {std::move(inner.expr), inner.depth + 1, r};
}

// primary = literal | NAME | "None" | group
Parser::Nested Parser::parse_primary() {
  switch (tok_.kind) {
    case Tok::Int:
    case Tok::Float:
    case Tok::Imag:
    case Tok::String:
    case Tok::KwTrue:
    case Tok::KwFalse: return parse_literal();
    case Tok::Identifier:
    case Tok::KwNone: {  // None is only meaningful as axis=None; type inference rejects it elsewhere
      SourceRange r = tok_.range;
      std::string name(tok_.text);
      skip();
      return nested(std::make_unique<ast::Name>(r, std::move(name)), 0, r);
    }
    case Tok::LParen: return parse_group();
    case Tok::KwLambda: fail(tok_.range, "'lambda' is not supported in expressions");
    case Tok::KwNot: fail_not();
    case Tok::LBracket:
      if (mode_ == LexMode::Module) return parse_list();
      fail(tok_.range, "list literals are not supported in expressions");
    default: fail_missing_value();
  }
}

// literal = INT | FLOAT | IMAG | STRING+ | "True" | "False"
// Kept apart from parse_primary so that the recursion through it stays small on the stack.
Parser::Nested Parser::parse_literal() {
  Token t = advance();
  switch (t.kind) {
    case Tok::Int:
      if (t.int_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(t.range, "integer literal is too large for int64");
      }
      return nested(std::make_unique<ast::IntLit>(t.range, static_cast<std::int64_t>(t.int_value)), 0, t.range);
    case Tok::Float: return nested(std::make_unique<ast::FloatLit>(t.range, t.float_value), 0, t.range);
    case Tok::Imag: return nested(std::make_unique<ast::ImagLit>(t.range, t.float_value), 0, t.range);
    case Tok::String: {
      std::string value = std::move(t.string_value);
      SourceRange r = t.range;
      while (tok_.kind == Tok::String) {  // adjacent literals concatenate, as in Python
        value += tok_.string_value;
        r = join(r, tok_.range);
        skip();
      }
      return nested(std::make_unique<ast::BytesLit>(r, std::move(value)), 0, r);
    }
    default: return nested(std::make_unique<ast::BoolLit>(t.range, t.kind == Tok::KwTrue), 0, t.range);
  }
}

// -9223372036854775808: a literal in its own right, since its magnitude alone does not fit.
Parser::Nested Parser::parse_int64_min(SourceRange minus) {
  SourceRange lit = tok_.range;
  skip();
  if (tok_.kind == Tok::StarStar) fail(lit, "integer literal is too large for int64");  // -(2**63 ** x)
  return nested(std::make_unique<ast::IntLit>(join(minus, lit), std::numeric_limits<std::int64_t>::min()), 0, minus);
}

void Parser::fail_not() const { fail(tok_.range, "'not' is not supported in expressions; use '~', as in ~(a > 1)"); }

void Parser::fail_chained_comparison() const {
  // Kernels have `and` (expressions do not): the hint names what the language at hand has.
  if (mode_ == LexMode::Module) {
    fail(tok_.range, "chained comparisons are not supported; combine them with 'and', as in a < b and b < c");
  }
  fail(tok_.range, "chained comparisons are not supported; combine them with '&', as in (a < b) & (b < c)");
}

void Parser::fail_repeated_keyword(const ast::Keyword& keyword) const {
  fail(keyword.name_range, "keyword argument '" + keyword.name + "' given twice");
}

void Parser::fail_module_attribute(const std::string& module, const std::string& name, SourceRange range) const {
  std::string example = module == "random" ? "random.random()" : module + ".sin(x)";
  fail(range, "'" + module + "." + name + "' is not supported; a '" + module + ".' prefix only names a function to call, as in " +
                  example);
}

}  // namespace jitexpr
