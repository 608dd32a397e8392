// Sanitizer builds (ISLET_SANITIZE, scripts/sanitize.sh): the reports of
// islet's clone3 children are kept. Runs in those children; a no-op in any
// other build.
//
// ASAN and UBSAN open their report file (log_path=<prefix> gives
// <prefix>.<pid>) only when they first report. In the container's init and
// in exec's joining process that is too late: by then the process has the
// container's root (the host's <prefix> is gone) and getpid() is its number
// in the container's pid namespace (every init is 1). So such a child opens
// a report file of its own first thing, while it still sees the host's
// filesystem, and hands it to the sanitizer runtimes (one descriptor each);
// close_all_except keeps them open and exec closes them (O_CLOEXEC).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace islet::sys::sanitizer {

// In a clone3 child, before it closes fds or changes namespaces: opens
// <log_path>.child.XXXXXX (log_path from ASAN_OPTIONS, else UBSAN_OPTIONS)
// and makes it the report file. Called again in a child of that child, it
// registers the inherited file for the new process (the runtimes reopen
// their file by path when the pid changes). Nothing when the build has no
// sanitizer or no log_path is set (reports then go to the inherited stderr).
void open_child_report();

// The descriptors open_child_report made (none outside a sanitizer build).
const std::vector<int>& child_report_fds();

// The log_path value in a sanitizer options string ("a=1:log_path=/x/y"),
// or empty. Pure.
std::string log_path_option(std::string_view options);

}  // namespace islet::sys::sanitizer
