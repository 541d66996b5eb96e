// The kernel module parser (frontend/ModuleParser.h): the High Performance Python kernels written in
// the kernel language (tests/unit/data/kernels/), every statement kind, every error with its message
// and caret, the canonical printer (print -> parse -> print is a fixed point: it is the kernel
// cache's key) and the kernel limits of base/include/jitexpr/Limits.h.
#include "frontend/AstPrinter.h"
#include <jitexpr/Limits.h>
#include "frontend/ModuleParser.h"
#include "frontend/ModulePrinter.h"

#include <jitexpr/Array.h>
#include <jitexpr/Error.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace jitexpr;

ast::Module parse(const std::string& text) {
  Source src{"k.py", text};
  return parse_module(src);
}

std::string read_kernel(const std::string& name) {
  std::ifstream in(std::string(JITEXPR_SOURCE_DIR) + "/tests/unit/data/kernels/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<std::string> kKernels = {"julia.py",     "diffusion.py", "pi.py",
                                           "primes.py",    "particles.py", "norm.py"};

std::string ex(const ast::Expr& e) { return print_expr(e, CallPrefixes::Keep); }

std::string ann(const ast::TypeAnnotation& a) {
  std::string out = a.name;
  for (int i = 0; i < a.rank; ++i) out += i == 0 ? "[:" : ", :";
  return a.rank > 0 ? out + "]" : out;
}

// Statements as S-expressions, every node explicit: (= a b 0), (+= x 1), (if c [then] [else]),
// so that tests see the structure rather than the printing.
std::string dump(const ast::Block& block);
std::string dump(const ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::ExprStmt: return "(expr " + ex(*s.cast<ast::ExprStmt>().value) + ")";
    case ast::StmtKind::Assign: {
      const auto& a = s.cast<ast::Assign>();
      std::string out = "(=";
      for (const auto& t : a.targets) out += " " + ex(*t);
      return out + " " + ex(*a.value) + ")";
    }
    case ast::StmtKind::AugAssign: {
      const auto& a = s.cast<ast::AugAssign>();
      return fmt::format("({}= {} {})", binop_spelling(a.op), ex(*a.target), ex(*a.value));
    }
    case ast::StmtKind::AnnAssign: {
      const auto& a = s.cast<ast::AnnAssign>();
      return "(: " + ex(*a.target) + " " + ann(a.annotation) + (a.value ? " " + ex(*a.value) : "") + ")";
    }
    case ast::StmtKind::If: {
      const auto& i = s.cast<ast::If>();
      return "(if " + ex(*i.cond) + " " + dump(i.then_body) + (i.else_body.empty() ? "" : " " + dump(i.else_body)) + ")";
    }
    case ast::StmtKind::While: {
      const auto& w = s.cast<ast::While>();
      return "(while " + ex(*w.cond) + " " + dump(w.body) + ")";
    }
    case ast::StmtKind::For: {
      const auto& f = s.cast<ast::For>();
      return "(for " + f.var + " " + ex(*f.iter) + " " + dump(f.body) + ")";
    }
    case ast::StmtKind::Break: return "break";
    case ast::StmtKind::Continue: return "continue";
    case ast::StmtKind::Return: {
      const auto& r = s.cast<ast::Return>();
      return r.value ? "(return " + ex(*r.value) + ")" : "return";
    }
    case ast::StmtKind::Pass: return "pass";
  }
  return "?";
}
std::string dump(const ast::Block& block) {
  std::string out = "[";
  for (const auto& s : block) out += (out.size() > 1 ? " " : "") + dump(*s);
  return out + "]";
}

// A whole module, every part explicit: parsing the printed text must give back this same dump.
std::string dump(const ast::Module& m) {
  std::string out = m.docstring ? "doc:" + *m.docstring + "\n" : "";
  for (const ast::Import& i : m.imports) {
    out += (i.is_from ? "from " : "import ") + i.module + (i.alias.empty() ? "" : " as " + i.alias);
    for (const ast::ImportedName& n : i.names) out += " " + n.name;
    out += "\n";
  }
  for (const ast::FunctionDef& f : m.functions) {
    for (const ast::Decorator& d : f.decorators) out += "@" + d.module + ":" + ex(*d.expr) + "\n";
    out += "def " + f.name + "(";
    for (const ast::Param& p : f.params) out += p.name + (p.annotation ? ":" + ann(*p.annotation) : "") + " ";
    out += ")" + (f.returns ? "->" + ann(*f.returns) : "") + (f.docstring ? " doc:" + *f.docstring : "") + "\n";
    out += dump(f.body) + "\n";
  }
  return out;
}

// The body of a function holding `lines` (each indented by four spaces), as dump() writes it.
std::string body(const std::string& lines) {
  std::string src = "def f():\n";
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) src += "    " + line + "\n";
  ast::Module m = parse(src);
  EXPECT_EQ(m.functions.size(), 1u);
  return dump(m.functions.at(0).body);
}

std::string text_of(const std::string& src, SourceRange r) { return src.substr(r.begin, r.end - r.begin); }

// Parsing `text` fails with SyntaxError `message`, the caret at 1-based `line`:`column`.
void expect_error(const std::string& text, const std::string& message, int line, int column) {
  SCOPED_TRACE(text.substr(0, 400));
  try {
    parse(text);
    ADD_FAILURE() << "no error";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.message(), message);
    EXPECT_EQ(e.line(), line);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(std::string(e.what()).rfind(fmt::format("k.py:{}:{}: error: {}\n", line, column, message), 0), 0u)
        << e.what();
  }
}

// print(parse(text)) parses back to the same tree, which prints the same text.
std::string expect_fixed_point(const std::string& text) {
  SCOPED_TRACE(text.substr(0, 400));
  ast::Module m = parse(text);
  std::string once = print_module(m);
  ast::Module again;
  EXPECT_NO_THROW(again = parse(once)) << once;
  EXPECT_EQ(dump(again), dump(m));
  EXPECT_EQ(print_module(again), once);
  return once;
}

// ---------------------------------------------------------------------------------------------
// The High Performance Python kernels.

TEST(ModuleParserKernels, EveryKernelParsesAndPrintsToAFixedPoint) {
  for (const std::string& name : kKernels) {
    SCOPED_TRACE(name);
    std::string text = read_kernel(name);
    ast::Module m = parse(text);
    EXPECT_FALSE(m.functions.empty());
    ASSERT_TRUE(m.docstring.has_value());
    expect_fixed_point(text);
  }
}

TEST(ModuleParserKernels, JuliaSet) {
  std::string text = read_kernel("julia.py");
  ast::Module m = parse(text);
  EXPECT_EQ(m.docstring, "Julia set: escape-time iteration of z -> z * z + c (High Performance Python, chapter 2).");
  ASSERT_EQ(m.imports.size(), 1u);
  EXPECT_TRUE(m.imports[0].is_from);
  EXPECT_EQ(m.imports[0].module, "numba");
  ASSERT_EQ(m.imports[0].names.size(), 2u);
  EXPECT_EQ(m.imports[0].names[1].name, "prange");
  EXPECT_EQ(text_of(text, m.imports[0].range), "from numba import njit, prange");

  ASSERT_EQ(m.functions.size(), 2u);
  const ast::FunctionDef& f = m.functions[0];
  EXPECT_EQ(f.name, "calculate_z");
  ASSERT_EQ(f.decorators.size(), 1u);
  EXPECT_EQ(f.decorators[0].module, "");
  EXPECT_EQ(ex(*f.decorators[0].expr), "njit");
  ASSERT_EQ(f.params.size(), 4u);
  EXPECT_EQ(f.params[0].name, "maxiter");
  EXPECT_FALSE(f.params[0].annotation.has_value());
  ASSERT_TRUE(f.params[1].annotation.has_value());
  EXPECT_EQ(f.params[1].annotation->name, "complex128");
  EXPECT_EQ(f.params[1].annotation->rank, 1);
  EXPECT_EQ(text_of(text, f.params[3].range), "output: int64[:]");
  EXPECT_FALSE(f.returns.has_value());
  EXPECT_EQ(f.docstring, "For each point, the iterations before |z| reaches 2, at most maxiter.");
  EXPECT_EQ(dump(f.body),
            "[(for i range(len(zs)) [(= n 0) (= z zs[i]) (= c cs[i]) "
            "(while abs(z) < 2 [(if n >= maxiter [break]) (= z z * z + c) (+= n 1)]) (= output[i] n)])]");

  const ast::FunctionDef& g = m.functions[1];
  ASSERT_EQ(g.decorators.size(), 1u);
  EXPECT_EQ(ex(*g.decorators[0].expr), "njit(parallel=True)");
  EXPECT_EQ(text_of(text, g.decorators[0].range), "@njit(parallel=True)");
  ASSERT_EQ(g.body.size(), 1u);
  EXPECT_EQ(ex(*g.body[0]->cast<ast::For>().iter), "prange(len(zs))");
}

