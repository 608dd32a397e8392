// The execution domain. Pure parsing (unit-tested) + init-side apply.
//
// Applies: linux.personality
//
// domain LINUX or LINUX32 (uname -m shows i686 on x86_64, armv8l on arm64).
// The runtime-spec defines no flag values yet; islet accepts the names of
// personality(2)'s flags (ADDR_NO_RANDOMIZE, ...) and rejects anything else.
// Set before seccomp, so a profile that limits personality(2) (as Docker's
// does) does not stop it; it survives the final execve (the kernel clears
// only the PER_CLEAR_ON_SETID flags, and only for set-id programs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

// The personality(2) value, or nullopt with problems added.
std::optional<unsigned long> plan_personality(const spec::Personality& p, std::vector<spec::Problem>& out);

namespace init {
void set_personality(unsigned long persona);
}  // namespace init

}  // namespace islet::runtime
