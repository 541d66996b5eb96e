// The architecture as the build enforces it (docs/architecture.md): the layers
// base <- frontend <- ir <- codegen <- runtime, each a static library linking only the one below;
// only codegen sees LLVM; public headers include only public headers; the runtime helpers (compiled
// to bitcode) see base alone; a target that includes a layer's internal headers links that layer.
//
// Three checks, each on what the build really uses rather than on the text of names:
// - includes are resolved as the compiler resolves them (next to the file, then the include
//   directories) and the file found decides the layer, so "../runtime/x.h" is the runtime's;
// - each layer target's links, and each tool's, come from CMake (tests/CMakeLists.txt writes
//   them to layering.txt);
// - each layer archive's undefined symbols must be defined in its own layer or below (nm), so a
//   function declared in a lower layer's header but defined above it is caught.
// The checks take the tree as data, so the tests at the end reintroduce each leak this design
// removed, on a copy of the real tree, and show that it is caught.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// ---- the tree: files by path relative to the source root ----

// The source files of our own layers and tools, read once; a test edits a copy.
using Tree = std::map<std::string, std::string>;  // relative path -> text

Tree read_tree() {
  Tree tree;
  const fs::path root(JITEXPR_SOURCE_DIR);
  for (const char* dir : {"base", "frontend", "ir", "codegen", "runtime", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cpp") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      tree[fs::relative(entry.path(), root).generic_string()] = text.str();
    }
  }
  return tree;
}

const Tree& real_tree() {
  static const Tree tree = read_tree();
  return tree;
}

// Where a file sits in the architecture.
enum class Part { Base, BasePublic, Frontend, Ir, Codegen, Runtime, RuntimePublic, Helpers, Tools, Llvm, External };

const char* part_name(Part p) {
  static constexpr std::array<const char*, 11> kNames = {
      "base", "base (public)", "frontend", "ir", "codegen", "runtime", "runtime (public)", "runtime helpers",
      "tools", "LLVM", "external"};
  return kNames[static_cast<std::size_t>(p)];
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

Part part_of(const std::string& path) {
  if (starts_with(path, "base/include/")) return Part::BasePublic;
  if (starts_with(path, "base/")) return Part::Base;
  if (starts_with(path, "frontend/")) return Part::Frontend;
  if (starts_with(path, "ir/")) return Part::Ir;
  if (starts_with(path, "codegen/")) return Part::Codegen;
  if (starts_with(path, "runtime/include/")) return Part::RuntimePublic;
  if (starts_with(path, "runtime/helpers/")) return Part::Helpers;
  if (starts_with(path, "runtime/")) return Part::Runtime;
  if (starts_with(path, "tools/")) return Part::Tools;
  return Part::External;
}

// The parts a file of each part may include.
std::set<Part> may_include(Part p) {
  using P = Part;
  switch (p) {
    case P::BasePublic: return {P::BasePublic};
    case P::Base: return {P::BasePublic, P::Base};
    case P::Helpers: return {P::BasePublic, P::Base, P::Helpers};
    case P::Frontend: return {P::BasePublic, P::Base, P::Frontend};
    case P::Ir: return {P::BasePublic, P::Base, P::Frontend, P::Ir};
    case P::Codegen: return {P::BasePublic, P::Base, P::Frontend, P::Ir, P::Codegen, P::Llvm};
    case P::RuntimePublic: return {P::BasePublic, P::RuntimePublic};
    case P::Runtime: return {P::BasePublic, P::Base, P::Frontend, P::Ir, P::Codegen, P::Runtime, P::RuntimePublic};
    // Which internals a tool may reach depends on what its target links (check_targets).
    case P::Tools: return {P::BasePublic, P::Base, P::Frontend, P::Ir, P::Runtime, P::RuntimePublic, P::Tools};
    case P::Llvm:
    case P::External: return {};
  }
  return {};
}

// Libraries that no public header may include: a host program sees our types only.
bool is_third_party(const std::string& name) {
  for (const char* prefix : {"llvm/", "llvm-c/", "fmt/", "tbb/", "oneapi/", "CLI/", "histedit", "editline/"}) {
    if (starts_with(name, prefix)) return true;
  }
  return false;
}

struct Include {
  std::string name;  // as written
  bool quoted = false;
  int line = 0;
};

std::vector<Include> includes_of(const std::string& text) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Include> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    ++n;
    if (std::regex_search(line, m, kInclude)) out.push_back({m[2], m[1] == "\"", n});
  }
  return out;
}