TEST(ModuleParserKernels, JuliaSetPrintsCanonically) {
  EXPECT_EQ(print_module(parse(read_kernel("julia.py"))),
            R"("""Julia set: escape-time iteration of z -> z * z + c (High Performance Python, chapter 2)."""

from numba import njit, prange

@njit
def calculate_z(maxiter, zs: complex128[:], cs: complex128[:], output: int64[:]):
    """For each point, the iterations before |z| reaches 2, at most maxiter."""
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2:
            if n >= maxiter:
                break
            z = z * z + c
            n += 1
        output[i] = n

@njit(parallel=True)
def calculate_z_parallel(maxiter: int64, zs: complex128[:], cs: complex128[:], output: int64[:]):
    for i in prange(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2:
            if n >= maxiter:
                break
            z = z * z + c
            n += 1
        output[i] = n
)");
}

TEST(ModuleParserKernels, DiffusionWithPeriodicIndexing) {
  ast::Module m = parse(read_kernel("diffusion.py"));
  ASSERT_EQ(m.imports.size(), 1u);
  EXPECT_EQ(m.imports[0].module, "numpy");
  EXPECT_EQ(m.imports[0].alias, "np");
  ASSERT_EQ(m.functions.size(), 2u);
  const ast::FunctionDef& evolve = m.functions[0];
  EXPECT_EQ(ann(*evolve.params[0].annotation), "float64[:, :]");
  EXPECT_EQ(evolve.returns->name, "None");
  EXPECT_EQ(dump(evolve.body),
            "[(= (xmax, ymax) (grid.shape[0], grid.shape[1])) "
            "(for i range(xmax) [(for j range(ymax) ["
            "(= grid_xx grid[(i + 1) % xmax, j] + grid[(i - 1) % xmax, j] - 2.0 * grid[i, j]) "
            "(= grid_yy grid[i, (j + 1) % ymax] + grid[i, (j - 1) % ymax] - 2.0 * grid[i, j]) "
            "(= out[i, j] grid[i, j] + D * (grid_xx + grid_yy) * dt)])])]");
  const ast::FunctionDef& run = m.functions[1];
  EXPECT_EQ(dump(*run.body[0]),
            "(for _ range(num_iterations) [(expr evolve(grid, 0.1, scratch, 1.0)) (= (grid, scratch) (scratch, grid))])");
  EXPECT_EQ(dump(*run.body.back()), "(return total)");
}

TEST(ModuleParserKernels, MonteCarloPiInAPrangeLoop) {
  ast::Module m = parse(read_kernel("pi.py"));
  ASSERT_EQ(m.imports.size(), 2u);
  EXPECT_EQ(m.imports[0].module, "random");
  EXPECT_FALSE(m.imports[0].is_from);
  ASSERT_EQ(m.functions.size(), 1u);
  const ast::FunctionDef& f = m.functions[0];
  EXPECT_EQ(f.returns->name, "float64");
  EXPECT_EQ(dump(f.body),
            "[(= inside 0) (for _ prange(nbr_samples) [(= x random.random()) (= y random.random()) "
            "(if x * x + y * y <= 1.0 [(+= inside 1)])]) (return 4.0 * inside / nbr_samples)]");
  // random.random() is a call of `random` with the module prefix kept.
  const auto& call = f.body[1]->cast<ast::For>().body[0]->cast<ast::Assign>().value->cast<ast::Call>();
  EXPECT_EQ(call.prefix, "random");
  EXPECT_EQ(call.callee, "random");
}

TEST(ModuleParserKernels, PrimesByTrialDivision) {
  ast::Module m = parse(read_kernel("primes.py"));
  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(dump(m.functions[0].body),
            "[(if number < 2 [(return False)]) (= sqrt_number math.sqrt(number)) "
            "(for i range(2, int(sqrt_number) + 1) [(if number % i == 0 [(return False)])]) (return True)]");
  EXPECT_EQ(ann(*m.functions[1].params[1].annotation), "bool[:]");
  EXPECT_EQ(dump(m.functions[1].body), "[(for k range(len(numbers)) [(= out[k] check_prime(numbers[k]))])]");
}

TEST(ModuleParserKernels, ParticleSimulatorEvolve) {
  ast::Module m = parse(read_kernel("particles.py"));
  ASSERT_EQ(m.functions.size(), 1u);
  EXPECT_TRUE(m.imports.empty());
  EXPECT_EQ(dump(m.functions[0].body),
            "[(= timestep 1e-05) (= nsteps int(dt / timestep)) (for i range(len(xs)) ["
            "(= (x, y) (xs[i], ys[i])) (= ang_vel ang_vels[i]) (for _ range(nsteps) ["
            "(= norm (x ** 2 + y ** 2) ** 0.5) (= v_x -y / norm) (= v_y x / norm) "
            "(= d_x timestep * ang_vel * v_x) (= d_y timestep * ang_vel * v_y) (+= x d_x) (+= y d_y)]) "
            "(= xs[i] x) (= ys[i] y)])]");
}

TEST(ModuleParserKernels, VectorNorm) {
  ast::Module m = parse(read_kernel("norm.py"));
  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(dump(m.functions[0].body),
            "[(: norm float64 0.0) (for i range(len(vector)) [(+= norm vector[i] * vector[i])]) (return norm)]");
  EXPECT_EQ(dump(m.functions[1].body), "[(return math.sqrt(norm_square(vector)))]");
}

// ---------------------------------------------------------------------------------------------
// Statements.

TEST(ModuleParserStatements, ExpressionStatements) {
  EXPECT_EQ(body("f(a)"), "[(expr f(a))]");
  EXPECT_EQ(body("np.sin(a)"), "[(expr np.sin(a))]");
  EXPECT_EQ(body("a, b"), "[(expr (a, b))]");
}

TEST(ModuleParserStatements, Assignments) {
  EXPECT_EQ(body("x = 1"), "[(= x 1)]");
  EXPECT_EQ(body("a[i, j] = 2.5"), "[(= a[i, j] 2.5)]");
  EXPECT_EQ(body("a[i][j] = 2.5"), "[(= a[i][j] 2.5)]");
  EXPECT_EQ(body("a, b = b, a"), "[(= (a, b) (b, a))]");
  EXPECT_EQ(body("(a, b) = (b, a)"), "[(= (a, b) (b, a))]");
  EXPECT_EQ(body("a[i], b = 1, 2,"), "[(= (a[i], b) (1, 2))]");
  EXPECT_EQ(body("a, = t"), "[(= (a,) t)]");
  EXPECT_EQ(body("x = 1,"), "[(= x (1,))]");
  EXPECT_EQ(body("a = b = 0"), "[(= a b 0)]");
  EXPECT_EQ(body("a = b[i] = c, d = 0, 1"), "[(= a b[i] (c, d) (0, 1))]");
}

TEST(ModuleParserStatements, EveryAugmentedAssignment) {
  for (std::string op : {"+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>"}) {
    EXPECT_EQ(body("x " + op + "= 2"), "[(" + op + "= x 2)]");
    EXPECT_EQ(body("a[i] " + op + "= y + 1"), "[(" + op + "= a[i] y + 1)]");
  }
  ast::Module m = parse("def f(x):\n    x **= 3\n");
  const auto& a = m.functions[0].body[0]->cast<ast::AugAssign>();
  EXPECT_EQ(a.op, BinOp::Pow);
  EXPECT_EQ(a.op_range.begin, 16u);
  EXPECT_EQ(a.op_range.end, 19u);
}

TEST(ModuleParserStatements, AnnotatedAssignments) {
  EXPECT_EQ(body("x: float64 = 0.0"), "[(: x float64 0.0)]");
  EXPECT_EQ(body("n: int64"), "[(: n int64)]");
  EXPECT_EQ(body("m: complex128[:, :] = zeros((2, 2))"), "[(: m complex128[:, :] zeros((2, 2)))]");
  EXPECT_EQ(body("t: float64 = 1.0, 2.0"), "[(: t float64 (1.0, 2.0))]");
  for (std::string type : {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32",
                           "float64", "complex64", "complex128", "int", "float", "complex"}) {
    EXPECT_EQ(body("x: " + type), "[(: x " + type + ")]");
    EXPECT_EQ(body("x: " + type + "[:,:,]"), "[(: x " + type + "[:, :])]");
  }
}

TEST(ModuleParserStatements, IfElifElse) {
  EXPECT_EQ(body("if a:\n    x = 1"), "[(if a [(= x 1)])]");
  EXPECT_EQ(body("if a:\n    x = 1\nelse:\n    x = 2"), "[(if a [(= x 1)] [(= x 2)])]");
  // elif is an if alone in the else block
  EXPECT_EQ(body("if a:\n    x = 1\nelif b:\n    x = 2\nelif c:\n    x = 3\nelse:\n    x = 4"),
            "[(if a [(= x 1)] [(if b [(= x 2)] [(if c [(= x 3)] [(= x 4)])])])]");
  EXPECT_EQ(body("if a:\n    if b:\n        x = 1\n    else:\n        x = 2\nelse:\n    x = 3"),
            "[(if a [(if b [(= x 1)] [(= x 2)])] [(= x 3)])]");
  ast::Module m = parse("def f(a, b):\n    if a:\n        pass\n    elif b:\n        return 1\n");
  const auto& outer = m.functions[0].body[0]->cast<ast::If>();
  const auto& elif = outer.else_body[0]->cast<ast::If>();
  EXPECT_EQ(outer.range.begin, 17u);  // `if`
  EXPECT_EQ(elif.range.begin, 40u);   // `elif`
  EXPECT_EQ(outer.range.end, elif.range.end);
}

TEST(ModuleParserStatements, LoopsBreakContinue) {
  EXPECT_EQ(body("while i < n:\n    i += 1"), "[(while i < n [(+= i 1)])]");
  EXPECT_EQ(body("for i in range(n):\n    s += i"), "[(for i range(n) [(+= s i)])]");
  EXPECT_EQ(body("for i in range(0, n, 2):\n    pass"), "[(for i range(0, n, 2) [pass])]");
  EXPECT_EQ(body("for i in prange(n):\n    pass"), "[(for i prange(n) [pass])]");
  // The iterable is any expression: type inference checks it.
  EXPECT_EQ(body("for x in a:\n    pass"), "[(for x a [pass])]");
  EXPECT_EQ(body("while True:\n    if a:\n        break\n    else:\n        continue"),
            "[(while True [(if a [break] [continue])])]");
  EXPECT_EQ(body("for i in range(n):\n    while a:\n        break\n    continue"),
            "[(for i range(n) [(while a [break]) continue])]");
}

TEST(ModuleParserStatements, ReturnAndPass) {
  EXPECT_EQ(body("return"), "[return]");
  EXPECT_EQ(body("return x + 1"), "[(return x + 1)]");
  EXPECT_EQ(body("return a, b"), "[(return (a, b))]");
  EXPECT_EQ(body("return (a, b)"), "[(return (a, b))]");
  EXPECT_EQ(body("pass"), "[pass]");
  EXPECT_EQ(body("return; pass"), "[return pass]");
}

TEST(ModuleParserStatements, OneLineBodiesAndSemicolons) {
  EXPECT_EQ(body("if x: y = 1"), "[(if x [(= y 1)])]");
  EXPECT_EQ(body("if x: y = 1; z = 2\nelse: y = 3"), "[(if x [(= y 1) (= z 2)] [(= y 3)])]");
  EXPECT_EQ(body("while c: c -= 1;"), "[(while c [(-= c 1)])]");
  EXPECT_EQ(body("for i in range(3): s += i; t += 1"), "[(for i range(3) [(+= s i) (+= t 1)])]");
  EXPECT_EQ(body("x = 1; y = 2;"), "[(= x 1) (= y 2)]");
  ast::Module m = parse("def f(): return 1\ndef g(a): pass\n");
  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(dump(m.functions[0].body), "[(return 1)]");
  EXPECT_EQ(dump(m.functions[1].body), "[pass]");
}

TEST(ModuleParserStatements, CommentsContinuationAndBlankLines) {
  std::string text =
      "# a module\n"
      "\n"
      "def f(a,    # the array\n"
      "      n):   # its length\n"
      "        # a comment at another indentation\n"
      "\n"
      "    s = (a[0] +\n"
      "  a[1])  # inside brackets, indentation does not matter\n"
      "    t = s + \\\n"
      "        1\n"
      "    u = max(a[0],\n"
      "            a[1])\n"
      "   \n"
      "    return t  # done\n"
      "# trailing comment";
  ast::Module m = parse(text);
  ASSERT_EQ(m.functions.size(), 1u);
  EXPECT_EQ(dump(m.functions[0].body), "[(= s a[0] + a[1]) (= t s + 1) (= u max(a[0], a[1])) (return t)]");
}

TEST(ModuleParserStatements, TabsCrLfAndConsistentMixes) {
  EXPECT_EQ(dump(parse("def f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n").functions[0].body), "[(if x [(return 1)]) (return 2)]");
  EXPECT_EQ(dump(parse("def f(x):\r\n    if x:\r\n        return 1\r\n    return 2\r\n").functions[0].body),
            "[(if x [(return 1)]) (return 2)]");
  // A tab then spaces is deeper than the tab alone with any tab size: Python accepts it.
  EXPECT_EQ(dump(parse("def f(x):\n\tif x:\n\t    return 1\n\treturn 2\n").functions[0].body),
            "[(if x [(return 1)]) (return 2)]");
}

TEST(ModuleParserStatements, NoNewlineAtTheEnd) {
  EXPECT_EQ(dump(parse("def f(x):\n    if x:\n        return 1").functions[0].body), "[(if x [(return 1)])]");
  EXPECT_EQ(parse("").functions.size(), 0u);
  EXPECT_EQ(parse("# nothing\n\n").functions.size(), 0u);
}

TEST(ModuleParserStatements, Docstrings) {
  ast::Module m = parse("'''The module.'''\n\ndef f(x):\n    \"\"\"Adds one.\n\n    Really.\n    \"\"\"\n    return x + 1\n"
                        "def g():\n    'only a docstring'\n");
  EXPECT_EQ(m.docstring, "The module.");
  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(m.functions[0].docstring, "Adds one.\n\n    Really.\n    ");
  EXPECT_EQ(dump(m.functions[0].body), "[(return x + 1)]");
  EXPECT_EQ(m.functions[1].docstring, "only a docstring");
  EXPECT_TRUE(m.functions[1].body.empty());
  // Only a leading string is a docstring; a later one is an expression statement.
  ast::Module later = parse("def f():\n    x = 1\n    'not a docstring'\n");
  EXPECT_FALSE(later.functions[0].docstring.has_value());
  EXPECT_EQ(later.functions[0].body.size(), 2u);
  // A module docstring comes first; later strings at module level are ignored, as in Python.
  ast::Module late = parse("import math\n'late'\n");
  EXPECT_FALSE(late.docstring.has_value());
}

TEST(ModuleParserStatements, DecoratorsAreRecorded) {
  ast::Module m = parse(
      "@jit\ndef a(): pass\n"
      "@njit\ndef b(): pass\n"
      "@numba.jit\ndef c(): pass\n"
      "@numba.njit(cache=True)\ndef d(): pass\n"
      "@njit()\n@njit(parallel=True, fastmath=True)\ndef e(): pass\n"
      "@njit(  'float64(float64)'  )  # a signature\ndef g(x): return x\n");
  ASSERT_EQ(m.functions.size(), 6u);
  auto decorators = [&](std::size_t i) {
    std::string out;
    for (const ast::Decorator& d : m.functions[i].decorators) {
      out += (out.empty() ? "" : " ") + (d.module.empty() ? "" : d.module + ".") + ex(*d.expr);
    }
    return out;
  };
  EXPECT_EQ(decorators(0), "jit");
  EXPECT_EQ(decorators(1), "njit");
  EXPECT_EQ(decorators(2), "numba.jit");
  EXPECT_EQ(decorators(3), "numba.njit(cache=True)");
  EXPECT_EQ(decorators(4), "njit() njit(parallel=True, fastmath=True)");
  EXPECT_EQ(decorators(5), "njit(b'float64(float64)')");
}

TEST(ModuleParserStatements, AcceptedImportsAreRecordedWithTheirRanges) {
  std::string text =
      "import math\n"
      "import numpy as np\n"
      "import numpy\n"
      "import cmath, random\n"
      "import numba\n"
      "from math import sqrt, sin\n"
      "from numpy import zeros\n"
      "from cmath import exp\n"
      "from random import random, uniform\n"
      "from numba import jit, njit, prange\n"
      "from math import (cos,\n"
      "                  tan,)\n"
      "import math; from math import pi;\n";
  ast::Module m = parse(text);
  std::vector<std::string> got;
  for (const ast::Import& i : m.imports) {
    std::string names;
    for (const ast::ImportedName& n : i.names) names += (names.empty() ? "" : ",") + n.name;
    got.push_back(fmt::format("{}{}{}{} @{}", i.is_from ? "from " : "", i.module, i.alias.empty() ? "" : " as " + i.alias,
                              names.empty() ? "" : " : " + names, text_of(text, i.range)));
  }
  std::vector<std::string> want = {
      "math @import math",
      "numpy as np @import numpy as np",
      "numpy @import numpy",
      "cmath @import cmath, random",
      "random @import cmath, random",
      "numba @import numba",
      "from math : sqrt,sin @from math import sqrt, sin",
      "from numpy : zeros @from numpy import zeros",
      "from cmath : exp @from cmath import exp",
      "from random : random,uniform @from random import random, uniform",
      "from numba : jit,njit,prange @from numba import jit, njit, prange",
      "from math : cos,tan @from math import (cos,\n                  tan,)",
      "math @import math",
      "from math : pi @from math import pi",
  };
  ASSERT_EQ(got, want);
  EXPECT_EQ(text_of(text, m.imports[1].module_range), "numpy");
  ASSERT_EQ(m.imports[6].names.size(), 2u);
  EXPECT_EQ(text_of(text, m.imports[6].names[1].range), "sin");
}

TEST(ModuleParserStatements, NodesCarryTheirSourceRanges) {
  std::string text =
      "def f(a: float64[:], n) -> int64:\n"
      "    x = a[0] + 1\n"
      "    for i in range(n):\n"
      "        if x:\n"
      "            x -= 1\n"
      "    return x\n"
      "\n";
  ast::Module m = parse(text);
  const ast::FunctionDef& f = m.functions[0];
  EXPECT_EQ(text_of(text, f.name_range), "f");
  EXPECT_EQ(text_of(text, f.params[0].range), "a: float64[:]");
  EXPECT_EQ(text_of(text, f.params[0].annotation->range), "float64[:]");
  EXPECT_EQ(text_of(text, f.params[1].range), "n");
  EXPECT_EQ(text_of(text, f.returns->range), "int64");
  EXPECT_EQ(text_of(text, f.body[0]->range), "x = a[0] + 1");
  EXPECT_EQ(text_of(text, f.body[1]->range), "for i in range(n):\n        if x:\n            x -= 1");
  const auto& loop = f.body[1]->cast<ast::For>();
  EXPECT_EQ(text_of(text, loop.var_range), "i");
  EXPECT_EQ(text_of(text, loop.body[0]->range), "if x:\n            x -= 1");
  EXPECT_EQ(text_of(text, f.body[2]->range), "return x");
  EXPECT_EQ(f.range.begin, 0u);
  EXPECT_EQ(text.substr(f.range.end - 8, 8), "return x");
}

// ---------------------------------------------------------------------------------------------
// Errors: each names the construct, with the caret on it.

TEST(ModuleParserErrors, ConstructsOutsideTheLanguageAreNamed) {
  expect_error("class C:\n    pass\n", "'class' is not supported in kernels", 1, 1);
  expect_error("async def f():\n    pass\n", "'async' is not supported in kernels", 1, 1);
  expect_error("global g\n", "'global' is not supported in kernels", 1, 1);
  expect_error("def f():\n    try:\n        pass\n    except:\n        pass\n", "'try' is not supported in kernels", 2, 5);
  expect_error("def f(p):\n    with p as q:\n        pass\n", "'with' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    yield x\n", "'yield' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    y = yield x\n", "'yield' is not supported in kernels", 2, 9);
  expect_error("def f():\n    global g\n", "'global' is not supported in kernels", 2, 5);
  expect_error("def f():\n    nonlocal g\n", "'nonlocal' is not supported in kernels", 2, 5);
  expect_error("def f(a):\n    del a\n", "'del' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    assert x > 0\n", "'assert' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    raise ValueError\n", "'raise' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    g = lambda: x\n", "'lambda' is not supported in kernels", 2, 9);
  expect_error("def f(x):\n    await x\n", "'await' is not supported in kernels", 2, 5);
  expect_error("def f(x):\n    if x: del x\n", "'del' is not supported in kernels", 2, 11);
  expect_error("def f(x):\n    finally:\n        pass\n", "'finally' is not supported in kernels", 2, 5);
  expect_error("def f():\n    def g():\n        pass\n",
               "nested functions are not supported in kernels; define each function at the top level", 2, 5);
  expect_error("def f():\n    @njit\n    def g():\n        pass\n",
               "nested functions are not supported in kernels; define each function at the top level", 2, 5);
  expect_error("def f():\n    import math\n",
               "imports inside a function are not supported in kernels; import at the top of the module", 2, 5);
  expect_error("def f():\n    from math import sqrt\n",
               "imports inside a function are not supported in kernels; import at the top of the module", 2, 5);
}

TEST(ModuleParserErrors, ModuleLevelHoldsOnlyDefsAndImports) {
  const std::string only = "; a module holds only 'def's and imports";
  expect_error("x = 1\n", "statements outside a function are not supported in kernels" + only, 1, 1);
  expect_error("def f(): pass\nf()\n", "statements outside a function are not supported in kernels" + only, 2, 1);
  expect_error("'doc' + x\n", "statements outside a function are not supported in kernels" + only, 1, 1);
  expect_error("if __name__ == '__main__':\n    pass\n",
               "'if' statements outside a function are not supported in kernels" + only, 1, 1);
  expect_error("for i in range(3):\n    pass\n", "'for' statements outside a function are not supported in kernels" + only,
               1, 1);
  expect_error("while x:\n    pass\n", "'while' statements outside a function are not supported in kernels" + only, 1, 1);
  expect_error("return 1\n", "'return' outside function", 1, 1);
  expect_error("break\n", "'break' outside loop", 1, 1);
  expect_error("continue\n", "'continue' not properly in loop", 1, 1);
  expect_error("import math; x = 1\n", "statements outside a function are not supported in kernels" + only, 1, 14);
}

TEST(ModuleParserErrors, BreakAndContinueNeedALoop) {
  expect_error("def f():\n    break\n", "'break' outside loop", 2, 5);
  expect_error("def f(x):\n    if x:\n        continue\n", "'continue' not properly in loop", 3, 9);
  expect_error("def f(x):\n    for i in range(x):\n        pass\n    break\n", "'break' outside loop", 4, 5);
}

TEST(ModuleParserErrors, LoopElseAndStrayElse) {
  expect_error("def f(x):\n    while x:\n        x -= 1\n    else:\n        pass\n",
               "'while ... else' is not supported in kernels", 4, 5);
  expect_error("def f(x):\n    while x: x -= 1\n    else: pass\n", "'while ... else' is not supported in kernels", 3, 5);
  expect_error("def f(x):\n    for i in range(x):\n        pass\n    else:\n        pass\n",
               "'for ... else' is not supported in kernels", 4, 5);
  expect_error("def f(x):\n    x = 1\n    else:\n        pass\n", "'else' without a matching 'if'", 3, 5);
  expect_error("def f(x):\n    x = 1\n    elif x:\n        pass\n", "'elif' without a matching 'if'", 3, 5);
  expect_error("def f(x):\n    if x:\n        if x:\n            pass\nelse:\n    pass\n", "'else' without a matching 'if'", 5,
               1);
  expect_error("def f(x):\n    x = 1; else: pass\n", "'else' without a matching 'if'", 2, 12);
}

TEST(ModuleParserErrors, CompoundStatementsStartTheirOwnLine) {
  expect_error("def f(x):\n    if x: for i in range(3): pass\n", "a 'for' statement must start on a line of its own", 2,
               11);
  expect_error("def f(x): x = 1; if x: pass\n", "an 'if' statement must start on a line of its own", 1, 18);
  expect_error("def f(x): while x: pass\n", "a 'while' statement must start on a line of its own", 1, 11);
}

TEST(ModuleParserErrors, Decorators) {
  const std::string use = " is not supported in kernels; use @njit or @jit, or none";
  expect_error("@vectorize\ndef f(x): return x\n", "decorator '@vectorize'" + use, 1, 1);
  expect_error("@numba.vectorize(['f8(f8)'])\ndef f(x): return x\n", "decorator '@numba.vectorize'" + use, 1, 1);
  expect_error("@np.njit\ndef f(x): return x\n", "decorator '@np.njit'" + use, 1, 1);
  expect_error("@numba\ndef f(x): return x\n", "decorator '@numba'" + use, 1, 1);
  expect_error("@njit\nx = 1\n", "expected 'def' after a decorator, found 'x'", 2, 1);
  expect_error("@njit\nclass C: pass\n", "'class' is not supported in kernels", 2, 1);
  expect_error("@njit def f(): pass\n", "expected the end of the line after a decorator, found 'def'", 1, 7);
  expect_error("@\ndef f(): pass\n", "expected a decorator name after '@', found end of line", 1, 2);
  expect_error("@njit(parallel=True, parallel=False)\ndef f(): pass\n", "keyword argument 'parallel' given twice", 1, 22);
}

TEST(ModuleParserErrors, Imports) {
  const std::string may =
      " is not supported in kernels; a kernel may import numpy (as np), math, cmath, random and numba";
  expect_error("import os\n", "importing 'os'" + may, 1, 8);
  expect_error("import numpy.random\n", "importing 'numpy.random'" + may, 1, 8);
  expect_error("import math, scipy\n", "importing 'scipy'" + may, 1, 14);
  expect_error("from os import path\n", "importing 'os'" + may, 1, 6);
  expect_error("from . import x\n", "relative imports are not supported in kernels", 1, 6);
  expect_error("import math as m\n",
               "'import math as m' is not supported in kernels; only 'import numpy as np' renames a module", 1, 8);
  expect_error("import numpy as npy\n",
               "'import numpy as npy' is not supported in kernels; only 'import numpy as np' renames a module", 1, 8);
  expect_error("from math import *\n", "'from math import *' is not supported in kernels; import the functions by name", 1,
               18);
  expect_error("from math import sqrt as s\n",
               "'as' in a 'from' import is not supported in kernels; import the name itself", 1, 23);
  expect_error("from random import gauss\n", "'gauss' cannot be imported from random in kernels; only random and uniform", 1,
               20);
  expect_error("from numba import vectorize\n",
               "'vectorize' cannot be imported from numba in kernels; only jit, njit and prange", 1, 19);
  expect_error("from math sqrt\n", "expected 'import', found 'sqrt'", 1, 11);
  expect_error("import math math\n", "expected ',' or the end of the line, found 'math'", 1, 13);
}

TEST(ModuleParserErrors, Annotations) {
  const std::string dtypes = "; use a dtype such as float64, int64, complex128 or bool, with [:] for each array dimension";
  expect_error("def f(a: foo): pass\n", "unknown type 'foo' in annotation" + dtypes, 1, 10);
  expect_error("def f(a: np.ndarray): pass\n", "unknown type 'np.ndarray' in annotation" + dtypes, 1, 10);
  expect_error("def f(a: np.float64): pass\n", "write 'float64' rather than 'np.float64' in an annotation", 1, 10);
  expect_error("def f() -> foo: pass\n", "unknown type 'foo' in annotation" + dtypes, 1, 12);
  expect_error("def f():\n    x: double = 1.0\n", "unknown type 'double' in annotation" + dtypes, 2, 8);
  expect_error("def f(a: 'float64'): pass\n",
               "string annotations are not supported in kernels; write the type, as in float64[:]", 1, 10);
  expect_error("def f(a: float64[::1]): pass\n",
               "layout specifiers such as '::1' are not supported in annotations; write one ':' per dimension", 1, 18);
  expect_error("def f(a: float64[3]): pass\n", "an array annotation has one ':' per dimension, as in float64[:, :]", 1, 18);
  expect_error("def f(a: float64[]): pass\n", "an array annotation has one ':' per dimension, as in float64[:, :]", 1, 18);
  expect_error("def f(a: float64[:, 1]): pass\n", "an array annotation has one ':' per dimension, as in float64[:, :]", 1,
               21);
  expect_error("def f(a: float64[:): pass\n", "expected ',' or ']' in the array annotation, found ')'", 1, 19);
  expect_error("def f(a: None): pass\n", "expected a type such as float64 or int64[:], found 'None'", 1, 10);
  expect_error("def f():\n    a[i]: float64 = 1.0\n", "only a variable can be annotated, as in 'x: float64 = 0.0'", 2, 5);
  expect_error("def f():\n    a, b: float64\n", "only a variable can be annotated, as in 'x: float64 = 0.0'", 2, 5);
}

TEST(ModuleParserErrors, Parameters) {
  expect_error("def f(a=1): pass\n", "default parameter values are not supported in kernels", 1, 8);
  expect_error("def f(a: int64 = 1): pass\n", "default parameter values are not supported in kernels", 1, 16);
  expect_error("def f(*args): pass\n", "'*' in a parameter list is not supported in kernels", 1, 7);
  expect_error("def f(a, **kw): pass\n", "'**' in a parameter list is not supported in kernels", 1, 10);
  expect_error("def f(a, /): pass\n", "'/' in a parameter list is not supported in kernels", 1, 10);
  expect_error("def f(a, a): pass\n", "duplicate parameter 'a'", 1, 10);
  expect_error("def f(a b): pass\n", "expected ',' or ')' in the parameter list, found 'b'", 1, 9);
  expect_error("def (a): pass\n", "expected a function name after 'def', found '('", 1, 5);
  expect_error("def f(): pass\ndef g(): pass\ndef f(x): pass\n", "function 'f' is already defined on line 1", 3, 5);
}

TEST(ModuleParserErrors, ForLoopsHaveOneVariable) {
  const std::string one = "a 'for' loop has one variable, as in 'for i in range(n)'";
  expect_error("def f(x):\n    for i, j in x:\n        pass\n", one, 2, 9);
  expect_error("def f(x):\n    for a[i] in x:\n        pass\n", one, 2, 9);
  expect_error("def f(x):\n    for (i) in x:\n        pass\n", one, 2, 9);
  expect_error("def f(x):\n    for 1 in x:\n        pass\n", "expected a loop variable after 'for', found '1'", 2, 9);
  expect_error("def f(x):\n    for i x:\n        pass\n", "expected 'in' after the loop variable, found 'x'", 2, 11);
}

TEST(ModuleParserErrors, AssignmentTargets) {
  expect_error("def f(x):\n    f(x) = 1\n", "cannot assign to a function call", 2, 5);
  expect_error("def f(x):\n    1 = x\n", "cannot assign to a literal", 2, 5);
  expect_error("def f(x):\n    None = x\n", "cannot assign to None", 2, 5);
  expect_error("def f(x):\n    True = x\n", "cannot assign to True", 2, 5);
  expect_error("def f(x):\n    x.real = 1\n", "cannot assign to an attribute", 2, 5);
  expect_error("def f(x):\n    x + 1 = 2\n", "cannot assign to an expression", 2, 5);
  expect_error("def f(x):\n    -x = 2\n", "cannot assign to an expression", 2, 5);
  expect_error("def f(x):\n    x = y = f() = 3\n", "cannot assign to a function call", 2, 13);
  expect_error("def f(t):\n    (a, b), c = t\n", "nested tuple targets are not supported in kernels", 2, 5);
  expect_error("def f(t):\n    a, f(t) = t\n", "cannot assign to a function call", 2, 8);
  expect_error("def f(t):\n    a, b += 1\n",
               "augmented assignment needs one variable or element as its target, not a tuple", 2, 5);
  expect_error("def f(t):\n    f(t) += 1\n", "cannot assign to a function call", 2, 5);
}

TEST(ModuleParserErrors, MissingColon) {
  expect_error("def f(x)\n    pass\n", "expected ':'", 1, 9);
  expect_error("def f(x) -> int64  # comment\n    pass\n", "expected ':'", 1, 18);
  expect_error("def f(x):\n    if x\n        pass\n", "expected ':'", 2, 9);
  expect_error("def f(x):\n    while x  # loop\n        pass\n", "expected ':'", 2, 12);
  expect_error("def f(x):\n    for i in range(x)\n        pass\n", "expected ':'", 2, 22);
  expect_error("def f(x):\n    if x:\n        pass\n    else\n        pass\n", "expected ':'", 4, 9);
  expect_error("def f(x):\n    if x:\n        pass\n    elif x\n        pass\n", "expected ':'", 4, 11);
  expect_error("def f(x):\n    if x y:\n        pass\n", "expected ':', found 'y'", 2, 10);
  expect_error("def f(x):\n    if x = 1:\n        pass\n", "assignment is not an expression; use '==' to compare", 2, 10);
  expect_error("def f(x):\n    if x and:\n        pass\n", "expected a value after 'and', found ':'", 2, 13);
  expect_error("def f(x):\n    else if x:\n        pass\n", "'else' without a matching 'if'", 2, 5);
}

TEST(ModuleParserErrors, EmptyBlocks) {
  expect_error("def f(x):\n    if x:\n    return 1\n", "expected an indented block after 'if' statement on line 2", 3, 5);
  expect_error("def f():\n", "expected an indented block after function definition on line 1", 2, 1);
  expect_error("def f():", "expected an indented block after function definition on line 1", 1, 9);
  expect_error("def f():\ndef g():\n    pass\n", "expected an indented block after function definition on line 1", 2, 1);
  expect_error("def f(x):\n    if x:\n        pass\n    else:\n    pass\n",
               "expected an indented block after 'else' statement on line 4", 5, 5);
  expect_error("def f(x):\n    if x:\n        pass\n    elif x:\n\n  # comment\n    pass\n",
               "expected an indented block after 'elif' statement on line 4", 7, 5);
  expect_error("def f(x):\n    while x:\n    pass\n", "expected an indented block after 'while' statement on line 2", 3, 5);
  expect_error("def f(x):\n    for i in x:\nx = 1\n", "expected an indented block after 'for' statement on line 2", 3, 1);
}

TEST(ModuleParserErrors, Indentation) {
  expect_error("  def f(): pass\n", "unexpected indent", 1, 3);
  expect_error("def f():\n    x = 1\n        y = 2\n", "unexpected indent", 3, 9);
  expect_error("def f(x):\n    if x: y = 1\n        z = 2\n", "unexpected indent", 3, 9);
  expect_error("def f(x):\n    if x:\n        pass\n  y = 1\n", "unindent does not match any outer indentation level", 4,
               1);
  const std::string tabs = "inconsistent use of tabs and spaces in indentation";
  // Eight spaces and a tab are the same width only when a tab is eight columns.
  expect_error("def f():\n        x = 1\n\ty = 2\n", tabs, 3, 1);
  // Deeper with a tab of eight columns, shallower with a tab of one.
  expect_error("def f(x):\n    if x:\n\t\tpass\n", tabs, 3, 1);
  // Back to a level whose width matches only with a tab of eight columns.
  expect_error("def f(x):\n\tif x:\n\t\tpass\n        y = 1\n", tabs, 4, 1);
}

TEST(ModuleParserErrors, ExpressionsInsideStatements) {
  expect_error("def f(a, b):\n    x = a @ b\n", "matrix products are not supported ('*' multiplies element-wise)", 2, 11);
  // An open bracket runs to the end of the text, where the caret then points.
  expect_error("def f(x):\n    x = (1 +\n", "expected a value after '+', found end of input", 3, 1);
  expect_error("def f(x):\n    x = (1\n", "'(' was never closed", 2, 9);
  expect_error("def f(x):\n    x = 1)\n", "unmatched ')'", 2, 10);
  expect_error("def f(x):\n    x = \n", "expected a value after '=', found end of line", 2, 9);
  expect_error("def f(x):\n    print x\n", "expected an operator or the end of the line, found 'x'", 2, 11);
  expect_error("def f(x):\n    x = 1 2\n", "expected an operator or the end of the line, found '2'", 2, 11);
  expect_error("def f(x):\n    pass x\n", "expected the end of the line, found 'x'", 2, 10);
  expect_error("def f(x):\n    return x y\n", "expected an operator or the end of the line, found 'y'", 2, 14);
  expect_error("def f(x):\n    y = math.sqrt\n",
               "'math.sqrt' is not supported; a 'math.' prefix only names a function to call, as in math.sin(x)", 2, 9);
  expect_error("def f(x):\n    y = random.seed\n",
               "'random.seed' is not supported; a 'random.' prefix only names a function to call, as in random.random()", 2,
               9);
  expect_error("def f(x):\n    y = x.sum()\n",
               "only functions can be called, by name or with a 'np.', 'numpy.', 'math.', 'cmath.' or 'random.' prefix", 2, 9);
  expect_error("def f(x):\n    y = x $ 1\n", "unexpected character '$'", 2, 11);
}

// ---------------------------------------------------------------------------------------------
// Canonical printing.

TEST(ModulePrinter, NormalizesLayoutSpellingAndElse) {
  std::string text =
      "# leading comment\n"
      "import numpy as np;  import math\n"
      "def f(a:float64[:,:],n)->float64 :   # comment\n"
      "  '''doc'''\n"
      "  s=0.0 ; t = (1,2)\n"
      "  for i in range( n ):\n"
      "      if a[i,0]>0: s+=a[i,0]\n"
      "      elif a[i,0]<-1:\n"
      "          s -= 1\n"
      "      else:\n"
      "          if s>2 :\n"
      "              break\n"
      "          else:\n"
      "              x:int64=np.sin(  a[i,1] )\n"
      "  return s,t\n"
      "@numba.njit( parallel = True )\n"
      "def g(): pass\n";
  EXPECT_EQ(print_module(parse(text)),
            "import numpy as np\n"
            "import math\n"
            "\n"
            "def f(a: float64[:, :], n) -> float64:\n"
            "    \"\"\"doc\"\"\"\n"
            "    s = 0.0\n"
            "    t = 1, 2\n"
            "    for i in range(n):\n"
            "        if a[i, 0] > 0:\n"
            "            s += a[i, 0]\n"
            "        elif a[i, 0] < -1:\n"
            "            s -= 1\n"
            "        elif s > 2:\n"
            "            break\n"
            "        else:\n"
            "            x: int64 = np.sin(a[i, 1])\n"
            "    return s, t\n"
            "\n"
            "@numba.njit(parallel=True)\n"
            "def g():\n"
            "    pass\n");
}

TEST(ModulePrinter, EqualTreesPrintEqually) {
  std::string a = "def f(x, y):\n    if x>y: return x\n    else: return y\n";
  std::string b = "def f(x,y):\n\tif (x > y):\n\t\treturn (x)\n\telse:\n\t\treturn y  # the other\n";
  EXPECT_EQ(print_module(parse(a)), print_module(parse(b)));
  // A call's module prefix is kept: a bare `random()` may be one of the module's own functions.
  EXPECT_NE(print_module(parse("def f():\n    return random.random()\n")),
            print_module(parse("def f():\n    return random()\n")));
}

TEST(ModulePrinter, DocstringsRoundTripTheirBytes) {
  std::string text = "\"\"\"Quotes \\\" and ''' and \\\\ and \\t tab.\"\"\"\n"
                     "def f():\n    r'''raw \\d and \"quote\" and a\n    second line'''\n    return 1\n";
  ast::Module m = parse(text);
  EXPECT_EQ(m.docstring, "Quotes \" and ''' and \\ and \t tab.");
  EXPECT_EQ(m.functions[0].docstring, "raw \\d and \"quote\" and a\n    second line");
  ast::Module again = parse(print_module(m));
  EXPECT_EQ(again.docstring, m.docstring);
  EXPECT_EQ(again.functions[0].docstring, m.functions[0].docstring);
  expect_fixed_point(text);
  EXPECT_EQ(parse(print_module(parse("def f():\n    '\\x01\\x7f\\r\"'\n"))).functions[0].docstring, "\x01\x7f\r\"");
}

TEST(ModulePrinter, EveryStatementKindIsAFixedPoint) {
  expect_fixed_point(
      "import math\nfrom numba import njit, prange\n"
      "@njit(parallel=True)\n"
      "def f(a: float64[:, :], n: int64, z: complex128) -> float64:\n"
      "    'doc'\n"
      "    g(a)\n"
      "    x = y = 0\n"
      "    p, q = q, p\n"
      "    a[0, 1] = -x ** 2\n"
      "    t = 1,\n"
      "    u, = t\n"
      "    x += 1; x -= 1; x *= 2; x /= 2; x //= 2; x %= 3; x **= 2\n"
      "    x &= 1; x |= 2; x ^= 3; x <<= 1; x >>= 1\n"
      "    s: float64 = 0.0\n"
      "    k: int64\n"
      "    if x: pass\n"
      "    elif y: pass\n"
      "    else:\n"
      "        if z: pass\n"
      "    if x:\n"
      "        pass\n"
      "    else:\n"
      "        if y: pass\n"
      "        x = 1\n"
      "    while x < n:\n"
      "        x += 1\n"
      "        if x > 3: break\n"
      "        continue\n"
      "    for i in prange(n):\n"
      "        s += math.sqrt(a[i, 0]) + abs(z.real)\n"
      "    'a string statement'\n"
      "    b'bytes'\n"
      "    return s, x\n"
      "def g(a):\n"
      "    return\n");
}

// Random modules: nested blocks of every statement kind, written with random indentation widths,
// tabs, one-line bodies, semicolons, comments and continuation lines. Each prints to a fixed point.
class ModuleGenerator {
 public:
  explicit ModuleGenerator(unsigned seed) : rng_(seed) {}

  std::string module() {
    std::string out = pick({"", "import math\n", "import numpy as np\nfrom math import sqrt\n"});
    int functions = 1 + roll(3);
    for (int i = 0; i < functions; ++i) {
      if (roll(3) == 0) out += "@njit\n";
      out += fmt::format("def f{}(a, b: float64[:], n: int64){}:{}\n", i, roll(2) ? " -> float64" : "",
                         roll(3) == 0 ? "  # c" : "");
      block(out, indent_of(), 1);
    }
    return out;
  }

 private:
  int roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + roll(static_cast<int>(options.size())));
  }
  // Each block indents by its own random width, as Python allows.
  std::string indent_of() { return roll(4) == 0 ? "\t" : std::string(static_cast<std::size_t>(1 + roll(4)), ' '); }

  std::string simple() {
    switch (roll(10)) {
      case 0: return pick({"x = a[0] + 1", "x=(a[0]+\n   1)", "a[i] = x * 2", "a[i, 0] = -x"});
      case 1: return pick({"x, y = y, x", "x = y = 0", "(p, q) = 1, 2", "t = x,"});
      case 2: return pick({"x += 1", "x **= 2", "a[i] //= 3", "x <<= b[0]"});
      case 3: return pick({"s: float64 = 0.0", "k: int64", "m: complex128[:, :] = zeros((2, 2))"});
      case 4: return pick({"g(a, n)", "np.sin(x)", "random.random()"});
      case 5: return pick({"return", "return x", "return x, y", "return (x + \\\n  1)"});
      case 6: return "pass";
      case 7: return loops_ > 0 ? pick({"break", "continue"}) : "pass";
      case 8: return pick({"x = 1; y = 2", "x = 1;", "'string'"});
      default: return "x = math.sqrt(b[0])";
    }
  }

  void block(std::string& out, const std::string& prefix, int depth) {
    int n = 1 + roll(3);
    for (int k = 0; k < n; ++k) statement(out, prefix, depth);
  }

  void statement(std::string& out, const std::string& prefix, int depth) {
    if (roll(6) == 0) out += prefix + "# a comment\n";
    if (roll(8) == 0) out += "\n";
    int kind = depth < 5 ? roll(8) : 7;
    switch (kind) {
      case 0: compound(out, prefix, depth, "if x > 0"); return;
      case 1: {
        compound(out, prefix, depth, "if x");
        if (roll(2)) compound(out, prefix, depth, "elif y < 2");
        if (roll(2)) compound(out, prefix, depth, "else");
        return;
      }
      case 2: {
        ++loops_;
        compound(out, prefix, depth, "while x < n");
        --loops_;
        return;
      }
      case 3: {
        ++loops_;
        compound(out, prefix, depth, roll(2) ? "for i in range(n)" : "for i in prange(0, n, 2)");
        --loops_;
        return;
      }
      default: out += prefix + simple() + "\n"; return;
    }
  }

  void compound(std::string& out, const std::string& prefix, int depth, const std::string& head) {
    if (roll(4) == 0) {
      out += prefix + head + ": " + simple_one_line() + "\n";
      return;
    }
    out += prefix + head + ":\n";
    block(out, prefix + indent_of(), depth + 1);
  }

  std::string simple_one_line() {
    std::string s = simple();
    return s.find('\n') == std::string::npos ? s : "pass";
  }

  std::mt19937 rng_;
  int loops_ = 0;
};

TEST(ModulePrinter, PrintParsePrintIsAFixedPointOverGeneratedModules) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    ModuleGenerator gen(seed);
    std::string text = gen.module();
    SCOPED_TRACE(fmt::format("seed {}", seed));
    ASSERT_NO_THROW(parse(text)) << text;
    expect_fixed_point(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Limits (base/include/jitexpr/Limits.h): at the limit works, one past fails where the limit is crossed, far
// past fails the same way.

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A function whose innermost block is `depth` levels deep: the body, then depth - 1 nested ifs,
// each indented one space more.
std::string nested_blocks(int depth) {
  std::string out = "def f(x):\n";
  for (int level = 1; level < depth; ++level) out += std::string(static_cast<std::size_t>(level), ' ') + "if x:\n";
  return out + std::string(static_cast<std::size_t>(depth), ' ') + "pass\n";
}

TEST(ModuleParserLimits, BlockDepth) {
  const std::string message = "blocks are nested too deeply (the limit is " + std::to_string(kMaxBlockDepth) + " levels)";
  ast::Module m = parse(nested_blocks(kMaxBlockDepth));
  EXPECT_EQ(m.functions.size(), 1u);
  expect_fixed_point(nested_blocks(kMaxBlockDepth));
  // The if on line kMaxBlockDepth + 1 opens block kMaxBlockDepth + 1.
  expect_error(nested_blocks(kMaxBlockDepth + 1), message, kMaxBlockDepth + 1, kMaxBlockDepth + 1);
  expect_error(nested_blocks(5 * kMaxBlockDepth), message, kMaxBlockDepth + 1, kMaxBlockDepth + 1);
  // One-line bodies nest as well.
  expect_error(nested_blocks(kMaxBlockDepth) + std::string(kMaxBlockDepth, ' ') + "if x: pass\n", message,
               kMaxBlockDepth + 2, kMaxBlockDepth + 1);
}

// An elif is an if in the else block, so a chain of them nests: the body is level 1, the first
// if's blocks level 2, and the k-th elif's block level k + 2.
TEST(ModuleParserLimits, ElifChainsCountAsNesting) {
  auto chain = [](int elifs) {
    std::string out = "def f(x):\n    if x == 0:\n        pass\n";
    for (int k = 1; k <= elifs; ++k) out += fmt::format("    elif x == {}:\n        pass\n", k);
    return out + "    else:\n        pass\n";
  };
  const int most = kMaxBlockDepth - 2;
  EXPECT_NO_THROW(parse(chain(most)));
  expect_fixed_point(chain(most));
  const std::string message = "blocks are nested too deeply (the limit is " + std::to_string(kMaxBlockDepth) + " levels)";
  expect_error(chain(most + 1), message, 2 + 2 * (most + 1), 5);
  expect_error(chain(20 * kMaxBlockDepth), message, 2 + 2 * (most + 1), 5);
}

TEST(ModuleParserLimits, StatementsPerFunction) {
  const std::string message =
      "function 'f' is too long (the limit is " + std::to_string(kMaxStatementsPerFunction) + " statements)";
  ast::Module m = parse("def f(x):\n" + repeat("    x += 1\n", kMaxStatementsPerFunction));
  EXPECT_EQ(m.functions[0].body.size(), static_cast<std::size_t>(kMaxStatementsPerFunction));
  expect_error("def f(x):\n" + repeat("    x += 1\n", kMaxStatementsPerFunction + 1), message, kMaxStatementsPerFunction + 2,
               5);
  expect_error("def f(x):\n" + repeat("    x += 1; x += 2\n", kMaxStatementsPerFunction), message,
               kMaxStatementsPerFunction / 2 + 2, 5);
  // Nested statements count, and so does the loop around them; each function has its own count.
  std::string loops = "def f(x):\n" + repeat("    for i in x:\n        x += 1\n", kMaxStatementsPerFunction / 2);
  EXPECT_NO_THROW(parse(loops + "def g(x):\n" + loops.substr(10)));
  expect_error(loops + "    pass\n", message, kMaxStatementsPerFunction + 2, 5);
}

TEST(ModuleParserLimits, ModuleLength) {
  std::string head = "def f():\n    pass\n";
  std::string at_limit = head + "#" + std::string(kMaxModuleLength - head.size() - 2, 'x') + "\n";
  ASSERT_EQ(at_limit.size(), kMaxModuleLength);
  EXPECT_EQ(parse(at_limit).functions.size(), 1u);
  expect_error(at_limit + " ",
               "module is too long (" + std::to_string(kMaxModuleLength + 1) + " characters; the limit is " +
                   std::to_string(kMaxModuleLength) + ")",
               1, 1);
}

TEST(ModuleParserLimits, AnnotationRank) {
  auto annotated = [](int rank) {
    std::string dims;
    for (int i = 0; i < rank; ++i) dims += i ? ", :" : ":";
    return "def f(a: float64[" + dims + "]): pass\n";
  };
  ast::Module m = parse(annotated(kMaxRank));
  EXPECT_EQ(m.functions[0].params[0].annotation->rank, kMaxRank);
  expect_fixed_point(annotated(kMaxRank));
  const std::string message = "an array annotation has at most " + std::to_string(kMaxRank) + " dimensions";
  // The caret is on the colon of the dimension past the limit: "def f(a: float64[" is 17 characters.
  expect_error(annotated(kMaxRank + 1), message, 1, 18 + 3 * kMaxRank);
  expect_error(annotated(100 * kMaxRank), message, 1, 18 + 3 * kMaxRank);
}

}  // namespace

TEST(ModulePrinter, PythonFormsOfKernelsAreFixedPoints) {
  std::string once = expect_fixed_point(
      "import math\n"
      "def f(a, b, n):\n"
      "    x = a and not b or a\n"
      "    y = 1 if a > b else 2 if a else 3\n"
      "    z = [0.0] * n\n"
      "    w = (a or b) and not (a and b)\n"
      "    return math.pi * (x if y else w)\n");
  // The canonical form puts each Python form inside another in parentheses.
  EXPECT_NE(once.find("x = (a and (not b)) or a"), std::string::npos) << once;
  EXPECT_NE(once.find("z = [0.0] * n"), std::string::npos) << once;
}

TEST(ModuleParserErrors, PythonFormsOfKernels) {
  expect_error("def f(x):\n    y = x if x\n", "expected 'else' in the conditional expression, found end of line", 2, 15);
  expect_error("def f(x):\n    y = [1, 2\n", "'[' was never closed", 2, 9);
  expect_error("def f(x):\n    [y] = x\n", "list targets are not supported in kernels; use a tuple, as in a, b = b, a", 2, 5);
}
