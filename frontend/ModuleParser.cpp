// The parser for kernel modules (see ModuleParser.h). Each parse function is named after its
// grammar rule, written above it; `expression` is the expression Parser's rule (Parser.cpp), and
// NEWLINE, INDENT and DEDENT come from the lexer's Module mode.
#include "frontend/ModuleParser.h"

#include "frontend/Language.h"
#include "frontend/Parser.h"

#include <jitexpr/Limits.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace jitexpr {

namespace {

// The names a type annotation may use: the dtypes, and Python's int, float and complex.
constexpr std::array<std::string_view, 16> kTypeNames = {
    "bool",   "int8",   "int16",   "int32",     "int64",      "uint8", "uint16", "uint32",
    "uint64", "float32", "float64", "complex64", "complex128", "int",   "float",  "complex"};

bool is_type_name(std::string_view name) {
  return std::find(kTypeNames.begin(), kTypeNames.end(), name) != kTypeNames.end();
}

// The modules a kernel may import (Language.h); `from M import ...` takes any name from math,
// cmath and numpy.
bool is_importable(std::string_view module) {
  const ModuleInfo* m = find_module(module);
  return m && m->importable;
}

// Python words that start constructs outside the kernel language, each named in its error.
std::string_view unsupported_word(Tok t) {
  switch (t) {
    case Tok::KwClass: return "class";
    case Tok::KwTry: return "try";
    case Tok::KwExcept: return "except";
    case Tok::KwFinally: return "finally";
    case Tok::KwWith: return "with";
    case Tok::KwYield: return "yield";
    case Tok::KwGlobal: return "global";
    case Tok::KwNonlocal: return "nonlocal";
    case Tok::KwDel: return "del";
    case Tok::KwRaise: return "raise";
    case Tok::KwAssert: return "assert";
    case Tok::KwAsync: return "async";
    case Tok::KwAwait: return "await";
    case Tok::KwLambda: return "lambda";
    default: return {};
  }
}

// augassign = "+=" | "-=" | "*=" | "/=" | "//=" | "%=" | "**=" | "&=" | "|=" | "^=" | "<<=" | ">>="
bool augmented_op(Tok t, BinOp& op) {
  switch (t) {
    case Tok::PlusAssign: op = BinOp::Add; return true;
    case Tok::MinusAssign: op = BinOp::Sub; return true;
    case Tok::StarAssign: op = BinOp::Mul; return true;
    case Tok::SlashAssign: op = BinOp::Div; return true;
    case Tok::SlashSlashAssign: op = BinOp::FloorDiv; return true;
    case Tok::PercentAssign: op = BinOp::Mod; return true;
    case Tok::StarStarAssign: op = BinOp::Pow; return true;
    case Tok::AmpAssign: op = BinOp::BitAnd; return true;
    case Tok::PipeAssign: op = BinOp::BitOr; return true;
    case Tok::CaretAssign: op = BinOp::BitXor; return true;
    case Tok::LessLessAssign: op = BinOp::LShift; return true;
    case Tok::GreaterGreaterAssign: op = BinOp::RShift; return true;
    default: return false;
  }
}

// Tokens that end an expression list: what may follow `a, b,` when the list ends in a comma.
bool ends_exprlist(Tok t) {
  BinOp op;
  return t == Tok::Newline || t == Tok::Semicolon || t == Tok::Assign || t == Tok::Colon || t == Tok::End ||
         t == Tok::Dedent || augmented_op(t, op);
}

// A range a caret can show: an empty one (INDENT, DEDENT, end of input) becomes one column wide.
SourceRange visible(SourceRange r) { return r.end == r.begin ? SourceRange{r.begin, r.begin + 1} : r; }

class ModuleParser {
 public:
  explicit ModuleParser(const Source& src) : src_(src), p_(src, LexMode::Module) {}
  ast::Module parse_module();