std::string normalize(const fs::path& p) { return p.lexically_normal().generic_string(); }

// The file an include names, as the compiler finds it: a quoted name next to the including file
// first, then in the include directories (the source root, the two public include directories).
// nullopt for a file outside the tree (the standard library, LLVM, ...).
std::optional<std::string> resolve(const Tree& tree, const std::string& from, const Include& inc) {
  std::vector<std::string> candidates;
  if (inc.quoted) candidates.push_back(normalize(fs::path(from).parent_path() / inc.name));
  for (const char* dir : {"", "base/include", "runtime/include"}) candidates.push_back(normalize(fs::path(dir) / inc.name));
  for (const std::string& c : candidates) {
    if (!starts_with(c, "..") && tree.count(c)) return c;
  }
  return std::nullopt;
}

// What an include reaches: the part of the file it resolves to, or LLVM, or something external.
Part reached(const Tree& tree, const std::string& from, const Include& inc, std::optional<std::string>* file) {
  *file = resolve(tree, from, inc);
  if (*file) return part_of(**file);
  if (starts_with(inc.name, "llvm/") || starts_with(inc.name, "llvm-c/")) return Part::Llvm;
  return Part::External;
}

// Every include of the tree that its file's part may not make.
std::vector<std::string> include_violations(const Tree& tree) {
  std::vector<std::string> bad;
  for (const auto& [path, text] : tree) {
    const Part from = part_of(path);
    const std::set<Part> allowed = may_include(from);
    const bool is_public = from == Part::BasePublic || from == Part::RuntimePublic;
    for (const Include& inc : includes_of(text)) {
      std::optional<std::string> file;
      const Part to = reached(tree, path, inc, &file);
      const std::string where = path + ":" + std::to_string(inc.line) + ": " + inc.name;
      if (inc.quoted && !file) {
        bad.push_back(where + " (not found in the tree)");
      } else if (to == Part::External) {
        if (is_public && is_third_party(inc.name)) bad.push_back(where + " (a public header includes a library)");
      } else if (!allowed.count(to)) {
        bad.push_back(where + " (" + part_name(from) + " includes " + part_name(to) + ")");
      }
    }
  }
  return bad;
}

// ---- the targets, as CMake built them (layering.txt) ----

struct Target {
  std::string dir;                   // its source directory, relative to the root
  std::vector<std::string> sources;  // relative to the root
  std::vector<std::string> links;    // its direct link libraries
  std::string archive;               // a layer's static library
};
using Targets = std::map<std::string, Target>;

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ';')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Targets read_targets() {
  Targets targets;
  std::ifstream in(JITEXPR_LAYERING_FILE);
  std::string line, current;
  const fs::path root(JITEXPR_SOURCE_DIR);
  while (std::getline(in, line)) {
    const std::size_t space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "target") {
      current = value;
      targets[current];
    } else if (key == "dir") {
      targets[current].dir = fs::relative(value, root).generic_string();
    } else if (key == "sources") {
      for (const std::string& s : split_list(value)) {
        fs::path p(s);
        if (p.is_relative()) p = root / targets[current].dir / p;
        targets[current].sources.push_back(normalize(fs::relative(p, root)));
      }
    } else if (key == "links") {
      targets[current].links = split_list(value);
    } else if (key == "archive") {
      targets[current].archive = value;
    }
  }
  return targets;
}

const Targets& real_targets() {
  static const Targets targets = read_targets();
  return targets;
}

// The layer targets and the one each links: the arrows.
const std::vector<std::pair<std::string, std::string>> kLayers = {{"jitexpr_base", ""},
                                                                  {"jitexpr_frontend", "jitexpr_base"},
                                                                  {"jitexpr_ir", "jitexpr_frontend"},
                                                                  {"jitexpr_codegen", "jitexpr_ir"},
                                                                  {"jitexpr_runtime", "jitexpr_codegen"}};

