// Foreground `run` (and later `exec`): islet stays the parent. Host side.
//
// Forwards every signal but SIGCHLD, SIGWINCH and SIGURG to the process,
// copies the terminal size on SIGWINCH, proxies the pty (raw mode on islet's
// own terminal, restored at the end), reaps every child (islet is a
// subreaper), and returns the process's status: its exit code, or 128+N when
// a signal killed it (RUNC-CONTRACT.md §3.5).
#pragma once

#include <sys/types.h>

namespace islet::runtime {

// Blocks every signal; call before the process is started so that none is lost.
void foreground_block_signals();

// pid is our child. pty_master is -1 without a terminal.
int run_foreground(pid_t pid, int pidfd, int pty_master);

}  // namespace islet::runtime

namespace islet::runtime {
// PR_SET_CHILD_SUBREAPER: orphans of the container come to islet to be reaped.
void become_subreaper();
}  // namespace islet::runtime
