// jitexpr: the command line. `jitexpr -c 'STATEMENTS'`, `jitexpr FILE`, statements on stdin, or
// the interactive REPL when stdin is a terminal.
// Exit status: 0 on success, 1 on a user error (message on stderr), 2 on bad usage, 130 when
// Ctrl-C interrupted it.
#include "tools/jitexpr/Repl.h"
#include "tools/session/InputBuffer.h"
#include "tools/session/Session.h"

#include <jitexpr/Error.h>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace {
bool disabled_by_environment() {
  const char* v = std::getenv("JITEXPR_CACHE");
  if (!v) return false;
  std::string s(v);
  return s == "0" || s == "off" || s == "false" || s == "no";
}

// Runs the cache action, the command, the file, or the statements on stdin.
int run(jitexpr::RuntimeOptions options, const std::string& cache_action, const std::string& command,
        const std::string& file) {
  if (!cache_action.empty()) {
    options.disk_cache = true;
    jitexpr::Runtime rt(options);
    if (cache_action == "clear") {
      std::uint64_t n = rt.clear_disk_cache();
      std::cout << "removed " << n << " entr" << (n == 1 ? "y" : "ies") << " from " << rt.stats().disk_dir << '\n';
      return 0;
    }
    jitexpr::RuntimeStats s = rt.stats();
    std::cout << "disk cache: " << s.disk_dir << '\n'
              << "entries: " << s.disk_entries << '\n'
              << "size: " << s.disk_bytes << " bytes (limit " << options.disk_cache_max_bytes << ")\n"
              << "used by default: " << (disabled_by_environment() ? "no (JITEXPR_CACHE=0)" : "yes") << '\n'
              << "code compiled for: " << s.target << "; entries for other targets are kept apart\n";
    return 0;
  }
  jitexpr::tools::Session session(std::cout, std::cerr, options);
  if (command.empty() && file.empty() && isatty(STDIN_FILENO)) return jitexpr::tools::run_repl(session);
  std::string text;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "jitexpr: cannot open '" << file << "'\n";
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Ctrl-C stops the running statement or kernel with KeyboardInterrupt, and the exit status is
  // 130 (128 + SIGINT), as a shell shows for a program that SIGINT ended.
  int rc = jitexpr::tools::with_interrupts(session, [&] {
    if (!command.empty()) return session.run(command, true) ? 0 : 1;
    if (!file.empty()) return session.run(text, true) ? 0 : 1;
    // Statements from standard input, cut into units as the REPL cuts them and run as each one
    // is complete: an error is reported and the next unit still runs.
    bool ok = true;
    jitexpr::tools::InputBuffer buffer;
    std::string line;
    while (!session.quit_requested() && !session.interrupted() && std::getline(std::cin, line)) {
      for (const std::string& unit : buffer.add_line(line)) {
        if (!session.quit_requested()) ok = session.run(unit, false) && ok;
      }
    }
    if (buffer.pending() && !session.quit_requested() && !session.interrupted()) ok = session.run(buffer.flush(), false) && ok;
    return ok ? 0 : 1;
  });
  return session.interrupted() ? 130 : rc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"jitexpr: a JIT compiler for array expressions\n"};
  std::string command;
  std::string file;
  int opt_level = 3;
  app.add_option("-c", command, "run STATEMENTS (separated by ';' or new lines) and exit")->type_name("STATEMENTS");
  app.add_option("file", file, "a script of statements to run");
  app.add_option("-O", opt_level, "LLVM optimization level for compiled code")->check(CLI::Range(0, 3));
  std::string cpu;
  int vector_width = 0;
  app.add_option("--cpu", cpu,
                 "the CPU compiled code is for: native (default, or $JITEXPR_CPU), x86-64, x86-64-v2, x86-64-v3, "
                 "x86-64-v4 or an LLVM CPU name this machine can run");
  app.add_option("--vector-width", vector_width, "preferred vector width in bits (default $JITEXPR_VECTOR_WIDTH or the CPU's)")
      ->check(CLI::IsMember({128, 256, 512}));
  CLI::App* cache = app.add_subcommand("cache", "the disk cache of compiled code: `jitexpr cache info` or `jitexpr cache clear`");
  std::string cache_action;
  cache->add_option("action", cache_action, "info or clear")->required()->check(CLI::IsMember({"info", "clear"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!command.empty() && !file.empty()) {
    std::cerr << "jitexpr: give either -c or a file, not both\n";
    return 2;
  }
  jitexpr::RuntimeOptions options;
  options.opt_level = opt_level;
  options.cpu = cpu;
  options.vector_width = vector_width;
  try {
    return run(options, cache->parsed() ? cache_action : "", command, file);
  } catch (const jitexpr::Error& e) {
    // Before any statement runs: a target this machine cannot use (--cpu, JITEXPR_CPU,
    // JITEXPR_VECTOR_WIDTH).
    std::cerr << "jitexpr: " << e.message() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "jitexpr: internal error: " << e.what() << '\n';
    return 3;
  }
}
