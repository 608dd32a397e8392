// The rdma controller.
//
// Applies: linux.resources.rdma
//
// One "DEVICE hca_handle=N hca_object=M" line per device in rdma.max (the
// same file on v1 and v2), naming only the limits the config sets.
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {

void plan_rdma(const spec::Resources& r, Planner& p) {
    if (r.rdma.empty()) return;
    if (p.facts().where("rdma") == Version::none) return p.missing("rdma", "rdma");
    for (auto& [device, limits] : r.rdma) {
        if (device.empty() || device.find_first_of(" \n\t/") != std::string::npos) {
            p.problem("rdma", "invalid rdma device name \"" + device + "\"");
            continue;
        }
        std::string line = device;
        if (limits.hca_handles) line += " hca_handle=" + std::to_string(*limits.hca_handles);
        if (limits.hca_objects) line += " hca_object=" + std::to_string(*limits.hca_objects);
        if (line != device) p.write("rdma", "rdma.max", line);
    }
}

}  // namespace islet::runtime::cgroups
