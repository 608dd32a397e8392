// The container's terminal. Init side (after pivot_root) and exec side.
//
// Applies: process.terminal, process.consoleSize
//
// The pty comes from the container's own devpts (/dev/pts/ptmx, checked to
// be a devpts ptmx device), the peer from TIOCGPTPEER (no path lookup:
// CVE-2025-52565). The master goes to the --console-socket in one sendmsg
// with one SCM_RIGHTS fd and a non-empty payload (RUNC-CONTRACT.md §3.7).
#pragma once

#include <sys/types.h>

#include "spec/model.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::init {

// Makes a pty, sends its master over console_fd, makes the peer stdio
// (owned by the process's uid). With bind_console, the peer is also bound
// over /dev/console (the init; exec does not). Privileged: before
// finish_process.
void setup_console(int console_fd, const spec::Process& process, bool bind_console);

// Makes the process the leader of a new session (setsid), and with
// `terminal` stdio's pty its controlling terminal (TIOCSCTTY). Always, as
// runc's init does: in the caller's session the caller's terminal would be
// the container's controlling terminal, and TIOCSTI on it would type into
// the caller's shell (CVE-2016-10124). Needs no privilege: a process forked
// after finish_process (pid_fork.hpp) does it itself, since a session is its
// leader's.
void new_session(bool terminal);

}  // namespace islet::runtime::init