Part layer_part(const std::string& target) {
  if (target == "jitexpr_base") return Part::Base;
  if (target == "jitexpr_frontend") return Part::Frontend;
  if (target == "jitexpr_ir") return Part::Ir;
  if (target == "jitexpr_codegen") return Part::Codegen;
  return Part::Runtime;
}

bool is_layer(const std::string& target) {
  return std::any_of(kLayers.begin(), kLayers.end(), [&](const auto& l) { return l.first == target; });
}

// Each layer links the one below it and no other layer; only codegen links LLVM.
std::vector<std::string> arrow_violations(const Targets& targets) {
  std::vector<std::string> bad;
  for (const auto& [layer, below] : kLayers) {
    auto it = targets.find(layer);
    if (it == targets.end()) {
      bad.push_back(layer + ": no such target");
      continue;
    }
    std::set<std::string> layers_linked;
    for (const std::string& l : it->second.links) {
      if (is_layer(l)) layers_linked.insert(l);
      if (starts_with(l, "LLVM") && layer != "jitexpr_codegen") bad.push_back(layer + " links " + l);
    }
    std::set<std::string> expected;
    if (!below.empty()) expected.insert(below);
    if (layers_linked != expected) {
      std::string got;
      for (const std::string& l : layers_linked) got += " " + l;
      bad.push_back(layer + " links the layers {" + got + " }, not {" + (below.empty() ? "" : " " + below) + " }");
    }
  }
  return bad;
}

// The layers a target links, directly or through other targets.
std::set<Part> linked_layers(const Targets& targets, const std::string& name) {
  std::set<Part> out;
  std::vector<std::string> todo = {name};
  std::set<std::string> seen;
  while (!todo.empty()) {
    std::string t = todo.back();
    todo.pop_back();
    if (!seen.insert(t).second) continue;
    if (is_layer(t)) out.insert(layer_part(t));
    auto it = targets.find(t);
    if (it != targets.end()) todo.insert(todo.end(), it->second.links.begin(), it->second.links.end());
  }
  return out;
}

// A tool includes a layer's internal headers only if its target links that layer; one that links
// libjitexpr.so alone sees the public API only, since that is all the library exports.
std::vector<std::string> target_violations(const Tree& tree, const Targets& targets,
                                           const std::vector<std::string>& tools) {
  std::vector<std::string> bad;
  for (const std::string& name : tools) {
    auto it = targets.find(name);
    if (it == targets.end()) {
      bad.push_back(name + ": no such target");
      continue;
    }
    const std::set<Part> layers = linked_layers(targets, name);
    // Its own files: its sources and the headers of tools/ they include, followed through.
    std::vector<std::string> todo = it->second.sources;
    std::set<std::string> seen;
    while (!todo.empty()) {
      std::string file = todo.back();
      todo.pop_back();
      if (!seen.insert(file).second || !tree.count(file)) continue;
      for (const Include& inc : includes_of(tree.at(file))) {
        std::optional<std::string> found;
        const Part to = reached(tree, file, inc, &found);
        if (to == Part::Tools && found) todo.push_back(*found);
        const bool internal = to == Part::Base || to == Part::Frontend || to == Part::Ir || to == Part::Codegen ||
                              to == Part::Runtime;
        if (internal && !layers.count(to)) {
          bad.push_back(name + ": " + file + ":" + std::to_string(inc.line) + ": " + inc.name + " (" + part_name(to) +
                        " internals, but the target does not link that layer)");
        }
      }
    }
  }
  return bad;
}

// ---- symbols (nm) ----

struct Symbols {
  std::set<std::string> defined;    // strong definitions (code, data)
  std::set<std::string> undefined;  // references
};
using LayerSymbols = std::map<std::string, Symbols>;  // layer target -> its archive's symbols

Symbols symbols_of(const std::string& archive) {
  Symbols s;
  const std::string command = std::string(JITEXPR_NM) + " -g -P '" + archive + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return s;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe.get())) {
    std::istringstream line(buf.data());
    std::string name, type;
    if (!(line >> name >> type) || name.back() == ':') continue;  // an archive member's header
    if (type == "U") s.undefined.insert(name);
    if (type == "T" || type == "D" || type == "B" || type == "R") s.defined.insert(name);
  }
  for (const std::string& d : s.defined) s.undefined.erase(d);  // resolved within the archive
  return s;
}

