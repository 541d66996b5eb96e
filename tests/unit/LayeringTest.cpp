// The dependency direction of design.md: frontend <- ir <- codegen <- runtime, and only codegen/
// includes LLVM. Public headers include only public headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> includes_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  std::string line;
  std::regex inc(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, inc)) out.push_back(m[1]);
  }
  return out;
}

// Every source file under `dir` and the includes that break its layer's rules.
std::vector<std::string> violations(const std::string& dir, const std::vector<std::string>& forbidden_prefixes) {
  std::vector<std::string> bad;
  fs::path root = fs::path(JITEXPR_SOURCE_DIR) / dir;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp") continue;
    for (const std::string& inc : includes_of(entry.path())) {
      for (const std::string& prefix : forbidden_prefixes) {
        if (inc.rfind(prefix, 0) == 0) bad.push_back(entry.path().string() + ": " + inc);
      }
    }
  }
  return bad;
}

TEST(Layering, FrontendSeesNoIrCodegenRuntimeOrLlvm) {
  EXPECT_EQ(violations("frontend", {"llvm/", "ir/", "codegen/", "runtime/"}), std::vector<std::string>{});
}

TEST(Layering, IrSeesNoCodegenRuntimeOrLlvm) {
  EXPECT_EQ(violations("ir", {"llvm/", "codegen/", "runtime/"}), std::vector<std::string>{});
}

TEST(Layering, CodegenSeesNoRuntime) { EXPECT_EQ(violations("codegen", {"runtime/"}), std::vector<std::string>{}); }

TEST(Layering, RuntimeSeesNoLlvm) { EXPECT_EQ(violations("runtime", {"llvm/"}), std::vector<std::string>{}); }

TEST(Layering, PublicHeadersIncludeOnlyPublicHeaders) {
  EXPECT_EQ(violations("runtime/include", {"llvm/", "frontend/", "ir/", "codegen/", "runtime/", "fmt/", "tbb/"}),
            std::vector<std::string>{});
}

TEST(Layering, ToolsSeeNoLlvm) { EXPECT_EQ(violations("tools", {"llvm/", "codegen/"}), std::vector<std::string>{}); }

}  // namespace
