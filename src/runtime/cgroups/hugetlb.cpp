// The hugetlb controller.
//
// Applies: linux.resources.hugepageLimits
//
// v1: hugetlb.<size>.limit_in_bytes; v2: hugetlb.<size>.max. The reserved
// counterparts (.rsvd.) are set to the same value where the kernel has them
// (runc does the same). In hybrid the controller is used where it is: on
// these machines it is not mounted as v1 but listed by the unified
// hierarchy, so it is enabled there. Page sizes are checked against
// /sys/kernel/mm/hugepages, named as the kernel names them ("2MB", "1GB").
#include <algorithm>

#include "runtime/cgroups/resources.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::cgroups {

void plan_hugetlb(const spec::Resources& r, Planner& p) {
    if (r.hugepage_limits.empty()) return;
    const Version v = p.facts().where("hugetlb");
    if (v == Version::none) return p.missing("hugepageLimits", "hugetlb");
    const auto& sizes = p.facts().hugepage_sizes;
    for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
        const auto& h = r.hugepage_limits[i];
        const std::string ptr = "hugepageLimits/" + std::to_string(i) + "/pageSize";
        if (h.page_size.empty() || h.page_size.find('/') != std::string::npos ||
            h.page_size.find('.') != std::string::npos) {
            p.problem(ptr, "invalid hugepage size \"" + h.page_size + "\"");
            continue;
        }
        if (!sizes.empty() && std::find(sizes.begin(), sizes.end(), h.page_size) == sizes.end()) {
            p.problem(ptr, "hugepage size " + h.page_size +
                               " is not supported by this host (supported: " + sys::join(sizes, ", ") + ")");
            continue;
        }
        const std::string value = std::to_string(h.limit);
        const std::string base = "hugetlb." + h.page_size;
        if (v == Version::v1) {
            p.write("hugetlb", base + ".limit_in_bytes", value);
            p.write("hugetlb", base + ".rsvd.limit_in_bytes", value, true);
        } else {
            p.write("hugetlb", base + ".max", value);
            p.write("hugetlb", base + ".rsvd.max", value, true);
        }
    }
}

}  // namespace islet::runtime::cgroups
