// The book workloads through jitexpr: the kernels of examples/kernels, either compiled ahead of
// time by jitexpr-aot (built with WORKLOADS_AOT: the program workloads_aot) or compiled by the
// JIT at their first call (workloads_jit), and, in workloads_jit only, the array-expression forms
// of three workloads. Workloads.h has the command line and the JSON line it prints.
//
// The JIT variant starts its Runtime inside the first timed call, so `first_s` is a cold start:
// starting the JIT, parsing the module, compiling the specializations and running them. It obeys
// JITEXPR_CACHE and JITEXPR_CACHE_DIR, so a second process with the same cache directory measures
// a start from the disk cache.
#include "Workloads.h"

#include <jitexpr/jitexpr.h>

#include <fstream>
#include <thread>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>

#if WORKLOADS_AOT
#include "diffusion.h"
#include "distance.h"
#include "julia.h"
#include "norm.h"
#include "particles.h"
#include "pi.h"
#include "primes.h"
#endif

namespace {

using jitexpr::Array;
using jitexpr::DType;
using namespace workloads;

// Whether the workload runs on the thread pool (a prange loop, an array expression); the others
// run on the calling thread.
bool uses_pool = false;

#if WORKLOADS_AOT

constexpr const char* kVariant = WORKLOADS_VARIANT == std::string_view("workloads_aot") ? "aot" : "aot-x86-64";
int threads() { return uses_pool ? static_cast<int>(std::thread::hardware_concurrency()) : 1; }
void seed_random(std::uint64_t seed) { jitexpr::aot::seed(seed); }
#define KERNEL(module, function) module::function
std::string extra_fields() { return ""; }
void settle() {}

#else

constexpr const char* kVariant = "jit";

// The runtime and the modules loaded so far, made at the first use: inside the first timed call.
struct Jit {
  std::optional<jitexpr::Runtime> rt;
  std::map<std::string, jitexpr::Module> modules;
  double start_s = 0;  // constructing the Runtime
};
Jit jit;

jitexpr::Runtime& runtime() {
  if (!jit.rt) {
    auto t0 = Clock::now();
    jit.rt.emplace();
    jit.start_s = seconds_since(t0);
  }
  return *jit.rt;
}

// The module of examples/kernels/<file>, loaded (parsed) at its first use.
jitexpr::Module& module(const std::string& file) {
  auto it = jit.modules.find(file);
  if (it == jit.modules.end()) {
    std::string path = std::string(JITEXPR_KERNELS_DIR) + "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    jitexpr::ModuleOptions options;
    options.name = path;
    it = jit.modules.emplace(file, runtime().compile_module(text.str(), options)).first;
  }
  return it->second;
}

int threads() { return uses_pool ? runtime().num_threads() : 1; }
void seed_random(std::uint64_t seed) { module("pi.py").seed(seed); }
#define KERNEL(file, function) module(#file ".py")(#function)

std::string extra_fields() {
  // Compiling: kernel specializations, and the array expressions' cache entries (parse, infer,
  // optimize, code generation), all of it in the first call.
  jitexpr::RuntimeStats s = runtime().stats();
  double compile_ms = s.kernel_compile_ms;
  for (const jitexpr::CacheEntryStats& e : s.entries) compile_ms += e.compile_ms();
  return format(", \"jit_start_s\": %.9g, \"compile_s\": %.9g, \"kernel_compiles\": %llu, \"disk_cache\": %s, "
                "\"disk_hits\": %llu, \"disk_misses\": %llu",
                jit.start_s, compile_ms / 1e3, static_cast<unsigned long long>(s.kernel_compiles),
                s.disk_enabled ? "true" : "false", static_cast<unsigned long long>(s.disk_hits),
                static_cast<unsigned long long>(s.disk_misses));
}

// Warm runs time the steady state: the optimized code of every expression, which tiered
// compilation may still be making in the background after the first call.
void settle() {
  if (jit.rt) jit.rt->wait_for_compiles();
}

#endif

// A view of a std::vector as a 1-d or 2-d array, without copying.
template <typename T> Array view(std::vector<T>& v, DType dtype, jitexpr::Shape shape) {
  return Array::view(v.data(), dtype, std::move(shape));
}

Case julia_case() {
  auto zs = std::make_shared<std::vector<std::complex<double>>>(julia_points(kJuliaWidth));
  auto cs = std::make_shared<std::vector<std::complex<double>>>(zs->size(), kJuliaC);
  auto counts = std::make_shared<std::vector<std::int64_t>>(zs->size());
  std::int64_t n = static_cast<std::int64_t>(zs->size());
  return {format("%dx%d points, %lld iterations", kJuliaWidth, kJuliaWidth, static_cast<long long>(kJuliaMaxIter)),
          [] {},
          [=] {
            KERNEL(julia, calculate_z)(kJuliaMaxIter, view(*zs, DType::Complex128, {n}),
                                       view(*cs, DType::Complex128, {n}), view(*counts, DType::Int64, {n}));
          },
          [=] {
            if (!save_path.empty()) save_npy(save_path, counts->data(), kJuliaWidth, n / kJuliaWidth);
            return check_julia(counts->data(), counts->size());
          }};
}

Case diffusion_case() {
  auto total = std::make_shared<double>(0);
  return {format("%lldx%lld grid, %lld steps", static_cast<long long>(kDiffusionN), static_cast<long long>(kDiffusionN),
                 static_cast<long long>(kDiffusionSteps)),
          [] {}, [=] { *total = KERNEL(diffusion, run_experiment)(kDiffusionN, kDiffusionSteps).as<double>(); },
          [=] { return check_diffusion(*total, kDiffusionN); }};
}

Case norm_case() {
  auto v = std::make_shared<Array>(Array::arange(kNormN, DType::Float64));
  auto got = std::make_shared<double>(0);
  return {"1e6 float64", [] {}, [=] { *got = KERNEL(norm, norm_square)(*v).as<double>(); },
          [=] { return check_norm_square(*got); }};
}

Case pi_case() {
  uses_pool = true;  // a prange loop
  auto got = std::make_shared<double>(0);
  return {"1e7 samples", [] {},
          [=] {
            seed_random(kPiSeed);  // the same streams on every run
            *got = KERNEL(pi, estimate_pi)(kPiSamples).as<double>();
          },
          [=] { return check_pi(*got); }};
}

Case primes_case() {
  auto got = std::make_shared<std::vector<bool>>();
  return {"5 numbers up to 1e17", [] {},
          [=] {
            got->clear();
            for (std::int64_t n : prime_candidates()) got->push_back(KERNEL(primes, check_prime)(n).as<bool>());
          },
          [=] { return check_primes(*got); }};
}

void evolve(Particles& p) {
  auto n = static_cast<std::int64_t>(p.x.size());
  KERNEL(particles, evolve)(view(p.x, DType::Float64, {n}), view(p.y, DType::Float64, {n}),
                            view(p.speed, DType::Float64, {n}), kParticleDt);
}

Case particles_case() {
  auto start = std::make_shared<Particles>(random_particles(kParticles));
  auto p = std::make_shared<Particles>();
  return {format("%lld particles, evolve(%g)", static_cast<long long>(kParticles), kParticleDt), [=] { *p = *start; },
          [=] { evolve(*p); },
          [=] {
            Particles three = three_particles();
            evolve(three);
            return check_particles(*start, *p, check_three_particles(three));
          }};
}

Case distance_case() {
  auto points = std::make_shared<std::vector<double>>(random_points(kDistancePoints));
  auto out = std::make_shared<Array>(Array::empty(DType::Float64, {kDistancePoints, kDistancePoints}));
  return {format("%lld points", static_cast<long long>(kDistancePoints)), [] {},
          [=] { KERNEL(distance, distances)(view(*points, DType::Float64, {kDistancePoints, 2}), *out); },
          [=] { return check_distances(*points, out->data<double>(), kDistancePoints); }};
}

#if !WORKLOADS_AOT

// The array-expression forms, evaluated by the JIT's expression compiler.

// sum(v*v): one fused, blocked and parallel reduction.
Case norm_expr_case() {
  uses_pool = true;
  auto v = std::make_shared<Array>(Array::arange(kNormN, DType::Float64));
  auto got = std::make_shared<double>(0);
  return {"1e6 float64", [] {}, [=] { *got = runtime().evaluate("sum(v*v)", {{"v", *v}}).flat_as_double(0); },
          [=] { return check_norm_square(*got); }};
}

// The book's fastest vectorized form: the laplacian by in-place slice additions (its roll_add),
// then the update `out*D*dt + grid` written over the grid (out=), each an evaluation.
Case diffusion_expr_case() {
  uses_pool = true;
  const std::int64_t n = kDiffusionN;
  auto grid = std::make_shared<std::vector<double>>();
  auto lap = std::make_shared<std::vector<double>>(static_cast<std::size_t>(n * n));
  return {format("%lldx%lld grid, %lld steps", static_cast<long long>(n), static_cast<long long>(n),
                 static_cast<long long>(kDiffusionSteps)),
          [=] { *grid = diffusion_initial(n); },
          [=] {
            jitexpr::Runtime& rt = runtime();
            // Rows [r0, r1) and columns [c0, c1) of an n x n matrix.
            auto block = [](std::vector<double>& m, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
              return Array::view(m.data() + r0 * n + c0, DType::Float64, {r1 - r0, c1 - c0}, {n * 8, 8});
            };
            auto add = [&](Array to, const Array& from) { rt.evaluate("o + g", {{"o", to}, {"g", from}}, to); };
            Array g = block(*grid, 0, n, 0, n), l = block(*lap, 0, n, 0, n);
            for (std::int64_t step = 0; step < kDiffusionSteps; ++step) {
              rt.evaluate("-4*g", {{"g", g}}, l);
              // roll(grid, +1, axis 0), roll(grid, -1, axis 0), then the same along axis 1.
              add(block(*lap, 1, n, 0, n), block(*grid, 0, n - 1, 0, n));
              add(block(*lap, 0, 1, 0, n), block(*grid, n - 1, n, 0, n));
              add(block(*lap, 0, n - 1, 0, n), block(*grid, 1, n, 0, n));
              add(block(*lap, n - 1, n, 0, n), block(*grid, 0, 1, 0, n));
              add(block(*lap, 0, n, 1, n), block(*grid, 0, n, 0, n - 1));
              add(block(*lap, 0, n, 0, 1), block(*grid, 0, n, n - 1, n));
              add(block(*lap, 0, n, 0, n - 1), block(*grid, 0, n, 1, n));
              add(block(*lap, 0, n, n - 1, n), block(*grid, 0, n, 0, 1));
              rt.evaluate("l*D*dt + g", {{"l", l}, {"g", g}, {"D", Array::scalar(kDiffusionD)},
                                          {"dt", Array::scalar(kDiffusionDt)}}, g);
            }
          },
          [=] {
            double total = 0;
            for (double v : *grid) total += v;
            return check_diffusion(total, n);
          }};
}

// sqrt(sum((a - b)**2, axis=2)) of the points broadcast as (N, 1, 2) against (1, N, 2): one fused
// expression over the N x N result (the reduction over an axis of two is unrolled), no N x N x 2
// temporary.
Case distance_expr_case() {
  uses_pool = true;
  auto points = std::make_shared<std::vector<double>>(random_points(kDistancePoints));
  auto out = std::make_shared<Array>();
  return {format("%lld points", static_cast<long long>(kDistancePoints)), [=] { *out = Array(); },
          [=] {
            const std::int64_t n = kDistancePoints;
            Array p = view(*points, DType::Float64, {n, 2});
            *out = runtime().evaluate("sqrt(sum((a - b)**2, axis=2))", {{"a", p.reshape({n, 1, 2})}, {"b", p.reshape({1, n, 2})}});
          },
          [=] { return check_distances(*points, out->data<double>(), kDistancePoints); }};
}

#endif

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::function<Case()>> cases = {
      {"julia", julia_case}, {"diffusion", diffusion_case}, {"norm", norm_case},         {"pi", pi_case},
      {"primes", primes_case}, {"particles", particles_case}, {"distance", distance_case},
#if !WORKLOADS_AOT
      {"norm_expr", norm_expr_case}, {"diffusion_expr", diffusion_expr_case}, {"distance_expr", distance_expr_case},
#endif
  };
  try {
    return main_with(argc, argv, kVariant, threads, cases, extra_fields, settle);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
}
