// The interactive REPL: the terminal around a Session. libedit line editing, history kept in a
// file between sessions, `>>> ` and `... ` prompts (continuation as InputBuffer decides), Ctrl-D
// to leave, Ctrl-C to drop the input or to interrupt a running statement between blocks of work.
#pragma once

#include "tools/session/Session.h"

namespace jitexpr::tools {

// Runs the REPL on the terminal on standard input until Ctrl-D or %quit. Returns the exit status.
int run_repl(Session& session);

}  // namespace jitexpr::tools
