// The target CPU and vector width of compiled code (RuntimeOptions::cpu and vector_width,
// JITEXPR_CPU, JITEXPR_VECTOR_WIDTH): the widths they pin, the names they refuse, and the disk
// cache keeping each target's code apart. What this host can run is read from /proc/cpuinfo.
#include <jitexpr/jitexpr.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <unistd.h>

namespace {

using namespace jitexpr;

std::set<std::string> host_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::set<std::string> flags;
    for (std::string w; words >> w;) flags.insert(w);
    return flags;
  }
  return {};
}

RuntimeOptions target(const std::string& cpu, int width = 0) {
  RuntimeOptions o;
  o.disk_cache = false;
  o.cpu = cpu;
  o.vector_width = width;
  return o;
}

// The vector widths of double in the optimized IR of 2*a + 1 over a large contiguous array.
std::set<int> double_lanes(Runtime& rt) {
  Array a = Array::arange(100000, DType::Float64);
  std::string llvm = rt.dump_llvm("2*a + 1", {{"a", a}});
  std::set<int> lanes;
  std::regex vec("<([0-9]+) x double>");
  for (auto it = std::sregex_iterator(llvm.begin(), llvm.end(), vec); it != std::sregex_iterator(); ++it) {
    lanes.insert(std::stoi((*it)[1]));
  }
  return lanes;
}

std::string assembly(Runtime& rt, const std::string& expr) {
  Array a = Array::arange(100000, DType::Float64);
  return rt.dump_asm(expr, {{"a", a}});
}

template <class F>
std::string value_error(F&& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.message();
  }
  return "(no ValueError)";
}

// Clears JITEXPR_CPU and JITEXPR_VECTOR_WIDTH for one test (the suite may run under either),
// and puts them back after.
class ClearedTargetEnvironment {
 public:
  ClearedTargetEnvironment() {
    for (auto& [name, value] : saved_) {
      if (const char* v = std::getenv(name)) value = v;
      ::unsetenv(name);
    }
  }
  ~ClearedTargetEnvironment() {
    for (auto& [name, value] : saved_) {
      if (value) ::setenv(name, value->c_str(), 1);
    }
  }

 private:
  std::pair<const char*, std::optional<std::string>> saved_[2] = {{"JITEXPR_CPU", {}}, {"JITEXPR_VECTOR_WIDTH", {}}};
};

// Every test here says its own target.
class Target : public ::testing::Test {
  ClearedTargetEnvironment cleared_;
};

TEST_F(Target, DefaultIsTheHost) {
  Runtime rt(target(""));
  EXPECT_EQ(rt.stats().target.rfind("native (", 0), 0u) << rt.stats().target;
  Array a = Array::arange(1000, DType::Float64);
  EXPECT_EQ(rt.evaluate("2*a + 1", {{"a", a}}).data<double>()[999], 1999.0);
}

TEST_F(Target, SseOnlyCodeForX8664V2) {
  Runtime rt(target("x86-64-v2"));
  EXPECT_EQ(rt.stats().target, "x86-64-v2");
  EXPECT_EQ(double_lanes(rt), std::set<int>{2});
  std::string sin = assembly(rt, "sin(a) + 2*a");
  EXPECT_EQ(sin.find("ymm"), std::string::npos);
  EXPECT_EQ(sin.find("zmm"), std::string::npos);
  EXPECT_NE(sin.find("_ZGVbN2v_sin"), std::string::npos) << "libmvec's SSE variant";
  Array a = Array::arange(1001, DType::Float64);
  Array r = rt.evaluate("sin(a) + 2*a", {{"a", a}});
  for (int i = 0; i < 1001; ++i) ASSERT_NEAR(r.data<double>()[i], std::sin(i) + 2.0 * i, 1e-12) << i;
}

TEST_F(Target, Avx2CodeForX8664V3) {
  if (!host_flags().count("avx2")) GTEST_SKIP() << "this host has no AVX2";
  Runtime rt(target("x86-64-v3"));
  EXPECT_EQ(double_lanes(rt), std::set<int>{4});
  std::string code = assembly(rt, "sin(a) + 2*a");
  EXPECT_NE(code.find("ymm"), std::string::npos);
  EXPECT_EQ(code.find("zmm"), std::string::npos);
}

