#include "runtime/container/features.hpp"

#include "runtime/attrs/capabilities.hpp"
#include "runtime/attrs/memory_policy.hpp"
#include "runtime/attrs/seccomp.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/isolation/kernel_mode.hpp"
#include "runtime/process/test_hooks.hpp"
#include "spec/documents.hpp"
#include "spec/model.hpp"
#include "spec/mount_options.hpp"
#include "spec/names.hpp"

#ifndef ISLET_COMMIT
#define ISLET_COMMIT "unknown"
#endif

namespace islet::runtime {

std::string version_text() {
    std::string text = std::string("islet version ") + ISLET_VERSION + "\ncommit: " + ISLET_COMMIT +
                       "\nspec: " + spec::kSpecVersion + "\nlibseccomp: " + libseccomp_version() + "\n";
    // A test build (ISLET_TEST_HOOKS): the bats suites that pause islet
    // check for this line.
    if (test_hooks::kCompiledIn) text += "test-hooks: on\n";
    return text;
}

std::string features_text() {
    spec::FeaturesInfo f;
    f.hooks = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};
    f.mount_options = spec::known_mount_options();
    f.idmap = true;
    f.namespaces = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};
    const int last = kernel_last_cap();
    for (int i = 0; i <= last && i < static_cast<int>(spec::capability_names().size()); ++i)
        f.capabilities.push_back(spec::capability_names()[static_cast<size_t>(i)]);
    f.seccomp_enabled = true;
    f.seccomp_actions = seccomp_known_actions();
    f.seccomp_operators = seccomp_known_operators();
    f.seccomp_archs = seccomp_known_archs();
    f.seccomp_known_flags = seccomp_known_flags();
    f.seccomp_supported_flags = seccomp_supported_flags();
    // Implemented (runtime/attrs/lsm.hpp); create refuses a label when the host
    // does not run the LSM, as runc's features says the same on any host.
    f.apparmor = true;
    f.selinux = true;
    f.memory_policy_modes = memory_policy_modes();
    f.memory_policy_flags = memory_policy_flags();
    // cgroups: v1, hybrid and v2 hosts (runtime/cgroups), every resource
    // including rdma and v2 device rules (eBPF). No systemd driver: the
    // slice:prefix:name path form is honoured, but no unit is created.
    f.cgroup_v1 = true;
    f.cgroup_v2 = true;
    f.cgroup_rdma = true;
    isolation::FsProcTree proc;
    const bool kernel = isolation::kernel_supports_isolation(proc);
    f.annotations = {{"run.islet.version", ISLET_VERSION},
                     {isolation::kAnnotation, "supported"},
                     {"run.islet.isolated-userns.modes", kernel ? "kernel,ranges" : "ranges"},
                     {"run.islet.isolated-userns.kernel", kernel ? "supported" : "unsupported"}};
    return spec::features_document(f);
}

}  // namespace islet::runtime
