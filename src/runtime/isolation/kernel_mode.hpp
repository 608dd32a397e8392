// The kernel's isolated user namespaces (ISOLATION.md §2), and nothing else:
// the one small unit that talks to the proposed kernel interface. Host side.
//
// No kernel on these machines has the feature, so the unit goes through a
// narrow interface, ProcTree: the real /proc in production, a directory
// standing in for it in the unit tests (whose files record writes and can be
// made to fail with EPERM, EINVAL or ENOENT).
#pragma once

#include <sys/types.h>

#include <string>

namespace islet::runtime::isolation {

class ProcTree {
public:
    virtual ~ProcTree() = default;
    // Writes data to <proc>/<rel> in one write(2). Returns 0 or an errno.
    virtual int write(const std::string& rel, const std::string& data) = 0;
    virtual bool exists(const std::string& rel) = 0;
};

// The real thing: files under a proc root ("/proc").
class FsProcTree : public ProcTree {
public:
    explicit FsProcTree(std::string root = "/proc") : root_(std::move(root)) {}
    int write(const std::string& rel, const std::string& data) override;
    bool exists(const std::string& rel) override;

private:
    std::string root_;
};

// True when <proc>/self/isolated_uns exists (a patched kernel).
bool kernel_supports_isolation(ProcTree& proc);

// The kernel-mode steps for the init `pid`, in the order ISOLATION.md §2
// requires: the uid map, then the gid map (each only when not empty), then
// "yes" to <proc>/<pid>/isolated_uns; never a map after the toggle. The init
// waits meanwhile, so it has called no set*id yet (rule 2); it switches to
// 0:0 itself afterwards (rule 3). Throws sys::Error naming the step and what
// the kernel's answer means.
void isolate_user_namespace(ProcTree& proc, pid_t pid, const std::string& uid_map, const std::string& gid_map);

}  // namespace islet::runtime::isolation
