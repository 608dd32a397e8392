// Validation of a parsed config. Pure code (no host access), unit-tested with
// a table of good and bad configs.
//
// Every problem is reported at once, each naming its JSON pointer. Checks that
// need the host (does the rootfs exist, does the kernel know this capability,
// is this seccomp action valid in libseccomp) live next to the code that
// applies the field in src/runtime/. The names checked here come from
// spec/names.hpp, mount options from spec/mount_options.hpp.
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::spec {

// Checks a whole config.json. Empty result = valid.
std::vector<Problem> validate_config(const Config& config);

// Checks a process object (config.json's, or `exec --process`'s): pointers are
// relative to `base` ("/process" or "").
std::vector<Problem> validate_process(const Process& process, const std::string& base);

}  // namespace islet::spec
