// The net_cls and net_prio controllers (cgroup v1 only).
//
// Applies: linux.resources.network.classID, linux.resources.network.priorities
//
// cgroup v2 has no such controllers (socket classification moved to eBPF):
// on a pure v2 host runc ignores these fields, and so does islet, with a
// warning. On a host with v1 hierarchies where net_cls/net_prio are not
// mounted (these machines), asking for them is an error naming the
// controller, as runc's "cannot set net_cls limit" is.
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {

void plan_network(const spec::Resources& r, Planner& p) {
    if (!r.network || (!r.network->class_id && r.network->priorities.empty())) return;
    const Facts& f = p.facts();
    bool any_v1 = false;
    for (auto& [name, v] : f.controllers) any_v1 = any_v1 || v == Version::v1;
    if (!any_v1) {
        p.warning("linux.resources.network is ignored: cgroup v2 has no net_cls or net_prio controller");
        return;
    }
    if (r.network->class_id) {
        if (f.where("net_cls") != Version::v1)
            p.missing("network/classID", "net_cls");
        else
            p.write("net_cls", "net_cls.classid", std::to_string(*r.network->class_id));
    }
    if (!r.network->priorities.empty()) {
        if (f.where("net_prio") != Version::v1) return p.missing("network/priorities", "net_prio");
        for (auto& prio : r.network->priorities)
            p.write("net_prio", "net_prio.ifpriomap", prio.name + " " + std::to_string(prio.priority));
    }
}

}  // namespace islet::runtime::cgroups
