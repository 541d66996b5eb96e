// The interactive REPL (see Repl.h).
#include "tools/jitexpr/Repl.h"

#include "tools/session/InputBuffer.h"

#include <histedit.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cwchar>
#include <iostream>
#include <string>

namespace jitexpr::tools {

namespace {

// Set by the signal handlers; lock-free atomics are safe to store from a handler.
std::atomic<bool> interrupted{false};
std::atomic<bool> resized{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) { interrupted.store(true); }
extern "C" void on_sigwinch(int) { resized.store(true); }

const char* current_prompt = ">>> ";
char* prompt(EditLine*) { return const_cast<char*>(current_prompt); }

// libedit's own reader restarts read() after a signal, so Ctrl-C could not end el_gets. This one
// returns -1 once SIGINT has been seen; el_gets then returns and the loop drops the input.
int read_char(EditLine* el, wchar_t* out) {
  static std::mbstate_t state{};
  for (;;) {
    if (interrupted.load()) return -1;
    char c = 0;
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) {
      wchar_t wc = 0;
      std::size_t r = std::mbrtowc(&wc, &c, 1, &state);
      if (r == static_cast<std::size_t>(-2)) continue;  // the middle of a multi-byte character
      if (r == static_cast<std::size_t>(-1)) {
        state = {};  // not a character of the locale's encoding: skipped
        continue;
      }
      *out = wc;
      return 1;
    }
    if (n == 0) return 0;
    if (errno != EINTR) return -1;
    if (resized.exchange(false)) el_resize(el);
  }
}

// $JITEXPR_HISTORY (empty: no history file), else ~/.jitexpr_history.
std::string history_path() {
  if (const char* p = std::getenv("JITEXPR_HISTORY")) return p;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.jitexpr_history";
  return {};
}

// The handlers of SIGINT and (for the REPL's terminal) SIGWINCH, the previous ones back when it
// ends. No SA_RESTART: a read() interrupted by Ctrl-C must return.
class SignalScope {
 public:
  explicit SignalScope(bool terminal) : terminal_(terminal) {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_int_);
    if (terminal_) {
      sa.sa_handler = on_sigwinch;
      sigaction(SIGWINCH, &sa, &old_winch_);
    }
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    if (terminal_) sigaction(SIGWINCH, &old_winch_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  bool terminal_;
  struct sigaction old_int_ {};
  struct sigaction old_winch_ {};
};

// libedit's editor and history, released in reverse order.
class LineEditor {
 public:
  LineEditor() : el_(el_init("jitexpr", stdin, stdout, stderr)), hist_(history_init()), path_(history_path()) {
    HistEvent ev;
    history(hist_, &ev, H_SETSIZE, 1000);
    history(hist_, &ev, H_SETUNIQUE, 1);
    if (!path_.empty()) history(hist_, &ev, H_LOAD, path_.c_str());
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_PROMPT, prompt);
    el_set(el_, EL_GETCFN, read_char);
    el_set(el_, EL_HIST, history, hist_);
    el_source(el_, nullptr);  // the user's ~/.editrc
  }
  ~LineEditor() {
    history_end(hist_);
    el_end(el_);
  }
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // The next line without its newline, or false at end of input (Ctrl-D) or on Ctrl-C.
  bool get_line(std::string& line) {
    int count = 0;
    const char* text = el_gets(el_, &count);
    if (!text || count <= 0) return false;
    line.assign(text, static_cast<std::size_t>(count));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return true;
  }

  // Each line goes into the history file at once, so that a crash or a kill loses none.
  void remember(const std::string& line) {
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    HistEvent ev;
    history(hist_, &ev, H_ENTER, line.c_str());
    if (!path_.empty()) history(hist_, &ev, H_SAVE, path_.c_str());
  }

 private:
  EditLine* el_;
  History* hist_;
  std::string path_;
};

}  // namespace

int with_interrupts(Session& session, const std::function<int()>& body) {
  SignalScope sigint(/*terminal=*/false);
  interrupted.store(false);
  session.set_interrupt_flag(&interrupted);
  int rc = body();
  session.set_interrupt_flag(nullptr);
  return rc;
}

int run_repl(Session& session) {
  std::setlocale(LC_CTYPE, "");  // libedit reads multi-byte characters in the terminal's encoding
  SignalScope signals(/*terminal=*/true);
  LineEditor editor;
  session.set_interrupt_flag(&interrupted);
  std::cout << "jitexpr: array expressions, compiled. %help lists statements and magics; Ctrl-D leaves.\n";
  InputBuffer buffer;
  std::string line;
  while (!session.quit_requested()) {
    current_prompt = buffer.pending() ? "... " : ">>> ";
    interrupted.store(false);
    bool got = editor.get_line(line);
    if (interrupted.exchange(false)) {
      // Ctrl-C while typing drops everything typed since the last `>>> `.
      std::cout << '\n';
      std::cerr << "KeyboardInterrupt\n";
      buffer.clear();
      continue;
    }
    if (!got) {
      std::cout << '\n';
      // Ctrl-D inside an incomplete unit runs it as it is, which reports what is missing.
      if (buffer.pending()) session.run(buffer.flush(), false);
      break;
    }
    editor.remember(line);
    for (const std::string& unit : buffer.add_line(line)) {
      session.run(unit, false);
      if (session.quit_requested()) break;
    }
  }
  session.set_interrupt_flag(nullptr);
  return 0;
}

}  // namespace jitexpr::tools
