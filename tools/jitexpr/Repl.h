// The interactive REPL: the terminal around a Session. libedit line editing, history kept in a
// file between sessions, `>>> ` and `... ` prompts (continuation as InputBuffer decides), Ctrl-D
// to leave, Ctrl-C to drop the input or to interrupt a running statement between blocks of work.
#pragma once

#include "tools/session/Session.h"

#include <functional>

namespace jitexpr::tools {

// Runs the REPL on the terminal on standard input until Ctrl-D or %quit. Returns the exit status.
int run_repl(Session& session);

// Runs `body` (statements of `jitexpr -c`, a script, or piped input) with Ctrl-C setting the
// session's interrupt flag, so that it stops the running statement or kernel with
// KeyboardInterrupt; the previous SIGINT handler is back afterwards. Returns body's result.
int with_interrupts(Session& session, const std::function<int()>& body);

}  // namespace jitexpr::tools
