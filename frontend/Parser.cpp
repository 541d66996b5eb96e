// The parser for expressions; the kernel language's statements build on the same class.
#include "frontend/Parser.h"

#include "frontend/Limits.h"

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

bool is_module_prefix(const std::string& name) {
  return name == "np" || name == "numpy" || name == "math" || name == "cmath";
}

}  // namespace

struct Parser::DepthGuard {
  explicit DepthGuard(Parser& p, SourceRange where) : p_(p) { p_.enter(where); }
  ~DepthGuard() { --p_.depth_; }
  Parser& p_;
};

ast::ExprPtr parse_expression(const Source& src) {
  if (src.text.size() > kMaxExpressionLength) {
    fail_at(ErrorKind::Syntax, src, {0, 1},
            "expression is too long (" + std::to_string(src.text.size()) + " characters; the limit is " +
                std::to_string(kMaxExpressionLength) + ")");
  }
  Parser parser(src, LexMode::Expression);
  if (parser.peek().kind == Tok::End) parser.fail(parser.peek().range, "empty expression");
  ast::ExprPtr e = parser.parse_expr();
  parser.expect_end();
  return e;
}

Parser::Parser(const Source& src, LexMode mode) : src_(src), lexer_(src, mode) { advance(); }

Token Parser::advance() {
  Token prev = std::move(tok_);
  tok_ = lexer_.next();
  if (tok_.kind == Tok::Error) fail(tok_.range, tok_.string_value);
  return prev;
}

bool Parser::accept(Tok kind) {
  if (tok_.kind != kind) return false;
  advance();
  return true;
}

Token Parser::expect(Tok kind, std::string_view what) {
  if (tok_.kind != kind) fail_unexpected(what);
  return advance();
}

void Parser::fail(SourceRange range, std::string message) const {
  fail_at(ErrorKind::Syntax, src_, range, std::move(message));
}

void Parser::fail_unexpected(std::string_view expected) const {
  std::string found;
  switch (tok_.kind) {
    case Tok::End: found = "end of input"; break;
    case Tok::Newline: found = "end of line"; break;
    case Tok::Indent: found = "an indented block"; break;
    case Tok::Dedent: found = "the end of a block"; break;
    default: found = "'" + std::string(tok_.text) + "'"; break;
  }
  SourceRange r = tok_.range;
  if (r.end == r.begin) r.end = r.begin + 1;
  fail(r, "expected " + std::string(expected) + ", found " + found);
}

void Parser::enter(SourceRange where) {
  if (++depth_ > kMaxNestingDepth) {
    fail(where, "expression is nested too deeply (the limit is " + std::to_string(kMaxNestingDepth) + " levels)");
  }
}

void Parser::expect_end() {
  if (tok_.kind == Tok::End) return;
  switch (tok_.kind) {
    case Tok::KwAnd:
    case Tok::KwOr:
      fail(tok_.range, "'" + std::string(tok_.text) + "' is not supported in expressions; use '" +
                           (tok_.kind == Tok::KwAnd ? "&" : "|") + "' with parentheses, as in (a > 1) " +
                           (tok_.kind == Tok::KwAnd ? "&" : "|") + " (b < 2)");
    case Tok::KwIf:
      fail(tok_.range, "conditional expressions are not supported; use where(condition, x, y)");
    case Tok::KwIs:
    case Tok::KwIn:
      fail(tok_.range, "'" + std::string(tok_.text) + "' is not supported in expressions");
    case Tok::Assign: fail(tok_.range, "assignment is not an expression; use '==' to compare");
    case Tok::RParen:
    case Tok::RBracket: fail(tok_.range, "unmatched '" + std::string(tok_.text) + "'");
    default: fail_unexpected("an operator or the end of the expression");
  }
}

// expression = comparison
ast::ExprPtr Parser::parse_expr() { return parse_binary(Prec::Compare); }

// comparison = bitor (("<" | "<=" | "==" | "!=" | ">=" | ">") bitor)?
// bitor = bitxor ("|" bitxor)*      bitxor = bitand ("^" bitand)*     bitand = shift ("&" shift)*
// shift = sum (("<<" | ">>") sum)*  sum = term (("+" | "-") term)*
// term = unary (("*" | "/" | "//" | "%") unary)*
// Precedence climbing over the table in Operators.h; all of these are left-associative.
ast::ExprPtr Parser::parse_binary(Prec min_prec) {
  DepthGuard guard(*this, tok_.range);
  ast::ExprPtr lhs = parse_unary();
  while (true) {
    BinOp op;
    if (!infix_op(tok_.kind, op) || binop_prec(op) < min_prec) break;
    Prec prec = binop_prec(op);
    SourceRange op_range = tok_.range;
    advance();
    ast::ExprPtr rhs = parse_binary(static_cast<Prec>(static_cast<int>(prec) + 1));
    if (prec == Prec::Compare) {
      BinOp next;
      if (infix_op(tok_.kind, next) && is_comparison(next)) {
        fail(tok_.range, "chained comparisons are not supported; combine them with '&', as in (a < b) & (b < c)");
      }
    }
    SourceRange r = join(lhs->range, rhs->range);
    auto bin = std::make_unique<ast::Binary>(r, op, std::move(lhs), std::move(rhs));
    bin->op_range = op_range;
    lhs = std::move(bin);
  }
  return lhs;
}

