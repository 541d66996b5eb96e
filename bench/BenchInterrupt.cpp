// What the interrupt checks of kernel loops cost (ModuleOptions::interruptible): the Julia kernel,
// the particle simulator and the diffusion stencil of examples/kernels/ (the directory is the
// argument), warm, on one thread. The two builds run in alternation, 15 rounds; each
// round's ratio compares calls made moments apart, and the median ratio is printed.
#include <jitexpr/jitexpr.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

using namespace jitexpr;

namespace {

std::string read(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double ms(const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_interrupt examples/kernels\n");
    return 2;
  }
  std::string dir = argv[1];
  RuntimeOptions options;
  options.disk_cache = false;
  options.num_threads = 1;
  Runtime rt(options);
  std::atomic<bool> flag{false};
  rt.set_interrupt_flag(&flag);  // as the REPL runs them: a flag to look at
  std::string julia = read((dir + "/julia.py").c_str()), particles = read((dir + "/particles.py").c_str()),
              diffusion = read((dir + "/diffusion.py").c_str());

  const std::int64_t n = 1000 * 1000;
  Array zs = Array::zeros(DType::Complex128, {n}), cs = Array::full(DType::Complex128, {n}, {-0.62772, -0.42193});
  auto* z = zs.data<std::complex<double>>();
  for (std::int64_t i = 0; i < n; ++i) z[i] = {-1.8 + 3.6 * (i % 1000) / 1000.0, 1.8 - 3.6 * (i / 1000) / 1000.0};
  Array out = Array::zeros(DType::Int64, {n});
  const std::int64_t np = 1000;
  Array xs0 = Array::empty(DType::Float64, {np}), ys0 = Array::empty(DType::Float64, {np}),
        speeds = Array::empty(DType::Float64, {np});
  for (std::int64_t i = 0; i < np; ++i) {
    xs0.data<double>()[i] = 0.3 + 0.001 * static_cast<double>(i);
    ys0.data<double>()[i] = 0.5 - 0.0005 * static_cast<double>(i);
    speeds.data<double>()[i] = 1.0 + 0.002 * static_cast<double>(i);
  }

  struct Build {
    Function calculate_z, evolve, run_experiment;
  };
  std::vector<Build> builds;
  for (bool interruptible : {true, false}) {
    Module jm = rt.compile_module(julia, {.name = "julia.py", .interruptible = interruptible});
    Module pm = rt.compile_module(particles, {.name = "particles.py", .interruptible = interruptible});
    Module dm = rt.compile_module(diffusion, {.name = "diffusion.py", .interruptible = interruptible});
    builds.push_back({jm("calculate_z"), pm("evolve"), dm("run_experiment")});
  }
  auto run_julia = [&](const Build& b) {
    return ms([&] { b.calculate_z(std::int64_t{300}, zs, cs, out); });
  };
  auto run_particles = [&](const Build& b) {
    Array xs = xs0.copy(), ys = ys0.copy();
    return ms([&] { b.evolve(xs, ys, speeds, 0.1); });
  };
  auto run_diffusion = [&](const Build& b) {
    return ms([&] { b.run_experiment(std::int64_t{512}, std::int64_t{200}); });
  };
  for (const Build& b : builds) run_julia(b), run_particles(b), run_diffusion(b);  // compiled, warm

  std::vector<double> jon, joff, pon, poff, don, doff, jratio, pratio, dratio;
  // Which build runs first alternates between rounds: the first call of a pair can find the
  // caches and the allocator's pages in a worse state than the second.
  auto pair = [](int r, std::vector<double>& on, std::vector<double>& off, std::vector<double>& ratio,
                 const std::function<double(int)>& run) {
    if (r % 2 == 0) {
      on.push_back(run(0));
      off.push_back(run(1));
    } else {
      off.push_back(run(1));
      on.push_back(run(0));
    }
    ratio.push_back(on.back() / off.back());
  };
  for (int r = 0; r < 15; ++r) {
    pair(r, jon, joff, jratio, [&](int b) { return run_julia(builds[static_cast<std::size_t>(b)]); });
    pair(r, pon, poff, pratio, [&](int b) { return run_particles(builds[static_cast<std::size_t>(b)]); });
    pair(r, don, doff, dratio, [&](int b) { return run_diffusion(builds[static_cast<std::size_t>(b)]); });
  }
  std::printf("julia      checks on %.1f ms  off %.1f ms  on/off %.3f (median of 15 paired rounds)\n", median(jon),
              median(joff), median(jratio));
  std::printf("particles  checks on %.1f ms  off %.1f ms  on/off %.3f (median of 15 paired rounds)\n", median(pon),
              median(poff), median(pratio));
  std::printf("diffusion  checks on %.1f ms  off %.1f ms  on/off %.3f (median of 15 paired rounds; 512x512, 200 steps)\n",
              median(don), median(doff), median(dratio));
}
