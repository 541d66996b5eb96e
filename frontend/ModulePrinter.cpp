// Canonical printing of kernel modules (see ModulePrinter.h).
#include "frontend/ModulePrinter.h"

#include "frontend/AstPrinter.h"

#include <fmt/format.h>

namespace jitexpr {

namespace {

constexpr int kIndentWidth = 4;

std::string expr(const ast::Expr& e) { return print_expr(e, CallPrefixes::Keep); }

// A tuple of two or more elements without its parentheses, as `a, b = b, a` and `return x, y`
// write it; anything else as an expression.
std::string exprlist(const ast::Expr& e) {
  const auto* t = e.as<ast::Tuple>();
  if (!t || t->elements.size() < 2) return expr(e);
  std::string out;
  for (const ast::ExprPtr& element : t->elements) {
    if (!out.empty()) out += ", ";
    out += expr(*element);
  }
  return out;
}

std::string annotation(const ast::TypeAnnotation& a) {
  std::string out = a.name;
  for (int i = 0; i < a.rank; ++i) out += i == 0 ? "[:" : ", :";
  return a.rank > 0 ? out + "]" : out;
}

// A docstring as a triple-quoted literal that the lexer reads back to the same bytes: newlines stay,
// backslashes and every double quote are escaped, other control characters become \x escapes.
std::string docstring(const std::string& value) {
  std::string out = "\"\"\"";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if ((u < 0x20 && c != '\n') || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"\"\"";
}

void line(std::string& out, int depth, const std::string& text) {
  out.append(static_cast<std::size_t>(depth * kIndentWidth), ' ');
  out += text;
  out += '\n';
}

void print_block(const ast::Block& block, int depth, std::string& out);

// An elif chain prints flat, so the printer's recursion follows the blocks, not the chain.
void print_if(const ast::If& first, int depth, std::string& out) {
  const ast::If* s = &first;
  std::string keyword = "if";
  while (true) {
    line(out, depth, keyword + " " + expr(*s->cond) + ":");
    print_block(s->then_body, depth + 1, out);
    if (s->else_body.empty()) return;
    if (s->else_body.size() == 1 && s->else_body.front()->kind == ast::StmtKind::If) {
      s = &s->else_body.front()->cast<ast::If>();
      keyword = "elif";
      continue;
    }
    line(out, depth, "else:");
    print_block(s->else_body, depth + 1, out);
    return;
  }
}

void print_stmt(const ast::Stmt& s, int depth, std::string& out) {
  switch (s.kind) {
    case ast::StmtKind::ExprStmt: line(out, depth, exprlist(*s.cast<ast::ExprStmt>().value)); return;
    case ast::StmtKind::Assign: {
      const auto& a = s.cast<ast::Assign>();
      std::string text;
      for (const ast::ExprPtr& target : a.targets) text += exprlist(*target) + " = ";
      line(out, depth, text + exprlist(*a.value));
      return;
    }
    case ast::StmtKind::AugAssign: {
      const auto& a = s.cast<ast::AugAssign>();
      line(out, depth, expr(*a.target) + " " + std::string(binop_spelling(a.op)) + "= " + exprlist(*a.value));
      return;
    }
    case ast::StmtKind::AnnAssign: {
      const auto& a = s.cast<ast::AnnAssign>();
      std::string text = expr(*a.target) + ": " + annotation(a.annotation);
      if (a.value) text += " = " + exprlist(*a.value);
      line(out, depth, text);
      return;
    }
    case ast::StmtKind::If: print_if(s.cast<ast::If>(), depth, out); return;
    case ast::StmtKind::While: {
      const auto& w = s.cast<ast::While>();
      line(out, depth, "while " + expr(*w.cond) + ":");
      print_block(w.body, depth + 1, out);
      return;
    }
    case ast::StmtKind::For: {
      const auto& f = s.cast<ast::For>();
      line(out, depth, "for " + f.var + " in " + expr(*f.iter) + ":");
      print_block(f.body, depth + 1, out);
      return;
    }
    case ast::StmtKind::Break: line(out, depth, "break"); return;
    case ast::StmtKind::Continue: line(out, depth, "continue"); return;
    case ast::StmtKind::Return: {
      const auto& r = s.cast<ast::Return>();
      line(out, depth, r.value ? "return " + exprlist(*r.value) : "return");
      return;
    }
    case ast::StmtKind::Pass: line(out, depth, "pass"); return;
  }
}

void print_block(const ast::Block& block, int depth, std::string& out) {
  for (const ast::StmtPtr& s : block) print_stmt(*s, depth, out);
}

void print_function(const ast::FunctionDef& f, std::string& out) {
  for (const ast::Decorator& d : f.decorators) {
    line(out, 0, "@" + (d.module.empty() ? "" : d.module + ".") + expr(*d.expr));
  }
  std::string head = "def " + f.name + "(";
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    if (i) head += ", ";
    head += f.params[i].name;
    if (f.params[i].annotation) head += ": " + annotation(*f.params[i].annotation);
  }
  head += ")";
  if (f.returns) head += " -> " + annotation(*f.returns);
  line(out, 0, head + ":");
  if (f.docstring) line(out, 1, docstring(*f.docstring));
  print_block(f.body, 1, out);
}

std::string import_line(const ast::Import& i) {
  if (!i.is_from) return "import " + i.module + (i.alias.empty() ? "" : " as " + i.alias);
  std::string out = "from " + i.module + " import ";
  for (std::size_t k = 0; k < i.names.size(); ++k) out += (k ? ", " : "") + i.names[k].name;
  return out;
}

}  // namespace

// Layout: the docstring, the imports, then each function, with a blank line between these parts
// and between functions.
std::string print_module(const ast::Module& m) {
  std::string out;
  auto separate = [&] {
    if (!out.empty()) out += '\n';
  };
  if (m.docstring) line(out, 0, docstring(*m.docstring));
  if (!m.imports.empty()) {
    separate();
    for (const ast::Import& i : m.imports) line(out, 0, import_line(i));
  }
  for (const ast::FunctionDef& f : m.functions) {
    separate();
    print_function(f, out);
  }
  return out;
}

}  // namespace jitexpr
