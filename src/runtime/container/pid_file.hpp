// --pid-file. Host side.
#pragma once

#include <sys/types.h>

#include <string>

namespace islet::runtime {

// Writes the decimal pid, digits only and no newline (containerd parses it
// with strconv.Atoi), atomically: ".<name>" in the same directory with
// O_EXCL, then rename (RUNC-CONTRACT.md §3.6). path is absolute.
void write_pid_file(const std::string& path, pid_t pid);

}  // namespace islet::runtime
