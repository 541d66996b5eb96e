// The book workloads (Workloads.h) hand-written in plain C++: the classic AOT baseline of the
// AOT-versus-JIT comparison, built with clang++-19 -O3 -march=native (no -ffast-math). Each loop is
// what a C++ programmer writes for the book's algorithm; only pi uses more than one thread.
//
//   workloads_cpp WORKLOAD [--repeat R] [--save PATH] | --list

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "Workloads.h"

namespace {

using workloads::Case;
using workloads::Outcome;

// --- Julia set ---------------------------------------------------------------------------------

// calculate_z (HPP ch. 2): per point, the number of updates z = z*z + c while |z|^2 < 4, at most
// maxiter; the complex square written out in doubles. c is the same for every point.
Case julia() {
  struct State {
    std::vector<std::complex<double>> zs = workloads::julia_points(workloads::kJuliaWidth);
    std::vector<std::int64_t> counts;
  };
  auto s = std::make_shared<State>();
  return {workloads::format("%dx%d points, %lld iterations", workloads::kJuliaWidth, workloads::kJuliaWidth,
                            static_cast<long long>(workloads::kJuliaMaxIter)),
          [s] { s->counts.assign(s->zs.size(), 0); },
          [s] {
            const double cr = workloads::kJuliaC.real(), ci = workloads::kJuliaC.imag();
            for (std::size_t i = 0; i < s->zs.size(); ++i) {
              double zr = s->zs[i].real(), zi = s->zs[i].imag();
              std::int64_t k = 0;
              while (k < workloads::kJuliaMaxIter && zr * zr + zi * zi < 4.0) {
                const double re = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = re;
                ++k;
              }
              s->counts[i] = k;
            }
          },
          [s] {
            Outcome r = workloads::check_julia(s->counts.data(), s->counts.size());
            constexpr int w = workloads::kJuliaWidth;
            if (!workloads::save_path.empty() && !workloads::save_npy(workloads::save_path, s->counts.data(), w, w)) {
              r.ok = false;
              r.check += "; could not write " + workloads::save_path;
            }
            return r;
          }};
}

// --- 2-D diffusion -----------------------------------------------------------------------------

// The book's loop form of evolve (HPP ch. 6): with periodic neighbours,
//   grid_xx = grid[i+1][j] + grid[i-1][j] - 2 grid[i][j], grid_yy likewise along j,
//   out[i][j] = grid[i][j] + D * (grid_xx + grid_yy) * dt.
// The wrapped neighbour indices are chosen by comparison once per row and once per column instead
// of the book's modulo; the first and last columns are done apart so the inner loop has no branch.
void evolve_grid(const double* grid, double* out, std::int64_t n, double d, double dt) {
  for (std::int64_t i = 0; i < n; ++i) {
    const double* up = grid + (i == 0 ? n - 1 : i - 1) * n;
    const double* mid = grid + i * n;
    const double* down = grid + (i == n - 1 ? 0 : i + 1) * n;
    double* row = out + i * n;
    auto cell = [&](std::int64_t j, std::int64_t left, std::int64_t right) {
      const double xx = down[j] + up[j] - 2.0 * mid[j];
      const double yy = mid[right] + mid[left] - 2.0 * mid[j];
      row[j] = mid[j] + d * (xx + yy) * dt;
    };
    cell(0, n - 1, 1);
    for (std::int64_t j = 1; j < n - 1; ++j) cell(j, j - 1, j + 1);
    cell(n - 1, n - 2, 0);
  }
}

Case diffusion() {
  struct State {
    std::vector<double> initial = workloads::diffusion_initial(workloads::kDiffusionN);
    std::vector<double> grid, out;
  };
  auto s = std::make_shared<State>();
  constexpr std::int64_t n = workloads::kDiffusionN;
  return {workloads::format("%lldx%lld grid, %lld steps", static_cast<long long>(n), static_cast<long long>(n),
                            static_cast<long long>(workloads::kDiffusionSteps)),
          [s] {
            s->grid = s->initial;
            s->out.assign(s->initial.size(), 0.0);
          },
          [s] {
            for (std::int64_t step = 0; step < workloads::kDiffusionSteps; ++step) {
              evolve_grid(s->grid.data(), s->out.data(), n, workloads::kDiffusionD, workloads::kDiffusionDt);
              s->grid.swap(s->out);
            }
          },
          [s] {
            double total = 0;
            for (double v : s->grid) total += v;
            return workloads::check_diffusion(total, n);
          }};
}

// --- Vector norm -------------------------------------------------------------------------------

// The sum of squares of v = 0..n-1 (HPP ch. 6), added in loop order.
Case norm() {
  struct State {
    std::vector<double> v;
    double sum = 0;
  };
  auto s = std::make_shared<State>();
  for (std::int64_t i = 0; i < workloads::kNormN; ++i) s->v.push_back(static_cast<double>(i));
  return {workloads::format("%lld doubles", static_cast<long long>(workloads::kNormN)),
          [s] { s->sum = 0; },
          [s] {
            double sum = 0;
            for (double x : s->v) sum += x * x;
            s->sum = sum;
          },
          [s] { return workloads::check_norm_square(s->sum); }};
}

// --- Monte Carlo pi ----------------------------------------------------------------------------

// splitmix64's output function: a well-mixed 64-bit word from any 64-bit input.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna): one independent stream per thread, seeded from the workload's
// seed and the thread's index.
class Xoshiro256 {
 public:
  // Each state word mixes the one before it. The four words of splitmix64's usual stream are
  // independent of each other, so clang's SLP vectorizer packs them into one vector register and
  // then unpacks the state at every draw, which makes a draw about 2.7 times slower.
  Xoshiro256(std::uint64_t seed, std::uint64_t stream) {
    s0_ = mix64(seed + 0x9e3779b97f4a7c15 * (stream + 1));
    s1_ = mix64(s0_ + 0x9e3779b97f4a7c15);
    s2_ = mix64(s1_ + 0x9e3779b97f4a7c15);
    s3_ = mix64(s2_ + 0x9e3779b97f4a7c15);
  }
  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s1_ * 5, 7) * 9, t = s1_ << 17;
    s2_ ^= s0_;
    s3_ ^= s1_;
    s1_ ^= s2_;
    s0_ ^= s3_;
    s2_ ^= t;
    s3_ = rotl(s3_, 45);
    return result;
  }
  std::uint64_t s0_, s1_, s2_, s3_;
};

