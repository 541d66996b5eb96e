// The disk cache: hits across runtimes (as across processes), and every kind of damaged entry
// detected, removed and recompiled, never trusted and never a crash.
#include <jitexpr/jitexpr.h>

#include "runtime/DiskCache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace jitexpr;

class DiskCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jitexpr-disk-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RuntimeOptions options() const {
    RuntimeOptions o;
    o.disk_cache = true;
    o.cache_dir = dir_.string();
    return o;
  }

  // Evaluates one expression in a fresh runtime (a stand-in for a fresh process) and checks it.
  RuntimeStats run_once(const std::string& expr = "2*a + sin(a)") {
    Runtime rt(options());
    Array a = Array::arange(100, DType::Float64);
    Array r = rt.evaluate(expr, {{"a", a}});
    if (expr == "2*a + sin(a)") EXPECT_DOUBLE_EQ(r.data<double>()[3], 6.0 + std::sin(3.0));
    return rt.stats();
  }

  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    if (!fs::exists(dir_)) return out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".jxo") out.push_back(e.path());
    }
    return out;
  }

  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void write(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
  }

  // Damages the single entry, then checks that the next run detects it, recompiles, and leaves
  // a good entry behind.
  void expect_recovers(const std::function<void(const fs::path&)>& damage) {
    run_once();
    std::vector<fs::path> files = entries();
    ASSERT_EQ(files.size(), 1u);
    damage(files[0]);
    RuntimeStats s = run_once();
    EXPECT_EQ(s.disk_hits, 0u);
    EXPECT_EQ(s.disk_misses, 1u);
    EXPECT_EQ(s.disk_errors, 1u);
    RuntimeStats again = run_once();
    EXPECT_EQ(again.disk_hits, 1u);
    EXPECT_EQ(again.disk_errors, 0u);
  }

  fs::path dir_;
};

TEST_F(DiskCacheTest, SecondRuntimeLoadsFromDiskWithoutCompiling) {
  RuntimeStats first = run_once();
  EXPECT_EQ(first.disk_misses, 1u);
  EXPECT_EQ(first.disk_hits, 0u);
  ASSERT_EQ(entries().size(), 1u);
  RuntimeStats second = run_once();
  EXPECT_EQ(second.disk_hits, 1u);
  ASSERT_EQ(second.entries.size(), 1u);
  EXPECT_TRUE(second.entries[0].from_disk);
  EXPECT_EQ(second.entries[0].optimize_ms, 0.0);
}

TEST_F(DiskCacheTest, TruncatedEntryIsRecompiled) {
  expect_recovers([&](const fs::path& p) {
    std::string d = read(p);
    write(p, d.substr(0, d.size() / 2));
  });
}

TEST_F(DiskCacheTest, EmptyEntryIsRecompiled) {
  expect_recovers([&](const fs::path& p) { write(p, ""); });
}

TEST_F(DiskCacheTest, CorruptObjectFailsItsChecksum) {
  expect_recovers([&](const fs::path& p) {
    std::string d = read(p);
    d[d.size() - 100] ^= 0x5a;
    write(p, d);
  });
}

TEST_F(DiskCacheTest, ForeignFormatVersionIsRecompiled) {
  expect_recovers([&](const fs::path& p) {
    std::string d = read(p);
    d[12] = 99;  // the format version follows the 12-byte magic
    write(p, d);
  });
}

TEST_F(DiskCacheTest, EntryOfAnotherKeyIsNeverTrusted) {
  expect_recovers([&](const fs::path& p) {
    std::string d = read(p);
    std::size_t pos = d.find("2 * a");
    ASSERT_NE(pos, std::string::npos);
    d[pos] = '3';  // the same file now claims another key
    write(p, d);
  });
}

TEST_F(DiskCacheTest, GarbageIsRecompiled) {
  expect_recovers([&](const fs::path& p) { write(p, std::string(5000, '\x7f')); });
}

TEST_F(DiskCacheTest, UnreadableEntryIsAMissNotACrash) {
  run_once();
  std::vector<fs::path> files = entries();
  ASSERT_EQ(files.size(), 1u);
  fs::remove(files[0]);
  fs::create_directory(files[0]);  // a directory where the entry should be
  fs::create_directory(files[0] / "child");
  RuntimeStats s = run_once();
  EXPECT_EQ(s.disk_hits, 0u);
  EXPECT_EQ(s.disk_misses, 1u);
}

TEST_F(DiskCacheTest, TurnedOffWritesNothing) {
  RuntimeOptions o = options();
  o.disk_cache = false;
  Runtime rt(o);
  rt.evaluate("a + 1", {{"a", Array::arange(4, DType::Float64)}});
  EXPECT_FALSE(rt.stats().disk_enabled);
  EXPECT_TRUE(entries().empty());
}

