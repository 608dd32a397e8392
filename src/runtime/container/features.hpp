// What this binary implements: `islet --version` and `islet features`.
// Host side (reads the kernel's capability count, libseccomp's version).
#pragma once

#include <string>

namespace islet::runtime {

// "islet version X\ncommit: ...\nspec: 1.2.0\nlibseccomp: ...\n", then
// "test-hooks: on\n" in a build with the test-only pause points.
std::string version_text();

// The runtime-spec Features document (RUNC-CONTRACT.md §2.10): only what is
// implemented is advertised.
std::string features_text();

}  // namespace islet::runtime