// unary = ("-" | "+" | "~") unary | power
// power = postfix ("**" unary)?
ast::ExprPtr Parser::parse_unary() {
  DepthGuard guard(*this, tok_.range);
  if (tok_.kind == Tok::Minus || tok_.kind == Tok::Plus || tok_.kind == Tok::Tilde) {
    Token op_tok = advance();
    UnaryOp op = op_tok.kind == Tok::Minus ? UnaryOp::Neg : op_tok.kind == Tok::Plus ? UnaryOp::Pos : UnaryOp::Invert;
    // -9223372036854775808 is a literal in its own right: its magnitude alone does not fit.
    if (op == UnaryOp::Neg && tok_.kind == Tok::Int && tok_.int_value == (std::uint64_t{1} << 63)) {
      Token lit = advance();
      if (tok_.kind == Tok::StarStar) fail(lit.range, "integer literal is too large for int64");
      return std::make_unique<ast::IntLit>(join(op_tok.range, lit.range), std::numeric_limits<std::int64_t>::min());
    }
    ast::ExprPtr operand = parse_unary();
    if (op == UnaryOp::Neg) {
      if (const auto* lit = operand->as<ast::IntLit>(); lit && lit->value >= 0 && lit->range.begin == op_tok.range.end) {
        return std::make_unique<ast::IntLit>(join(op_tok.range, operand->range), -lit->value);
      }
    }
    SourceRange r = join(op_tok.range, operand->range);
    return std::make_unique<ast::Unary>(r, op, std::move(operand));
  }
  if (tok_.kind == Tok::KwNot) {
    fail(tok_.range, "'not' is not supported in expressions; use '~', as in ~(a > 1)");
  }
  ast::ExprPtr base = parse_postfix(parse_primary());
  if (tok_.kind == Tok::StarStar) {
    SourceRange op_range = tok_.range;
    advance();
    ast::ExprPtr exponent = parse_unary();
    SourceRange r = join(base->range, exponent->range);
    auto bin = std::make_unique<ast::Binary>(r, BinOp::Pow, std::move(base), std::move(exponent));
    bin->op_range = op_range;
    return bin;
  }
  return base;
}

// postfix = primary ("(" arguments ")" | "." NAME | "[" subscripts "]")*
ast::ExprPtr Parser::parse_postfix(ast::ExprPtr base) {
  while (true) {
    if (tok_.kind == Tok::LParen) {
      base = parse_call(std::move(base));
    } else if (tok_.kind == Tok::Dot) {
      advance();
      if (tok_.kind != Tok::Identifier) fail_unexpected("an attribute name after '.'");
      Token name = advance();
      SourceRange r = join(base->range, name.range);
      base = std::make_unique<ast::Attribute>(r, std::move(base), std::string(name.text), name.range);
    } else if (tok_.kind == Tok::LBracket) {
      base = parse_subscript(std::move(base));
    } else {
      return base;
    }
  }
}

// arguments = (argument ("," argument)* ","?)?
// argument = expression | NAME "=" expression
ast::ExprPtr Parser::parse_call(ast::ExprPtr callee) {
  DepthGuard guard(*this, tok_.range);
  std::string prefix, name;
  SourceRange callee_range = callee->range;
  if (const auto* n = callee->as<ast::Name>()) {
    name = n->id;
  } else if (const auto* attr = callee->as<ast::Attribute>()) {
    const auto* object = attr->object->as<ast::Name>();
    if (!object || !is_module_prefix(object->id)) {
      fail(callee->range, "only functions can be called, by name or with a 'np.', 'numpy.', 'math.' or 'cmath.' prefix");
    }
    prefix = object->id;
    name = attr->attr;
    callee_range = attr->attr_range;
  } else {
    fail(callee->range, "only functions can be called, by name or with a 'np.', 'numpy.', 'math.' or 'cmath.' prefix");
  }
  advance();  // (
  std::vector<ast::ExprPtr> args;
  std::vector<ast::Keyword> keywords;
  while (tok_.kind != Tok::RParen) {
    if (tok_.kind == Tok::Identifier) {
      // A keyword argument is NAME '='; anything else starting with a name is an expression.
      Lexer probe = lexer_;
      Token after = probe.next();
      if (after.kind == Tok::Assign) {
        Token kw = advance();
        advance();  // =
        for (const ast::Keyword& k : keywords) {
          if (k.name == kw.text) fail(kw.range, "keyword argument '" + std::string(kw.text) + "' given twice");
        }
        keywords.push_back({std::string(kw.text), kw.range, parse_expr()});
        if (!accept(Tok::Comma)) break;
        continue;
      }
    }
    if (tok_.kind == Tok::Star || tok_.kind == Tok::StarStar) fail(tok_.range, "argument unpacking is not supported");
    SourceRange arg_start = tok_.range;
    ast::ExprPtr arg = parse_expr();
    if (!keywords.empty()) fail(join(arg_start, arg->range), "positional argument follows keyword argument");
    args.push_back(std::move(arg));
    if (!accept(Tok::Comma)) break;
  }
  if (tok_.kind != Tok::RParen) fail_unexpected("',' or ')' in the argument list");
  Token close = advance();
  SourceRange r = join(callee->range, close.range);
  return std::make_unique<ast::Call>(r, prefix, name, callee_range, std::move(args), std::move(keywords));
}

