// Canonical printing of expressions (see AstPrinter.h).
#include "frontend/AstPrinter.h"

#include <fmt/format.h>

#include <cmath>

namespace jitexpr {

namespace {

std::string format_float(double v) {
  if (std::isinf(v)) return v > 0 ? "1e999" : "-1e999";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string format_bytes(const std::string& value) {
  std::string out = "b'";
  for (unsigned char c : value) {
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out + "'";
}

Prec prec_of(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Binary: return binop_prec(e.cast<ast::Binary>().op);
    case ast::ExprKind::Unary: return Prec::Unary;
    case ast::ExprKind::IntLit: return e.cast<ast::IntLit>().value < 0 ? Prec::Unary : Prec::Postfix;
    case ast::ExprKind::FloatLit: return e.cast<ast::FloatLit>().value < 0 ? Prec::Unary : Prec::Postfix;
    case ast::ExprKind::ImagLit:
    case ast::ExprKind::BoolLit:
    case ast::ExprKind::BytesLit:
    case ast::ExprKind::Name:
    case ast::ExprKind::Call:
    case ast::ExprKind::Attribute:
    case ast::ExprKind::Subscript:
    case ast::ExprKind::Tuple:
    case ast::ExprKind::List: return Prec::Postfix;
    case ast::ExprKind::BoolOp:
    case ast::ExprKind::Not:
    case ast::ExprKind::IfExp: return Prec::Lowest;
  }
  return Prec::Postfix;
}

void print(const ast::Expr& e, CallPrefixes prefixes, std::string& out);

void print_child(const ast::Expr& child, bool parens, CallPrefixes prefixes, std::string& out) {
  if (parens) out += '(';
  print(child, prefixes, out);
  if (parens) out += ')';
}

void print(const ast::Expr& e, CallPrefixes prefixes, std::string& out) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: out += std::to_string(e.cast<ast::IntLit>().value); return;
    case ast::ExprKind::FloatLit: out += format_float(e.cast<ast::FloatLit>().value); return;
    case ast::ExprKind::ImagLit: {
      std::string s = format_float(e.cast<ast::ImagLit>().value);
      if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
      out += s + "j";
      return;
    }
    case ast::ExprKind::BoolLit: out += e.cast<ast::BoolLit>().value ? "True" : "False"; return;
    case ast::ExprKind::BytesLit: out += format_bytes(e.cast<ast::BytesLit>().value); return;
    case ast::ExprKind::Name: out += e.cast<ast::Name>().id; return;
    case ast::ExprKind::Unary: {
      const auto& u = e.cast<ast::Unary>();
      out += unaryop_spelling(u.op);
      print_child(*u.operand, prec_of(*u.operand) < Prec::Unary, prefixes, out);
      return;
    }
    case ast::ExprKind::Binary: {
      const auto& b = e.cast<ast::Binary>();
      Prec p = binop_prec(b.op);
      // Left-associative operators need parentheses for an equal-precedence right child; `**`
      // is right-associative and needs them on the left (and around a unary base).
      // Comparisons do not chain, so a comparison operand of either side needs them too.
      bool right_assoc = b.op == BinOp::Pow;
      bool lparen = right_assoc || p == Prec::Compare ? prec_of(*b.lhs) <= p : prec_of(*b.lhs) < p;
      bool rparen = right_assoc ? prec_of(*b.rhs) < Prec::Unary : prec_of(*b.rhs) <= p;
      print_child(*b.lhs, lparen, prefixes, out);
      out += ' ';
      out += binop_spelling(b.op);
      out += ' ';
      print_child(*b.rhs, rparen, prefixes, out);
      return;
    }
    case ast::ExprKind::Call: {
      const auto& c = e.cast<ast::Call>();
      if (prefixes == CallPrefixes::Keep && !c.prefix.empty()) out += c.prefix + ".";
      out += c.callee;
      out += '(';
      bool first = true;
      for (const auto& a : c.args) {
        if (!first) out += ", ";
        first = false;
        print(*a, prefixes, out);
      }
      for (const auto& k : c.keywords) {
        if (!first) out += ", ";
        first = false;
        out += k.name + "=";
        print(*k.value, prefixes, out);
      }
      out += ')';
      return;
    }
    case ast::ExprKind::Attribute: {
      const auto& a = e.cast<ast::Attribute>();
      // `1.real` would lex as the float `1.` followed by a name.
      print_child(*a.object, prec_of(*a.object) < Prec::Postfix || a.object->as<ast::IntLit>(), prefixes, out);
      out += '.';
      out += a.attr;
      return;
    }
    case ast::ExprKind::Subscript: {
      const auto& s = e.cast<ast::Subscript>();
      print_child(*s.object, prec_of(*s.object) < Prec::Postfix, prefixes, out);
      out += '[';
      for (std::size_t i = 0; i < s.indices.size(); ++i) {
        if (i) out += ", ";
        print(*s.indices[i], prefixes, out);
      }
      out += ']';
      return;
    }
    case ast::ExprKind::Tuple: {
      const auto& t = e.cast<ast::Tuple>();
      out += '(';
      for (std::size_t i = 0; i < t.elements.size(); ++i) {
        if (i) out += ", ";
        print(*t.elements[i], prefixes, out);
      }
      out += t.elements.size() == 1 ? ",)" : ")";
      return;
    }
    case ast::ExprKind::List: {
      const auto& l = e.cast<ast::List>();
      out += '[';
      for (std::size_t i = 0; i < l.elements.size(); ++i) {
        if (i) out += ", ";
        print(*l.elements[i], prefixes, out);
      }
      out += ']';
      return;
    }
    // The Python forms print their operands in parentheses when these are Python forms too.
    case ast::ExprKind::BoolOp: {
      const auto& b = e.cast<ast::BoolOp>();
      print_child(*b.lhs, prec_of(*b.lhs) == Prec::Lowest, prefixes, out);
      out += b.is_and ? " and " : " or ";
      print_child(*b.rhs, prec_of(*b.rhs) == Prec::Lowest, prefixes, out);
      return;
    }
    case ast::ExprKind::Not: {
      const auto& n = e.cast<ast::Not>();
      out += "not ";
      print_child(*n.operand, prec_of(*n.operand) == Prec::Lowest, prefixes, out);
      return;
    }
    case ast::ExprKind::IfExp: {
      const auto& i = e.cast<ast::IfExp>();
      print_child(*i.if_true, prec_of(*i.if_true) == Prec::Lowest, prefixes, out);
      out += " if ";
      print_child(*i.cond, prec_of(*i.cond) == Prec::Lowest, prefixes, out);
      out += " else ";
      print_child(*i.if_false, prec_of(*i.if_false) == Prec::Lowest, prefixes, out);
      return;
    }
  }
}

}  // namespace

std::string print_expr(const ast::Expr& e) { return print_expr(e, CallPrefixes::Drop); }

std::string print_expr(const ast::Expr& e, CallPrefixes prefixes) {
  std::string out;
  print(e, prefixes, out);
  return out;
}

}  // namespace jitexpr
