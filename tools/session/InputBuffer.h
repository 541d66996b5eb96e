// Cuts lines of input into complete units, as Python's REPL does: a unit goes on while a bracket
// is open, a line ends with a backslash or a triple-quoted string is open, and a block (a line
// starting with def, @, if, for, while, ...) goes on until a blank line. The interactive loop shows
// its continuation prompt while a unit is pending; piped input, scripts and %load cut the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jitexpr::tools {

class InputBuffer {
 public:
  // Adds one line (without its newline). Returns the units it completes, in order: none while the
  // unit goes on; two when a line at column 0 closes a block and is itself complete.
  std::vector<std::string> add_line(std::string_view line);

  // True while a unit is incomplete (the REPL shows `... `).
  bool pending() const { return !text_.empty(); }

  // The pending text at the end of input, as it is (running it reports what is missing); empties
  // the buffer.
  std::string flush();

  // Drops the pending text (Ctrl-C).
  void clear() { text_.clear(); }

 private:
  std::string text_;  // the lines of the pending unit, joined by '\n'
};

// Cuts a whole text into units as if its lines were added one by one and the rest flushed.
std::vector<std::string> split_units(std::string_view text);

// True if `unit` starts with a block header (`def`, `@`, `if`, `for`, `while`, ...): it holds
// statements of the kernel language, not session statements.
bool is_block(std::string_view unit);

}  // namespace jitexpr::tools
