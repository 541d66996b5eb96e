// Keeps the unit tests away from the user's disk cache: every test process gets a fresh cache
// directory of its own (tests that need another location set RuntimeOptions::cache_dir).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace {

class IsolatedCacheEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("jitexpr-unit-cache-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ::setenv("JITEXPR_CACHE_DIR", dir_.c_str(), 1);
    ::unsetenv("JITEXPR_CACHE");
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::filesystem::path dir_;
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new IsolatedCacheEnvironment);

}  // namespace