TEST_F(DiskCacheTest, SizeLimitEvictsLeastRecentlyUsed) {
  RuntimeOptions o = options();
  o.disk_cache_max_bytes = 20'000;  // a few kernels
  for (int k = 0; k < 30; ++k) {
    Runtime rt(o);
    rt.evaluate("a * " + std::to_string(k) + " + 1", {{"a", Array::arange(4, DType::Float64)}});
  }
  std::uintmax_t total = 0;
  for (const fs::path& p : entries()) total += fs::file_size(p);
  EXPECT_LE(total, 20'000u);
  EXPECT_GT(entries().size(), 0u);
}

TEST_F(DiskCacheTest, ClearRemovesEveryEntry) {
  run_once();
  run_once("a * 3");
  Runtime rt(options());
  EXPECT_EQ(rt.clear_disk_cache(), 2u);
  EXPECT_TRUE(entries().empty());
}

TEST_F(DiskCacheTest, ConcurrentProcessesCompilingTheSameKeys) {
  // Eight processes compile the same 20 expressions at once; every entry ends up whole.
  constexpr int kProcs = 8;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int bad = 0;
      try {
        Runtime rt(options());
        Array a = Array::arange(64, DType::Float64);
        for (int k = 0; k < 20; ++k) {
          Array r = rt.evaluate("a * " + std::to_string(k) + " - 1", {{"a", a}});
          if (r.data<double>()[5] != 5.0 * k - 1) ++bad;
        }
      } catch (...) {
        bad = 100;
      }
      ::_exit(bad);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  EXPECT_EQ(entries().size(), 20u);
  // A new runtime finds all of them intact.
  Runtime rt(options());
  Array a = Array::arange(64, DType::Float64);
  for (int k = 0; k < 20; ++k) rt.evaluate("a * " + std::to_string(k) + " - 1", {{"a", a}});
  RuntimeStats s = rt.stats();
  EXPECT_EQ(s.disk_hits, 20u);
  EXPECT_EQ(s.disk_errors, 0u);
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_EQ(e.path().extension(), ".jxo") << "left behind: " << e.path();
}

}  // namespace

// Kernel specializations go through the same disk cache: a second runtime (a stand-in for a
// second process) links them from disk, with their results and their errors' positions intact.
class KernelDiskCacheTest : public DiskCacheTest {
 protected:
  static constexpr const char* kSource =
      "def total(a):\n"
      "    s = 0.0\n"
      "    for i in range(len(a)):\n"
      "        s += a[i] * 2.0\n"
      "    return s\n"
      "\n"
      "def at(a, i):\n"
      "    return a[i]\n";

  // Calls total(0, 1, 2, 3) in a fresh runtime; returns its stats.
  RuntimeStats call_total(const std::string& source = kSource, double want = 12.0) {
    Runtime rt(options());
    Module m = rt.compile_module(source);
    EXPECT_EQ(m("total")(Array::arange(4, DType::Float64)).as<double>(), want);
    return rt.stats();
  }
};

TEST_F(KernelDiskCacheTest, SecondRuntimeLinksTheKernelFromDisk) {
  RuntimeStats first = call_total();
  EXPECT_EQ(first.disk_hits, 0u);
  EXPECT_EQ(first.disk_misses, 1u);
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(first.kernel_compiles, 1u);
  EXPECT_GT(first.kernel_compile_ms, 0.0);
  RuntimeStats second = call_total();
  EXPECT_EQ(second.disk_hits, 1u);
  EXPECT_EQ(second.disk_misses, 0u);
  EXPECT_EQ(second.kernel_compiles, 0u);  // linked, not compiled
  EXPECT_EQ(second.kernel_compile_ms, 0.0);
}

TEST_F(KernelDiskCacheTest, OtherArgumentTypesAndOtherSourceAreMisses) {
  call_total();
  {
    Runtime rt(options());
    Module m = rt.compile_module(kSource);
    EXPECT_EQ(m("total")(Array::arange(4, DType::Int64)).as<double>(), 12.0);  // int64[:], not float64[:]
    EXPECT_EQ(rt.stats().disk_hits, 0u);
  }
  // The same function in a module whose text differs: never the old code.
  std::string changed = kSource;
  changed.replace(changed.find("2.0"), 3, "3.0");
  RuntimeStats s = call_total(changed, 18.0);
  EXPECT_EQ(s.disk_hits, 0u);
  EXPECT_EQ(entries().size(), 3u);
}

TEST_F(KernelDiskCacheTest, ErrorsOfAKernelFromDiskKeepTheirPositions) {
  for (int run = 0; run < 2; ++run) {
    Runtime rt(options());
    Module m = rt.compile_module(kSource);
    try {
      m("at")(Array::arange(3, DType::Float64), 5);
      ADD_FAILURE() << "no IndexError";
    } catch (const IndexError& e) {
      EXPECT_NE(std::string(e.what()).find(":8:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("index 5"), std::string::npos) << e.what();
    }
    EXPECT_EQ(rt.stats().disk_hits, run == 0 ? 0u : 1u);
  }
}

TEST_F(KernelDiskCacheTest, DamagedKernelEntryIsRecompiled) {
  call_total();
  std::vector<fs::path> files = entries();
  ASSERT_EQ(files.size(), 1u);
  std::string d = read(files[0]);
  d[d.size() - 64] ^= 0x21;
  write(files[0], d);
  RuntimeStats s = call_total();
  EXPECT_EQ(s.disk_hits, 0u);
  EXPECT_EQ(s.disk_errors, 1u);
  EXPECT_EQ(call_total().disk_hits, 1u);
}
