// Fuzz target: the kernel module parser (over the same lexer and expression parser). Any text
// either parses or throws a jitexpr::Error that points into it; a module that parses prints
// canonically, and print -> parse -> print is a fixed point (the printed text is the kernel
// cache's key).
#include <jitexpr/Limits.h>
#include "frontend/ModuleParser.h"
#include "frontend/ModulePrinter.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace jitexpr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Source src{"<module>", std::string(reinterpret_cast<const char*>(data), size)};
  std::string printed;
  try {
    printed = print_module(parse_module(src));
  } catch (const Error& err) {
    fuzz::check_error(err, src.text);
    return 0;
  }
  if (printed.size() > kMaxModuleLength) return 0;
  Source again{"<module>", printed};
  try {
    std::string reprinted = print_module(parse_module(again));
    fuzz::check(reprinted == printed, "print -> parse -> print is not a fixed point", printed + "\n----\n" + reprinted);
  } catch (const Error& err) {
    fuzz::fail("the canonical text of a valid module does not parse", printed + "\n" + err.what());
  }
  return 0;
}