 private:
  void parse_import_stmts(ast::Module& m);
  void parse_import_stmt(ast::Module& m);
  void parse_import_names(ast::Import& import);
  ast::Decorator parse_decorator();
  ast::FunctionDef parse_funcdef(std::vector<ast::Decorator> decorators);
  ast::Param parse_parameter(const std::vector<ast::Param>& before);
  ast::TypeAnnotation parse_annotation(bool is_return);
  ast::Block parse_block(SourceRange intro, std::string_view what);
  void parse_statement(ast::Block& out);
  void parse_simple_stmts(ast::Block& out);
  ast::StmtPtr parse_simple_stmt();
  ast::StmtPtr parse_return();
  ast::StmtPtr parse_expr_stmt();
  ast::StmtPtr parse_if();
  ast::StmtPtr parse_while();
  ast::StmtPtr parse_for();
  ast::ExprPtr parse_exprlist();
  ast::ExprPtr parse_value();

  void expect_colon(bool after_expression);
  void enter_block(SourceRange intro);
  void count_statement(SourceRange at);
  void check_target(const ast::Expr& target, bool in_tuple) const;
  void reject_in_function() const;
  void reject_unsupported_word() const;
  [[noreturn]] void fail_at_module_level() const;
  [[noreturn]] void fail_empty_block(SourceRange intro, std::string_view what) const;
  [[noreturn]] void fail(SourceRange range, std::string message) const { p_.fail(visible(range), std::move(message)); }
  const Token& peek() const { return p_.peek(); }
  // From `begin` to the end of the last token consumed.
  SourceRange from(std::uint32_t begin) const { return {begin, p_.prev_range().end}; }
  int line_of(std::uint32_t offset) const {
    return 1 + static_cast<int>(std::count(src_.text.begin(), src_.text.begin() + offset, '\n'));
  }