int pi_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// HPP ch. 9: each worker draws its share of (x, y) in [0, 1)^2 and counts x*x + y*y <= 1;
// pi ~ 4 * inside / samples.
Case pi() {
  struct State {
    double pi = 0;
  };
  auto s = std::make_shared<State>();
  const int threads = pi_threads();
  return {workloads::format("%lld samples on %d threads", static_cast<long long>(workloads::kPiSamples), threads),
          [s] { s->pi = 0; },
          [s, threads] {
            std::vector<std::int64_t> inside(static_cast<std::size_t>(threads), 0);
            std::vector<std::thread> workers;
            for (int t = 0; t < threads; ++t) {
              // The first kPiSamples % threads workers take one sample more.
              const std::int64_t share = workloads::kPiSamples / threads + (t < workloads::kPiSamples % threads);
              workers.emplace_back([t, share, &inside] {
                Xoshiro256 rng(workloads::kPiSeed, static_cast<std::uint64_t>(t));
                std::int64_t count = 0;
                for (std::int64_t k = 0; k < share; ++k) {
                  const double x = rng.uniform(), y = rng.uniform();
                  count += x * x + y * y <= 1.0;
                }
                inside[static_cast<std::size_t>(t)] = count;
              });
            }
            std::int64_t total = 0;
            for (int t = 0; t < threads; ++t) {
              workers[static_cast<std::size_t>(t)].join();
              total += inside[static_cast<std::size_t>(t)];
            }
            s->pi = 4.0 * static_cast<double>(total) / static_cast<double>(workloads::kPiSamples);
          },
          [s] { return workloads::check_pi(s->pi); }};
}

// --- Primes by trial division ------------------------------------------------------------------

