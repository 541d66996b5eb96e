#include "runtime/DiskCache.h"

#include "codegen/Compiler.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace jitexpr {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[12] = {'J', 'I', 'T', 'E', 'X', 'P', 'R', '-', 'O', 'B', 'J', '\n'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr const char* kSuffix = ".jxo";
// An object larger than this is not a kernel of ours: refuse to allocate for it.
constexpr std::uint64_t kMaxObjectBytes = 256ull << 20;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// Reads little-endian integers from a buffer, failing softly at its end.
struct Reader {
  std::string_view data;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t uint(int bytes) {
    if (pos + static_cast<std::size_t>(bytes) > data.size()) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[pos + i])) << (8 * i);
    pos += static_cast<std::size_t>(bytes);
    return v;
  }
  std::string_view take(std::uint64_t n) {
    if (n > data.size() - pos) {
      ok = false;
      return {};
    }
    std::string_view v = data.substr(pos, n);
    pos += n;
    return v;
  }
};

std::string hex_digest_bytes(std::string_view data) { return codegen::sha256_hex(data); }

}  // namespace

std::string DiskCache::default_dir() {
  if (const char* d = std::getenv("JITEXPR_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/jitexpr";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/jitexpr";
  return (fs::temp_directory_path() / "jitexpr-cache").string();
}

bool DiskCache::enabled_by_environment() {
  const char* v = std::getenv("JITEXPR_CACHE");
  if (!v) return true;
  std::string s(v);
  return !(s == "0" || s == "off" || s == "false" || s == "no");
}

DiskCache::DiskCache(std::string dir, std::uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

std::string DiskCache::path_for(const std::string& key) const {
  return dir_ + "/" + codegen::sha256_hex(key).substr(0, 40) + kSuffix;
}

std::optional<std::string> DiskCache::load(const std::string& key) {
  std::string path = path_for(key);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::string data;
  if (fs::is_regular_file(path, ec)) {
    try {
      std::ifstream in(path, std::ios::binary);
      if (in) data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (const std::exception&) {
      data.clear();  // unreadable: treated as damaged below
    }
  }
  Reader r{data};
  std::string_view magic = r.take(sizeof kMagic);
  std::uint32_t version = static_cast<std::uint32_t>(r.uint(4));
  std::uint64_t key_len = r.uint(4);
  std::string_view stored_key = r.take(key_len);
  std::uint64_t size = r.uint(8);
  std::string_view digest = r.take(64);
  bool valid = r.ok && magic == std::string_view(kMagic, sizeof kMagic) && version == kFormatVersion &&
               stored_key == key && size <= kMaxObjectBytes && size == data.size() - r.pos;
  std::string_view object = valid ? r.take(size) : std::string_view{};
  valid = valid && r.ok && hex_digest_bytes(object) == digest;
  if (!valid) {
    // Damaged, truncated, from another format version, or not ours: never trusted.
    errors_.fetch_add(1);
    fs::remove(path, ec);
    return std::nullopt;
  }
  // Refresh the modification time: eviction removes the least recently used entries.
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  return std::string(object);
}

void DiskCache::store(const std::string& key, std::string_view object) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string blob(kMagic, sizeof kMagic);
  put_u32(blob, kFormatVersion);
  put_u32(blob, static_cast<std::uint32_t>(key.size()));
  blob += key;
  put_u64(blob, object.size());
  blob += hex_digest_bytes(object);
  blob += object;
  std::string path = path_for(key);
  // A name no other writer uses; the rename publishes the entry whole.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rng());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(blob.data(), static_cast<std::streamsize>(blob.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return;
  }
  evict_if_needed();
}

void DiskCache::remove(const std::string& key) {
  std::error_code ec;
  fs::remove(path_for(key), ec);
}

void DiskCache::evict_if_needed() {
  std::error_code ec;
  struct Entry {
    fs::path path;
    std::uint64_t size;
    fs::file_time_type time;
  };
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != kSuffix) continue;
    std::error_code e2;
    std::uint64_t size = it->file_size(e2);
    if (e2) continue;
    entries.push_back({it->path(), size, it->last_write_time(e2)});
    total += size;
  }
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.time < b.time; });
  // Down to 90% of the limit, so that a full cache does not scan the directory on every store.
  std::uint64_t target = max_bytes_ / 10 * 9;
  for (const Entry& e : entries) {
    if (total <= target) break;
    std::error_code e2;
    if (fs::remove(e.path, e2)) total -= e.size;
  }
}

DiskCacheInfo DiskCache::info() const {
  DiskCacheInfo info;
  info.dir = dir_;
  info.enabled = true;
  info.max_bytes = max_bytes_;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != kSuffix) continue;
    std::error_code e2;
    std::uint64_t size = it->file_size(e2);
    if (e2) continue;
    ++info.entries;
    info.bytes += size;
  }
  return info;
}

std::uint64_t DiskCache::clear() {
  std::error_code ec;
  std::uint64_t n = 0;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool ours = it->path().extension() == kSuffix || name.find(std::string(kSuffix) + ".tmp.") != std::string::npos;
    if (!ours) continue;
    std::error_code e2;
    if (fs::remove(it->path(), e2) && it->path().extension() == kSuffix) ++n;
  }
  return n;
}

}  // namespace jitexpr
