// The process's own environment block: what /proc/<pid>/environ shows. Runs
// in the runtime's children (the init, exec's joiner).
#pragma once

#include <initializer_list>
#include <string_view>

namespace islet::sys {

// Zeroes every string of the environment the process was exec'd with (the
// caller's variables, which /proc/<pid>/environ and the process's memory
// show) but those named in `keep`; getenv then finds only those. For a child
// of the runtime before any container process can see it: the caller's
// environment (podman's, the shim's) is not the container's. Nothing is
// freed or moved, so pointers into it stay valid (to empty strings).
void scrub_environ(std::initializer_list<std::string_view> keep);

}  // namespace islet::sys
