#include "runtime/features.hpp"

#include "runtime/capabilities.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/isolation/kernel_mode.hpp"
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
    std::erase_if(f.mount_options, [](const std::string& o) { return o == "tmpcopyup"; });
    f.idmap = true;
    f.namespaces = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};
    const int last = kernel_last_cap();
    for (int i = 0; i <= last && i < static_cast<int>(spec::capability_names().size()); ++i)
        f.capabilities.push_back(spec::capability_names()[static_cast<size_t>(i)]);
    f.cgroup_v1 = true;
    f.cgroup_v2 = false;
    isolation::FsProcTree proc;
    const bool kernel = isolation::kernel_supports_isolation(proc);
    f.annotations = {{"run.islet.version", ISLET_VERSION},
                     {isolation::kAnnotation, "supported"},
                     {"run.islet.isolated-userns.modes", kernel ? "kernel,ranges" : "ranges"},
                     {"run.islet.isolated-userns.kernel", kernel ? "supported" : "unsupported"}};
    return spec::features_document(f);
}

}  // namespace islet::runtime