TEST_F(Target, VectorWidthPinsTheLanes) {
  if (!host_flags().count("avx512f")) GTEST_SKIP() << "this host has no AVX-512";
  Runtime wide(target("x86-64-v4", 512));
  EXPECT_EQ(wide.stats().target, "x86-64-v4, 512-bit vectors");
  EXPECT_EQ(double_lanes(wide), std::set<int>{8});
  EXPECT_NE(assembly(wide, "sin(a)").find("_ZGVeN8v_sin"), std::string::npos) << "libmvec's AVX-512 variant";
  Runtime narrow(target("x86-64-v4", 256));
  EXPECT_EQ(double_lanes(narrow), std::set<int>{4});
  Runtime sse(target("native", 128));
  EXPECT_EQ(double_lanes(sse), std::set<int>{2});
}

TEST_F(Target, UnknownCpuListsTheAcceptedNames) {
  std::string msg = value_error([] { Runtime rt(target("no-such-cpu")); });
  EXPECT_NE(msg.find("unknown CPU 'no-such-cpu'"), std::string::npos) << msg;
  for (const char* name : {"native", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4", "znver4"}) {
    EXPECT_NE(msg.find(name), std::string::npos) << name << " in " << msg;
  }
}

TEST_F(Target, UnknownOrImpossibleWidthIsRefused) {
  EXPECT_NE(value_error([] { Runtime rt(target("native", 100)); }).find("unknown vector width 100"), std::string::npos);
  EXPECT_NE(value_error([] { Runtime rt(target("x86-64-v2", 256)); }).find("no 256-bit vectors"), std::string::npos);
  EXPECT_NE(value_error([] { Runtime rt(target("x86-64-v3", 512)); }).find("no 512-bit vectors"), std::string::npos);
}

TEST_F(Target, CpuWithInstructionsTheHostLacksIsRefused) {
  // The first of these whose instructions this host does not have (by /proc/cpuinfo's names).
  const std::pair<const char*, const char*> candidates[] = {
      {"x86-64-v4", "avx512f"}, {"sapphirerapids", "amx_tile"}, {"graniterapids", "amx_fp16"}};
  std::set<std::string> flags = host_flags();
  for (const auto& [cpu, flag] : candidates) {
    if (flags.count(flag)) continue;
    std::string msg = value_error([cpu = cpu] { Runtime rt(target(cpu)); });
    EXPECT_NE(msg.find("would not run here"), std::string::npos) << cpu << ": " << msg;
    return;
  }
  GTEST_SKIP() << "this host has every candidate's instructions";
}

TEST_F(Target, EnvironmentChoosesWhenOptionsDoNot) {
  ::setenv("JITEXPR_CPU", "x86-64-v2", 1);
  {
    Runtime rt(target(""));
    EXPECT_EQ(rt.stats().target, "x86-64-v2");
    EXPECT_EQ(double_lanes(rt), std::set<int>{2});
    Runtime chosen(target("x86-64"));  // the option wins over the environment
    EXPECT_EQ(chosen.stats().target, "x86-64");
  }
  ::setenv("JITEXPR_VECTOR_WIDTH", "wide", 1);
  std::string msg = value_error([] { Runtime rt(target("")); });
  ::unsetenv("JITEXPR_CPU");
  ::unsetenv("JITEXPR_VECTOR_WIDTH");
  EXPECT_NE(msg.find("JITEXPR_VECTOR_WIDTH='wide'"), std::string::npos) << msg;
}

TEST_F(Target, DiskCacheKeepsTargetsApart) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("jitexpr-target-cache-" + std::to_string(::getpid()));
  auto on_disk = [&](const std::string& cpu) {
    RuntimeOptions o = target(cpu);
    o.disk_cache = true;
    o.cache_dir = dir.string();
    o.tiering = false;  // one compile per specialization, optimized
    return o;
  };
  Array a = Array::arange(64, DType::Float64);
  {
    Runtime host(on_disk("native"));
    host.evaluate("a*3 - 1", {{"a", a}});
    EXPECT_EQ(host.stats().disk_misses, 1u);
  }
  {
    Runtime sse(on_disk("x86-64-v2"));
    sse.evaluate("a*3 - 1", {{"a", a}});
    EXPECT_EQ(sse.stats().disk_hits, 0u) << "the host's object is not SSE code";
    EXPECT_EQ(sse.stats().disk_misses, 1u);
  }
  {
    Runtime sse(on_disk("x86-64-v2"));
    EXPECT_EQ(sse.evaluate("a*3 - 1", {{"a", a}}).data<double>()[10], 29.0);
    EXPECT_EQ(sse.stats().disk_hits, 1u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
