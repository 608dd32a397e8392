// cgroup v2 key/value resources.
//
// Applies: linux.resources.unified
//
// Each key is a file name in the container's unified cgroup, written last so
// it overrides the structured fields (runc's setUnified). runc rejects them
// on v1 ("cannot use unified on cgroup v1"). In hybrid islet writes them into
// the unified hierarchy when their controller lives there (hugetlb on these
// machines, or "cgroup.*" core files); a key whose controller is a v1
// hierarchy is an error naming it, since the value would not take effect.
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {
namespace {

// runc's refusal of a key whose controller cannot take it.
std::string cannot_set(const std::string& key, const std::string& controller, const char* why) {
    return "unified resource \"" + key + "\" can't be set: controller \"" + controller + "\" " + why;
}

}  // namespace

void plan_unified(const spec::Resources& r, Planner& p) {
    if (r.unified.empty()) return;
    const Facts& f = p.facts();
    if (!f.has_unified) return p.problem("unified", "invalid configuration: cannot use unified on cgroup v1");
    for (auto& [key, value] : r.unified) {
        const std::string ptr = "unified/" + key;
        if (key.find('/') != std::string::npos || key == "." || key == "..") {
            p.problem(ptr, "unified resource \"" + key + "\" must be a file name (no slashes)");
            continue;
        }
        auto dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) {
            p.problem(ptr, "unified resource \"" + key + "\" must be in the form CONTROLLER.PARAMETER");
            continue;
        }
        const std::string controller = key.substr(0, dot);
        if (controller == "cgroup") {
            p.write("", key, value);
            continue;
        }
        auto it = f.controllers.find(controller);
        if (it == f.controllers.end() || it->second == Version::none) {
            p.problem(ptr, cannot_set(key, controller, "not available"));
        } else if (it->second == Version::v1) {
            p.problem(ptr, cannot_set(key, controller, "is on a cgroup v1 hierarchy on this host"));
        } else {
            p.write(controller, key, value);
        }
    }
}

}  // namespace islet::runtime::cgroups
