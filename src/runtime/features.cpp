#include "runtime/features.hpp"

#include "runtime/capabilities.hpp"
#include "runtime/mount_options.hpp"
#include "spec/documents.hpp"
#include "spec/model.hpp"
#include "spec/validate.hpp"

#ifndef ISLET_COMMIT
#define ISLET_COMMIT "unknown"
#endif

namespace islet::runtime {

std::string version_text() {
    return std::string("islet version ") + ISLET_VERSION + "\ncommit: " + ISLET_COMMIT + "\nspec: " +
           spec::kSpecVersion + "\n";
}

std::string features_text() {
    spec::FeaturesInfo f;
    f.hooks = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};
    f.mount_options = known_mount_options();
    // Not implemented yet: never advertised (containerd and CRI-O trust this list).
    std::erase_if(f.mount_options, [](const std::string& o) { return o == "idmap" || o == "ridmap" || o == "tmpcopyup"; });
    f.namespaces = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};
    const int last = kernel_last_cap();
    for (int i = 0; i <= last && i < static_cast<int>(spec::capability_names().size()); ++i)
        f.capabilities.push_back(spec::capability_names()[static_cast<size_t>(i)]);
    // cgroups: v1, hybrid and v2 hosts (runtime/cgroups), every resource
    // including rdma and v2 device rules (eBPF). No systemd driver: the
    // slice:prefix:name path form is honoured, but no unit is created.
    f.cgroup_v1 = true;
    f.cgroup_v2 = true;
    f.cgroup_rdma = true;
    f.annotations = {{"run.islet.version", ISLET_VERSION}};
    return spec::features_document(f);
}

}  // namespace islet::runtime