// check_prime (HPP ch. 9): even n is prime only if it is 2; otherwise try the odd divisors
// 3, 5, ... below int(sqrt(n) + 1), as Python's range(3, int(sqrt(n) + 1), 2).
bool is_prime(std::int64_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  const auto to = static_cast<std::int64_t>(std::sqrt(static_cast<double>(n)) + 1);
  for (std::int64_t i = 3; i < to; i += 2) {
    if (n % i == 0) return false;
  }
  return true;
}

Case primes() {
  auto found = std::make_shared<std::vector<bool>>();
  return {workloads::format("%zu numbers up to 1.0e17", workloads::prime_candidates().size()),
          [found] { found->clear(); },
          [found] {
            for (std::int64_t n : workloads::prime_candidates()) found->push_back(is_prime(n));
          },
          [found] { return workloads::check_primes(*found); }};
}

// --- Particle simulator ------------------------------------------------------------------------

// ParticleSimulator.evolve (Lanaro ch. 1): int(dt / timestep) Euler steps along each particle's
// circle, v = (-y, x) / |(x, y)|, d = timestep * speed. Particles are independent, so each one
// runs all its steps with x and y in registers (the order of Lanaro's Cython version).
void evolve_particles(workloads::Particles& p, double dt) {
  const double timestep = 0.00001;
  const auto nsteps = static_cast<std::int64_t>(dt / timestep);
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    double x = p.x[i], y = p.y[i];
    const double d = timestep * p.speed[i];
    for (std::int64_t k = 0; k < nsteps; ++k) {
      const double norm = std::sqrt(x * x + y * y);
      const double vx = -y / norm, vy = x / norm;
      x += d * vx;
      y += d * vy;
    }
    p.x[i] = x;
    p.y[i] = y;
  }
}

Case particles() {
  struct State {
    workloads::Particles start, p;
  };
  auto s = std::make_shared<State>();
  return {workloads::format("%lld particles, evolve(%g)", static_cast<long long>(workloads::kParticles),
                            workloads::kParticleDt),
          [s] {
            s->start = workloads::random_particles(workloads::kParticles);
            s->p = s->start;
          },
          [s] { evolve_particles(s->p, workloads::kParticleDt); },
          [s] {
            workloads::Particles three = workloads::three_particles();
            evolve_particles(three, workloads::kParticleDt);
            return workloads::check_particles(s->start, s->p, workloads::check_three_particles(three));
          }};
}

// --- Distance matrix ---------------------------------------------------------------------------

// Lanaro ch. 3: out[i][j] = |p_i - p_j| for every pair, the whole n x n matrix.
Case distance() {
  struct State {
    std::vector<double> points = workloads::random_points(workloads::kDistancePoints);
    std::vector<double> out;
  };
  auto s = std::make_shared<State>();
  constexpr std::int64_t n = workloads::kDistancePoints;
  return {workloads::format("%lld points, %lldx%lld matrix", static_cast<long long>(n), static_cast<long long>(n),
                            static_cast<long long>(n)),
          [s] {
            if (s->out.empty()) s->out.assign(static_cast<std::size_t>(n * n), 0.0);
          },
          [s] {
            const double* pts = s->points.data();
            for (std::int64_t i = 0; i < n; ++i) {
              const double xi = pts[2 * i], yi = pts[2 * i + 1];
              double* row = s->out.data() + i * n;
              for (std::int64_t j = 0; j < n; ++j) {
                const double dx = xi - pts[2 * j], dy = yi - pts[2 * j + 1];
                row[j] = std::sqrt(dx * dx + dy * dy);
              }
            }
          },
          [s] { return workloads::check_distances(s->points, s->out.data(), n); }};
}

// The workload named on the command line (the first argument that is neither a flag nor a flag's
// value), to report how many threads it runs on.
std::string workload_named(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" || a == "--save") {
      ++i;
    } else if (!a.empty() && a[0] != '-') {
      return a;
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, std::function<Case()>> cases = {
      {"julia", julia},         {"diffusion", diffusion}, {"norm", norm},          {"pi", pi},
      {"primes", primes},       {"particles", particles}, {"distance", distance},
  };
  const int threads = workload_named(argc, argv) == "pi" ? pi_threads() : 1;
  return workloads::main_with(argc, argv, "cpp", threads, cases);
}
