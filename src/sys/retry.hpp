// Retrying a syscall that a signal interrupted. Runs on both sides.
#pragma once

#include <cerrno>

namespace islet::sys {

// Calls f until it does not fail with EINTR (a negative result with errno
// EINTR) and returns its last result; errno is left as f set it. runc's
// retryOnEINTR, nsjail's TEMP_FAILURE_RETRY.
template <typename F>
auto retry_eintr(F&& f) -> decltype(f()) {
    for (;;) {
        auto r = f();
        if (!(r < 0 && errno == EINTR)) return r;
    }
}

}  // namespace islet::sys
