// The whole public API of jitexpr. A host program includes this header and links jitexpr::jitexpr.
#pragma once

#include <jitexpr/Aot.h>
#include <jitexpr/Array.h>
#include <jitexpr/DType.h>
#include <jitexpr/Error.h>
#include <jitexpr/Module.h>
#include <jitexpr/Npy.h>
#include <jitexpr/Runtime.h>
#include <jitexpr/Value.h>