const LayerSymbols& real_symbols() {
  static const LayerSymbols symbols = [] {
    LayerSymbols out;
    for (const auto& [layer, below] : kLayers) out[layer] = symbols_of(real_targets().at(layer).archive);
    return out;
  }();
  return symbols;
}

int rank_of(const std::string& layer) {
  for (std::size_t i = 0; i < kLayers.size(); ++i) {
    if (kLayers[i].first == layer) return static_cast<int>(i);
  }
  return -1;
}

// A layer's archive may use what its own layer and those below define, never what one above
// defines; and no symbol is defined in two layers.
std::vector<std::string> symbol_violations(const LayerSymbols& symbols) {
  std::vector<std::string> bad;
  std::map<std::string, std::string> definer;
  for (const auto& [layer, s] : symbols) {
    for (const std::string& d : s.defined) {
      auto [it, fresh] = definer.emplace(d, layer);
      if (!fresh) bad.push_back(d + " is defined in " + it->second + " and in " + layer);
    }
  }
  for (const auto& [layer, s] : symbols) {
    for (const std::string& u : s.undefined) {
      auto it = definer.find(u);
      if (it != definer.end() && rank_of(it->second) > rank_of(layer)) {
        bad.push_back(layer + " uses " + u + ", which " + it->second + " defines");
      }
    }
  }
  return bad;
}

const std::vector<std::string> kTools = {"jitexpr_session", "jitexpr_tool", "jitexpr_aot"};

// ---- the real tree ----

TEST(Layering, EveryIncludeStaysInItsLayer) { EXPECT_EQ(include_violations(real_tree()), std::vector<std::string>{}); }

TEST(Layering, EachLayerLinksTheOneBelowAndOnlyCodegenLinksLlvm) {
  EXPECT_EQ(arrow_violations(real_targets()), std::vector<std::string>{});
}

TEST(Layering, ToolsLinkTheLayersWhoseInternalsTheyInclude) {
  EXPECT_EQ(target_violations(real_tree(), real_targets(), kTools), std::vector<std::string>{});
}

TEST(Layering, NoLayerUsesASymbolDefinedAboveIt) {
  ASSERT_FALSE(real_symbols().at("jitexpr_frontend").defined.empty()) << "nm read nothing";
  EXPECT_EQ(symbol_violations(real_symbols()), std::vector<std::string>{});
}

// The checks see the whole tree, so that each test below can fail.
TEST(Layering, TheChecksSeeTheTree) {
  EXPECT_TRUE(real_tree().count("frontend/ModuleParser.cpp"));
  EXPECT_TRUE(real_tree().count("base/include/jitexpr/Error.h"));
  EXPECT_FALSE(real_targets().at("jitexpr_aot").sources.empty());
  EXPECT_FALSE(real_symbols().at("jitexpr_base").defined.empty());
}

// ---- each leak this design removed, reintroduced on a copy, is caught ----

Tree with_line_added(const std::string& path, const std::string& line) {
  Tree tree = real_tree();
  EXPECT_TRUE(tree.count(path)) << path;
  tree[path] = line + "\n" + tree[path];
  return tree;
}

bool any_mentions(const std::vector<std::string>& found, const std::string& what) {
  return std::any_of(found.begin(), found.end(), [&](const std::string& f) { return f.find(what) != std::string::npos; });
}

TEST(LayeringCatches, TheFrontendIncludingArrayH) {
  auto found = include_violations(with_line_added("frontend/ModuleParser.cpp", "#include <jitexpr/Array.h>"));
  EXPECT_TRUE(any_mentions(found, "frontend/ModuleParser.cpp:1: jitexpr/Array.h (frontend includes runtime (public))"))
      << ::testing::PrintToString(found);
}

TEST(LayeringCatches, CodegenIncludingARuntimeHeaderByARelativePath) {
  auto found = include_violations(with_line_added("codegen/EmitKernel.cpp", "#include \"../runtime/ModuleImpl.h\""));
  EXPECT_TRUE(any_mentions(found, "codegen/EmitKernel.cpp:1: ../runtime/ModuleImpl.h (codegen includes runtime)"))
      << ::testing::PrintToString(found);
}

