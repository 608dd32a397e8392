// Writing to procfs only through a handle known to be procfs (SECURITY.md §0
// principle 3; CVE-2019-16884, CVE-2025-52881). Runs on both sides; the
// init uses procfs instances of its own pid namespace (new_procfs), never
// the host's /proc.
#pragma once

#include <string>
#include <string_view>

#include "sys/fd.hpp"

namespace islet::sys {

// Throws unless fd is on procfs (fstatfs == PROC_SUPER_MAGIC). `what` names
// the file in the message: "<what> is not procfs".
void require_procfs(int fd, const std::string& what);

// Opens rel (no leading '/') below proc_fd, a verified procfs directory: no
// symlinks, no magic links, no ".." above it and no mount crossed
// (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, retried
// on EAGAIN; an O_NOFOLLOW walk checking the mount id where openat2 is
// missing). The result is checked to be procfs too. A crossing fails with
// "/proc/<rel> is not procfs (another mount covers it)". Errors carry errno.
UniqueFd open_procfs_file(int proc_fd, const std::string& rel, int flags);

// open_procfs_file + one write of data (a short write is an error).
void write_procfs_file(int proc_fd, const std::string& rel, std::string_view data);

// The "<pid>/task/<tid>" of the calling thread in proc_fd's procfs (its
// `thread-self` link, read from the verified handle, checked for shape).
std::string proc_thread_self(int proc_fd);

// A new procfs instance of the caller's pid namespace, as a detached mount
// (fsopen("proc") + fsmount, nosuid, nodev, noexec): with tasks_only, the
// "subset=pid" instance, which shows the task directories and nothing else.
// Invalid when the kernel refuses it (a user namespace whose mount namespace
// has no fully visible procfs, a kernel without subset=pid): the caller
// decides what to use instead. With pidns_fd (a pid namespace's nsfs file),
// the instance shows that pid namespace instead of the caller's ("pidns=",
// Linux 6.18): a process outside a pid namespace sets up its /proc.
UniqueFd new_procfs(bool tasks_only, int pidns_fd = -1);

// A task view of the caller's pid namespace for a child that must find its
// own thread-self there: a new subset=pid instance, or where the kernel
// refuses one (a runtime in a user namespace), the caller's /proc mount,
// checked to be procfs. Throws when neither is there.
UniqueFd own_task_procfs();

// Whether the kernel's procfs takes the "pidns" option (probed once with the
// caller's own pid namespace).
bool procfs_takes_pidns();

}  // namespace islet::sys