  const Source& src_;
  Parser p_;
  std::string function_;  // the function being parsed
  int statements_ = 0;    // in function_, see kMaxStatementsPerFunction
  int block_depth_ = 0;   // see kMaxBlockDepth
  int loop_depth_ = 0;    // loops around the current statement, for break and continue
};

std::uint32_t end_of(const ast::Block& block, std::uint32_t otherwise) {
  return block.empty() ? otherwise : block.back()->range.end;
}

// module = (docstring | import_stmts | decorator* funcdef)* END
// docstring = STRING+ NEWLINE
// A string statement before anything else is the module's docstring; later ones are ignored, as
// Python ignores them. Other statements belong in a function.
ast::Module ModuleParser::parse_module() {
  ast::Module m;
  bool at_start = true;
  while (peek().kind != Tok::End) {
    switch (peek().kind) {
      case Tok::Newline: p_.advance(); break;
      case Tok::KwImport:
      case Tok::KwFrom: parse_import_stmts(m); break;
      case Tok::At:
      case Tok::KwDef: {
        std::vector<ast::Decorator> decorators;
        while (peek().kind == Tok::At) decorators.push_back(parse_decorator());
        ast::FunctionDef f = parse_funcdef(std::move(decorators));
        for (const ast::FunctionDef& g : m.functions) {
          if (g.name == f.name) {
            fail(f.name_range, "function '" + f.name + "' is already defined on line " +
                                   std::to_string(line_of(g.name_range.begin)));
          }
        }
        m.functions.push_back(std::move(f));
        break;
      }
      case Tok::String: {
        std::uint32_t begin = peek().range.begin;
        ast::ExprPtr e = p_.parse_expr();
        const auto* doc = e->as<ast::BytesLit>();
        if (!doc) {
          fail(from(begin), "statements outside a function are not supported in kernels; a module holds only "
                            "'def's and imports");
        }
        if (at_start) m.docstring = doc->value;
        if (!p_.accept(Tok::Newline)) p_.fail_after_operand("the end of the line");
        break;
      }
      default: fail_at_module_level();
    }
    at_start = false;
  }
  return m;
}

void ModuleParser::fail_at_module_level() const {
  const Token& t = peek();
  std::string word(t.text);
  reject_unsupported_word();
  switch (t.kind) {
    case Tok::Indent: fail(t.range, "unexpected indent");
    case Tok::KwReturn: fail(t.range, "'return' outside function");
    case Tok::KwBreak: fail(t.range, "'break' outside loop");
    case Tok::KwContinue: fail(t.range, "'continue' not properly in loop");
    case Tok::KwElse:
    case Tok::KwElif: fail(t.range, "'" + word + "' without a matching 'if'");
    case Tok::KwIf:
    case Tok::KwWhile:
    case Tok::KwFor:
      fail(t.range, "'" + word + "' statements outside a function are not supported in kernels; a module holds only "
                                 "'def's and imports");
    default:
      fail(t.range,
           "statements outside a function are not supported in kernels; a module holds only 'def's and imports");
  }
}

// import_stmts = import_stmt (";" import_stmt)* ";"? NEWLINE
void ModuleParser::parse_import_stmts(ast::Module& m) {
  while (true) {
    parse_import_stmt(m);
    if (p_.accept(Tok::Semicolon)) {
      if (p_.accept(Tok::Newline)) return;
      if (peek().kind != Tok::KwImport && peek().kind != Tok::KwFrom) fail_at_module_level();
      continue;
    }
    if (p_.accept(Tok::Newline)) return;
    p_.fail_unexpected("',' or the end of the line");
  }
}

// import_stmt = "import" NAME ("as" NAME)? ("," NAME ("as" NAME)?)* | "from" NAME "import" import_names
// The modules are Language.h's importable ones; numpy alone may be renamed (to np).
void ModuleParser::parse_import_stmt(ast::Module& m) {
  Token kw = p_.advance();
  bool is_from = kw.kind == Tok::KwFrom;
  std::size_t first = m.imports.size();
  do {
    if (peek().kind == Tok::Dot) fail(peek().range, "relative imports are not supported in kernels");
    Token module = p_.expect(Tok::Identifier, "a module name");
    std::string name(module.text);
    if (peek().kind == Tok::Dot || !is_importable(name)) {
      std::string dotted = name;
      while (p_.accept(Tok::Dot)) dotted += "." + std::string(p_.expect(Tok::Identifier, "a module name").text);
      fail(from(module.range.begin),
           "importing '" + dotted + "' is not supported in kernels; a kernel may import " + importable_modules_text());
    }
    ast::Import import{name, module.range, {}, {}, is_from, {}};
    if (is_from) {
      p_.expect(Tok::KwImport, "'import'");
      parse_import_names(import);
      m.imports.push_back(std::move(import));
      break;
    }
    if (p_.accept(Tok::KwAs)) {
      Token alias = p_.expect(Tok::Identifier, "a name after 'as'");
      if (name != "numpy" || alias.text != "np") {
        fail(from(module.range.begin), "'import " + name + " as " + std::string(alias.text) +
                                           "' is not supported in kernels; only 'import numpy as np' renames a module");
      }
      import.alias = alias.text;
    }
    m.imports.push_back(std::move(import));
  } while (p_.accept(Tok::Comma));
  for (std::size_t i = first; i < m.imports.size(); ++i) m.imports[i].range = from(kw.range.begin);
}

// import_names = NAME ("," NAME)* | "(" NAME ("," NAME)* ","? ")"
// From random only random and uniform, from numba only jit, njit and prange; no '*', no 'as'.
void ModuleParser::parse_import_names(ast::Import& import) {
  bool parenthesized = p_.accept(Tok::LParen);
  do {
    if (parenthesized && peek().kind == Tok::RParen) break;
    if (peek().kind == Tok::Star) {
      fail(peek().range,
           "'from " + import.module + " import *' is not supported in kernels; import the functions by name");
    }
    Token name = p_.expect(Tok::Identifier, "a name to import");
    std::string n(name.text);
    if (import.module == "random" && n != "random" && n != "uniform") {
      fail(name.range, "'" + n + "' cannot be imported from random in kernels; only random and uniform");
    }
    if (import.module == "numba" && n != "jit" && n != "njit" && n != "prange") {
      fail(name.range, "'" + n + "' cannot be imported from numba in kernels; only jit, njit and prange");
    }
    if (peek().kind == Tok::KwAs) {
      fail(peek().range, "'as' in a 'from' import is not supported in kernels; import the name itself");
    }
    import.names.push_back({n, name.range});
  } while (p_.accept(Tok::Comma));
  if (parenthesized) p_.expect(Tok::RParen, "',' or ')' after a name to import");
}

// decorator = "@" NAME ("." NAME)* ("(" arguments ")")? NEWLINE
// The name is jit or njit, with or without "numba."; the arguments are kept as a call. They change
// nothing: every kernel is compiled in nopython mode.
ast::Decorator ModuleParser::parse_decorator() {
  Token at = p_.advance();
  ast::Decorator d;
  Token name = p_.expect(Tok::Identifier, "a decorator name after '@'");
  std::string dotted(name.text);
  while (p_.accept(Tok::Dot)) {
    name = p_.expect(Tok::Identifier, "a name after '.'");
    dotted += "." + std::string(name.text);
  }
  if (dotted != "jit" && dotted != "njit" && dotted != "numba.jit" && dotted != "numba.njit") {
    fail(from(at.range.begin), "decorator '@" + dotted + "' is not supported in kernels; use @njit or @jit, or none");
  }
  if (dotted.size() > name.text.size()) d.module = "numba";
  d.expr = std::make_unique<ast::Name>(name.range, std::string(name.text));
  if (peek().kind == Tok::LParen) d.expr = p_.parse_call_of(std::move(d.expr));
  d.range = from(at.range.begin);
  if (!p_.accept(Tok::Newline)) p_.fail_after_operand("the end of the line after a decorator");
  return d;
}

// funcdef = "def" NAME "(" (parameter ("," parameter)* ","?)? ")" ("->" annotation)? ":" block
ast::FunctionDef ModuleParser::parse_funcdef(std::vector<ast::Decorator> decorators) {
  if (peek().kind != Tok::KwDef) {
    reject_unsupported_word();
    p_.fail_unexpected("'def' after a decorator");
  }
  Token kw = p_.advance();
  ast::FunctionDef f;
  f.decorators = std::move(decorators);
  Token name = p_.expect(Tok::Identifier, "a function name after 'def'");
  f.name = name.text;
  f.name_range = name.range;
  p_.expect(Tok::LParen, "'(' after the function name");
  while (peek().kind != Tok::RParen) {
    f.params.push_back(parse_parameter(f.params));
    if (!p_.accept(Tok::Comma)) break;
  }
  p_.expect(Tok::RParen, "',' or ')' in the parameter list");
  if (p_.accept(Tok::Arrow)) f.returns = parse_annotation(true);
  expect_colon(false);
  function_ = f.name;
  statements_ = 0;
  f.body = parse_block(kw.range, "function definition");
  f.range = {kw.range.begin, f.body.back()->range.end};
  // The docstring: a leading statement that is one string literal.
  if (const auto* s = f.body.front()->as<ast::ExprStmt>()) {
    if (const auto* doc = s->value->as<ast::BytesLit>()) {
      f.docstring = doc->value;
      f.body.erase(f.body.begin());
    }
  }
  return f;
}

// parameter = NAME (":" annotation)?
// No defaults, no '*args', '**kwargs' or markers: a kernel's arguments are positional.
ast::Param ModuleParser::parse_parameter(const std::vector<ast::Param>& before) {
  const Token& t = peek();
  if (t.kind == Tok::Star || t.kind == Tok::StarStar || t.kind == Tok::Slash) {
    fail(t.range, "'" + std::string(t.text) + "' in a parameter list is not supported in kernels");
  }
  Token name = p_.expect(Tok::Identifier, "a parameter name");
  ast::Param param{std::string(name.text), std::nullopt, name.range};
  for (const ast::Param& other : before) {
    if (other.name == param.name) fail(name.range, "duplicate parameter '" + param.name + "'");
  }
  if (p_.accept(Tok::Colon)) param.annotation = parse_annotation(false);
  if (peek().kind == Tok::Assign) fail(peek().range, "default parameter values are not supported in kernels");
  param.range = from(name.range.begin);
  return param;
}

// annotation = NAME ("[" ":" ("," ":")* ","? "]")?
// NAME is a dtype (kTypeNames); a return annotation may also be None.
ast::TypeAnnotation ModuleParser::parse_annotation(bool is_return) {
  const Token& t = peek();
  if (is_return && t.kind == Tok::KwNone) return {"None", 0, p_.advance().range};
  if (t.kind == Tok::String) {
    fail(t.range, "string annotations are not supported in kernels; write the type, as in float64[:]");
  }
  Token name = p_.expect(Tok::Identifier, "a type such as float64 or int64[:]");
  std::string n(name.text);
  if (peek().kind == Tok::Dot) {
    p_.advance();
    std::string attr(p_.expect(Tok::Identifier, "a name after '.'").text);
    if (is_type_name(attr)) {
      fail(from(name.range.begin), "write '" + attr + "' rather than '" + n + "." + attr + "' in an annotation");
    }
    n += "." + attr;
    name.range = from(name.range.begin);
  }
  if (!is_type_name(n)) {
    fail(name.range, "unknown type '" + n + "' in annotation; use a dtype such as float64, int64, complex128 or bool, "
                                            "with [:] for each array dimension");
  }
  int rank = 0;
  if (p_.accept(Tok::LBracket)) {
    do {
      if (peek().kind == Tok::RBracket && rank > 0) break;
      if (peek().kind != Tok::Colon) {
        fail(peek().range, "an array annotation has one ':' per dimension, as in float64[:, :]");
      }
      Token colon = p_.advance();
      if (peek().kind == Tok::Colon) {
        fail(join(colon.range, peek().range), "layout specifiers such as '::1' are not supported in annotations; "
                                              "write one ':' per dimension");
      }
      if (++rank > kMaxRank) {
        fail(colon.range, "an array annotation has at most " + std::to_string(kMaxRank) + " dimensions");
      }
    } while (p_.accept(Tok::Comma));
    p_.expect(Tok::RBracket, "',' or ']' in the array annotation");
  }
  return {std::move(n), rank, from(name.range.begin)};
}

// block = simple_stmts | NEWLINE INDENT statement+ DEDENT
// `intro` is the keyword that opens the block, `what` names its statement in errors.
ast::Block ModuleParser::parse_block(SourceRange intro, std::string_view what) {
  enter_block(intro);
  ast::Block block;
  if (!p_.accept(Tok::Newline)) {
    parse_simple_stmts(block);
  } else {
    if (!p_.accept(Tok::Indent)) fail_empty_block(intro, what);
    while (!p_.accept(Tok::Dedent)) parse_statement(block);
  }
  --block_depth_;
  return block;
}

void ModuleParser::enter_block(SourceRange intro) {
  if (++block_depth_ > kMaxBlockDepth) {
    fail(intro, "blocks are nested too deeply (the limit is " + std::to_string(kMaxBlockDepth) + " levels)");
  }
}

void ModuleParser::fail_empty_block(SourceRange intro, std::string_view what) const {
  fail(peek().range, "expected an indented block after " + std::string(what) + " on line " +
                         std::to_string(line_of(intro.begin)));
}

void ModuleParser::count_statement(SourceRange at) {
  if (++statements_ > kMaxStatementsPerFunction) {
    fail(at, "function '" + function_ + "' is too long (the limit is " + std::to_string(kMaxStatementsPerFunction) +
                 " statements)");
  }
}

// statement = if_stmt | while_stmt | for_stmt | simple_stmts
void ModuleParser::parse_statement(ast::Block& out) {
  switch (peek().kind) {
    case Tok::KwIf: out.push_back(parse_if()); return;
    case Tok::KwWhile: out.push_back(parse_while()); return;
    case Tok::KwFor: out.push_back(parse_for()); return;
    default: parse_simple_stmts(out); return;
  }
}

// simple_stmts = simple_stmt (";" simple_stmt)* ";"? NEWLINE
void ModuleParser::parse_simple_stmts(ast::Block& out) {
  while (true) {
    out.push_back(parse_simple_stmt());
    if (p_.accept(Tok::Semicolon)) {
      if (p_.accept(Tok::Newline)) return;
      continue;
    }
    if (p_.accept(Tok::Newline)) return;
    ast::StmtKind k = out.back()->kind;
    bool keyword_only = k == ast::StmtKind::Pass || k == ast::StmtKind::Break || k == ast::StmtKind::Continue ||
                        (k == ast::StmtKind::Return && !out.back()->cast<ast::Return>().value);
    if (keyword_only) p_.fail_unexpected("the end of the line");
    p_.fail_after_operand("an operator or the end of the line");
  }
}

// Statements that cannot start here: Python's constructs outside the kernel language, a compound
// statement after ':' or ';' on the same line, and the words that belong to another statement.
void ModuleParser::reject_in_function() const {
  const Token& t = peek();
  std::string word(t.text);
  reject_unsupported_word();
  switch (t.kind) {
    case Tok::Indent: fail(t.range, "unexpected indent");
    case Tok::KwIf:
    case Tok::KwWhile:
    case Tok::KwFor:
      fail(t.range,
           std::string(t.kind == Tok::KwIf ? "an '" : "a '") + word + "' statement must start on a line of its own");
    case Tok::KwElse:
    case Tok::KwElif: fail(t.range, "'" + word + "' without a matching 'if'");
    case Tok::KwDef:
    case Tok::At: fail(t.range, "nested functions are not supported in kernels; define each function at the top level");
    case Tok::KwImport:
    case Tok::KwFrom:
      fail(t.range, "imports inside a function are not supported in kernels; import at the top of the module");
    default: return;
  }
}

// simple_stmt = "pass" | "break" | "continue" | return_stmt | expr_stmt
ast::StmtPtr ModuleParser::parse_simple_stmt() {
  count_statement(peek().range);
  reject_in_function();
  switch (peek().kind) {
    case Tok::KwPass: return std::make_unique<ast::Pass>(p_.advance().range);
    case Tok::KwBreak:
      if (loop_depth_ == 0) fail(peek().range, "'break' outside loop");
      return std::make_unique<ast::Break>(p_.advance().range);
    case Tok::KwContinue:
      if (loop_depth_ == 0) fail(peek().range, "'continue' not properly in loop");
      return std::make_unique<ast::Continue>(p_.advance().range);
    case Tok::KwReturn: return parse_return();
    default: return parse_expr_stmt();
  }
}

// return_stmt = "return" exprlist?
ast::StmtPtr ModuleParser::parse_return() {
  Token kw = p_.advance();
  ast::ExprPtr value;
  if (!ends_exprlist(peek().kind)) value = parse_value();
  return std::make_unique<ast::Return>(from(kw.range.begin), std::move(value));
}

// expr_stmt = exprlist (":" annotation ("=" exprlist)? | augassign exprlist | ("=" exprlist)*)
// In `a = b = v` the targets are a and b, the value v.
ast::StmtPtr ModuleParser::parse_expr_stmt() {
  std::uint32_t begin = peek().range.begin;
  ast::ExprPtr first = parse_exprlist();
  if (peek().kind == Tok::Colon) {
    if (!first->as<ast::Name>()) fail(first->range, "only a variable can be annotated, as in 'x: float64 = 0.0'");
    p_.advance();
    ast::TypeAnnotation annotation = parse_annotation(false);
    ast::ExprPtr value;
    if (p_.accept(Tok::Assign)) value = parse_value();
    return std::make_unique<ast::AnnAssign>(from(begin), std::move(first), std::move(annotation), std::move(value));
  }
  BinOp op;
  if (augmented_op(peek().kind, op)) {
    if (first->as<ast::Tuple>()) {
      fail(first->range, "augmented assignment needs one variable or element as its target, not a tuple");
    }
    check_target(*first, false);
    SourceRange op_range = p_.advance().range;
    ast::ExprPtr value = parse_value();
    return std::make_unique<ast::AugAssign>(from(begin), std::move(first), op, op_range, std::move(value));
  }
  if (peek().kind != Tok::Assign) return std::make_unique<ast::ExprStmt>(from(begin), std::move(first));
  std::vector<ast::ExprPtr> targets;
  ast::ExprPtr value = std::move(first);
  while (p_.accept(Tok::Assign)) {
    check_target(*value, false);
    targets.push_back(std::move(value));
    value = parse_value();
  }
  return std::make_unique<ast::Assign>(from(begin), std::move(targets), std::move(value));
}

// A target of '=': a Name, a Subscript, or a Tuple of those.
void ModuleParser::check_target(const ast::Expr& target, bool in_tuple) const {
  switch (target.kind) {
    case ast::ExprKind::Name:
      if (target.cast<ast::Name>().id == "None") fail(target.range, "cannot assign to None");
      return;
    case ast::ExprKind::Subscript: return;
    case ast::ExprKind::Tuple:
      if (in_tuple) fail(target.range, "nested tuple targets are not supported in kernels");
      for (const ast::ExprPtr& e : target.cast<ast::Tuple>().elements) check_target(*e, true);
      return;
    case ast::ExprKind::BoolLit:
      fail(target.range, target.cast<ast::BoolLit>().value ? "cannot assign to True" : "cannot assign to False");
    case ast::ExprKind::IntLit:
    case ast::ExprKind::FloatLit:
    case ast::ExprKind::ImagLit:
    case ast::ExprKind::BytesLit: fail(target.range, "cannot assign to a literal");
    case ast::ExprKind::Call: fail(target.range, "cannot assign to a function call");
    case ast::ExprKind::Attribute: fail(target.range, "cannot assign to an attribute");
    case ast::ExprKind::List: fail(target.range, "list targets are not supported in kernels; use a tuple, as in a, b = b, a");
    case ast::ExprKind::Unary:
    case ast::ExprKind::Binary:
    case ast::ExprKind::BoolOp:
    case ast::ExprKind::Not:
    case ast::ExprKind::IfExp: fail(target.range, "cannot assign to an expression");
  }
}

// if_stmt = "if" expression ":" block ("elif" expression ":" block)* ("else" ":" block)?
// An elif is an if alone in the else block, so each one is a level of block nesting.
ast::StmtPtr ModuleParser::parse_if() {
  count_statement(peek().range);
  Token kw = p_.advance();
  std::string what = "'" + std::string(kw.text) + "' statement";
  ast::ExprPtr cond = p_.parse_expr();
  expect_colon(true);
  ast::Block then_body = parse_block(kw.range, what);
  ast::Block else_body;
  if (peek().kind == Tok::KwElif) {
    enter_block(peek().range);
    else_body.push_back(parse_if());
    --block_depth_;
  } else if (peek().kind == Tok::KwElse) {
    Token else_kw = p_.advance();
    expect_colon(false);
    else_body = parse_block(else_kw.range, "'else' statement");
  }
  std::uint32_t end = end_of(else_body, end_of(then_body, kw.range.end));
  return std::make_unique<ast::If>(SourceRange{kw.range.begin, end}, std::move(cond), std::move(then_body),
                                   std::move(else_body));
}

// while_stmt = "while" expression ":" block
// Python's `while ... else` is rejected by name.
ast::StmtPtr ModuleParser::parse_while() {
  count_statement(peek().range);
  Token kw = p_.advance();
  ast::ExprPtr cond = p_.parse_expr();
  expect_colon(true);
  ++loop_depth_;
  ast::Block body = parse_block(kw.range, "'while' statement");
  --loop_depth_;
  if (peek().kind == Tok::KwElse) fail(peek().range, "'while ... else' is not supported in kernels");
  std::uint32_t end = end_of(body, kw.range.end);
  return std::make_unique<ast::While>(SourceRange{kw.range.begin, end}, std::move(cond), std::move(body));
}

// for_stmt = "for" NAME "in" expression ":" block
// Python's `for ... else` is rejected by name.
ast::StmtPtr ModuleParser::parse_for() {
  count_statement(peek().range);
  Token kw = p_.advance();
  const char* one_name = "a 'for' loop has one variable, as in 'for i in range(n)'";
  if (peek().kind != Tok::Identifier) {
    if (peek().kind == Tok::LParen) fail(peek().range, one_name);
    p_.fail_unexpected("a loop variable after 'for'");
  }
  Token var = p_.advance();
  if (peek().kind == Tok::Comma || peek().kind == Tok::LBracket || peek().kind == Tok::Dot) {
    fail(join(var.range, peek().range), one_name);
  }
  p_.expect(Tok::KwIn, "'in' after the loop variable");
  ast::ExprPtr iter = p_.parse_expr();
  expect_colon(true);
  ++loop_depth_;
  ast::Block body = parse_block(kw.range, "'for' statement");
  --loop_depth_;
  if (peek().kind == Tok::KwElse) fail(peek().range, "'for ... else' is not supported in kernels");
  std::uint32_t end = end_of(body, kw.range.end);
  return std::make_unique<ast::For>(SourceRange{kw.range.begin, end}, std::string(var.text), var.range, std::move(iter),
                                    std::move(body));
}

// A missing ':' at the end of a line is reported where it belongs, just after the last token.
void ModuleParser::expect_colon(bool after_expression) {
  if (p_.accept(Tok::Colon)) return;
  if (peek().kind == Tok::Newline || peek().kind == Tok::End) {
    std::uint32_t at = p_.prev_range().end;
    fail({at, at + 1}, "expected ':'");
  }
  if (after_expression) p_.fail_after_operand("':'");
  p_.fail_unexpected("':'");
}

// exprlist = expression ("," expression)* ","?
// Two or more expressions, or one with a comma after it, make a Tuple.
ast::ExprPtr ModuleParser::parse_exprlist() {
  std::uint32_t begin = peek().range.begin;
  ast::ExprPtr first = p_.parse_expr();
  if (peek().kind != Tok::Comma) return first;
  std::vector<ast::ExprPtr> elements;
  elements.push_back(std::move(first));
  while (p_.accept(Tok::Comma) && !ends_exprlist(peek().kind)) elements.push_back(p_.parse_expr());
  return std::make_unique<ast::Tuple>(from(begin), std::move(elements));
}

// value = exprlist
// The value of an assignment or a return, where Python's yield, await and lambda are named.
ast::ExprPtr ModuleParser::parse_value() {
  reject_unsupported_word();
  return parse_exprlist();
}

void ModuleParser::reject_unsupported_word() const {
  if (std::string_view w = unsupported_word(peek().kind); !w.empty()) {
    fail(peek().range, "'" + std::string(w) + "' is not supported in kernels");
  }
}

}  // namespace

ast::Module parse_module(const Source& src) {
  if (src.text.size() > kMaxModuleLength) {
    fail_at(ErrorKind::Syntax, src, {0, 1},
            "module is too long (" + std::to_string(src.text.size()) + " characters; the limit is " +
                std::to_string(kMaxModuleLength) + ")");
  }
  ModuleParser parser(src);
  return parser.parse_module();
}

}  // namespace jitexpr