TEST(LayeringCatches, TheSharedVocabularyAboveTheLayersThatUseIt) {
  Tree tree = real_tree();
  tree["runtime/include/jitexpr/Error.h"] = tree.at("base/include/jitexpr/Error.h");
  tree.erase("base/include/jitexpr/Error.h");
  auto found = include_violations(tree);
  EXPECT_TRUE(any_mentions(found, "frontend/Source.h:4: jitexpr/Error.h (frontend includes runtime (public))"))
      << ::testing::PrintToString(found);
}

TEST(LayeringCatches, LlvmOutsideCodegen) {
  auto found = include_violations(with_line_added("ir/Node.cpp", "#include <llvm/IR/Module.h>"));
  EXPECT_TRUE(any_mentions(found, "ir/Node.cpp:1: llvm/IR/Module.h (ir includes LLVM)")) << ::testing::PrintToString(found);
}

TEST(LayeringCatches, APublicHeaderIncludingALibraryOrAnInternalHeader) {
  auto lib = include_violations(with_line_added("runtime/include/jitexpr/Array.h", "#include <fmt/format.h>"));
  EXPECT_TRUE(any_mentions(lib, "jitexpr/Array.h:1: fmt/format.h (a public header includes a library)"))
      << ::testing::PrintToString(lib);
  auto internal = include_violations(with_line_added("base/include/jitexpr/DType.h", "#include \"base/KernelAbi.h\""));
  EXPECT_TRUE(any_mentions(internal, "DType.h:1: base/KernelAbi.h (base (public) includes base)"))
      << ::testing::PrintToString(internal);
}

TEST(LayeringCatches, TheRuntimeHelpersReachingAboveBase) {
  auto found = include_violations(with_line_added("runtime/helpers/Helpers.cpp", "#include \"runtime/Parallel.h\""));
  EXPECT_TRUE(any_mentions(found, "Helpers.cpp:1: runtime/Parallel.h (runtime helpers includes runtime)"))
      << ::testing::PrintToString(found);
}

TEST(LayeringCatches, AToolIncludingInternalsWhileLinkingOnlyTheLibrary) {
  Targets targets = real_targets();
  targets["jitexpr_aot"].links = {"jitexpr"};
  auto found = target_violations(real_tree(), targets, {"jitexpr_aot"});
  EXPECT_TRUE(any_mentions(found, "jitexpr_aot: tools/aot/main.cpp")) << ::testing::PrintToString(found);
  EXPECT_TRUE(any_mentions(found, "(ir internals, but the target does not link that layer)"))
      << ::testing::PrintToString(found);
}

TEST(LayeringCatches, ALayerLinkingAroundTheArrows) {
  Targets targets = real_targets();
  targets["jitexpr_frontend"].links.push_back("jitexpr_ir");
  targets["jitexpr_runtime"].links.push_back("LLVM-19");
  auto found = arrow_violations(targets);
  EXPECT_TRUE(any_mentions(found, "jitexpr_frontend links the layers { jitexpr_base jitexpr_ir }, not { jitexpr_base }"))
      << ::testing::PrintToString(found);
  EXPECT_TRUE(any_mentions(found, "jitexpr_runtime links LLVM-19")) << ::testing::PrintToString(found);
}

// The hidden link of old: the parser called dtype_from_name, declared in a header the frontend may
// include but defined in ir. Moved back there, the frontend's use of it is caught.
TEST(LayeringCatches, AFunctionDefinedAboveTheLayerThatCallsIt) {
  LayerSymbols symbols = real_symbols();
  const std::string name = "_ZN7jitexpr15dtype_from_nameESt17basic_string_viewIcSt11char_traitsIcEE";
  ASSERT_TRUE(symbols["jitexpr_base"].defined.count(name));
  ASSERT_TRUE(symbols["jitexpr_frontend"].undefined.count(name));
  symbols["jitexpr_base"].defined.erase(name);
  symbols["jitexpr_ir"].defined.insert(name);
  auto found = symbol_violations(symbols);
  EXPECT_TRUE(any_mentions(found, "jitexpr_frontend uses " + name + ", which jitexpr_ir defines"))
      << ::testing::PrintToString(found);
}

}  // namespace
