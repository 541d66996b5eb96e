// What libjitexpr.so exports: its symbols are hidden unless marked JITEXPR_API, and only the
// public API (the headers of jitexpr/) is marked. Part of the public API.
#pragma once

#define JITEXPR_API __attribute__((visibility("default")))
