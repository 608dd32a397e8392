// The pids controller.
//
// Applies: linux.resources.pids.limit
//
// runc (opencontainers/cgroups fs/pids.go): a positive limit is written as
// is, a negative one means "max", and 0 becomes 1, as systemd's TasksMax
// cannot say 0 and both drivers should agree.
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {

void plan_pids(const spec::Resources& r, Planner& p) {
    if (!r.pids || !r.pids->limit) return;
    if (p.facts().where("pids") == Version::none) return p.missing("pids/limit", "pids");
    const std::int64_t limit = *r.pids->limit;
    p.write("pids", "pids.max", limit > 0 ? std::to_string(limit) : limit == 0 ? "1" : "max");
}

}  // namespace islet::runtime::cgroups