// subscripts = expression ("," expression)*
ast::ExprPtr Parser::parse_subscript(ast::ExprPtr object) {
  DepthGuard guard(*this, tok_.range);
  advance();  // [
  std::vector<ast::ExprPtr> indices;
  while (true) {
    if (tok_.kind == Tok::Colon) fail(tok_.range, "slices are not supported; index one element at a time");
    indices.push_back(parse_expr());
    if (tok_.kind == Tok::Colon) fail(tok_.range, "slices are not supported; index one element at a time");
    if (!accept(Tok::Comma)) break;
    if (tok_.kind == Tok::RBracket) break;
  }
  if (tok_.kind != Tok::RBracket) fail_unexpected("',' or ']' in the subscript");
  Token close = advance();
  SourceRange r = join(object->range, close.range);
  return std::make_unique<ast::Subscript>(r, std::move(object), std::move(indices));
}

// primary = INT | FLOAT | IMAG | STRING | "True" | "False" | "None" | NAME | "(" expression ")" | tuple
ast::ExprPtr Parser::parse_primary() {
  switch (tok_.kind) {
    case Tok::Int: {
      Token t = advance();
      if (t.int_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(t.range, "integer literal is too large for int64");
      }
      return std::make_unique<ast::IntLit>(t.range, static_cast<std::int64_t>(t.int_value));
    }
    case Tok::Float: {
      Token t = advance();
      return std::make_unique<ast::FloatLit>(t.range, t.float_value);
    }
    case Tok::Imag: {
      Token t = advance();
      return std::make_unique<ast::ImagLit>(t.range, t.float_value);
    }
    case Tok::String: {
      Token t = advance();
      std::string value = std::move(t.string_value);
      SourceRange r = t.range;
      while (tok_.kind == Tok::String) {  // adjacent literals concatenate, as in Python
        Token more = advance();
        value += more.string_value;
        r = join(r, more.range);
      }
      return std::make_unique<ast::BytesLit>(r, std::move(value));
    }
    case Tok::KwTrue:
    case Tok::KwFalse: {
      Token t = advance();
      return std::make_unique<ast::BoolLit>(t.range, t.kind == Tok::KwTrue);
    }
    case Tok::Identifier: {
      Token t = advance();
      return std::make_unique<ast::Name>(t.range, std::string(t.text));
    }
    case Tok::LParen: {
      Token open = advance();
      if (tok_.kind == Tok::RParen) fail(join(open.range, tok_.range), "empty parentheses are not an expression");
      ast::ExprPtr inner = parse_expr();
      if (tok_.kind == Tok::Comma) {
        // tuple = "(" expression "," (expression ("," expression)*)? ","? ")"
        std::vector<ast::ExprPtr> elements;
        elements.push_back(std::move(inner));
        while (accept(Tok::Comma) && tok_.kind != Tok::RParen) elements.push_back(parse_expr());
        if (tok_.kind != Tok::RParen) fail_unexpected("',' or ')' in the tuple");
        Token close = advance();
        return std::make_unique<ast::Tuple>(join(open.range, close.range), std::move(elements));
      }
      if (tok_.kind != Tok::RParen) {
        if (tok_.kind == Tok::End) fail(open.range, "'(' was never closed");
        fail_unexpected("')'");
      }
      advance();
      return inner;
    }
    case Tok::KwNone: {  // only meaningful as axis=None; type inference rejects it elsewhere
      Token t = advance();
      return std::make_unique<ast::Name>(t.range, "None");
    }
    case Tok::KwLambda: fail(tok_.range, "'lambda' is not supported");
    case Tok::KwNot: fail(tok_.range, "'not' is not supported in expressions; use '~', as in ~(a > 1)");
    case Tok::LBracket: fail(tok_.range, "list literals are not supported in expressions");
    default:
      if (is_keyword(tok_.kind)) fail(tok_.range, "'" + std::string(tok_.text) + "' is a keyword, not a value");
      fail_unexpected("a value");
  }
}

}  // namespace jitexpr
