// Applies: process.rlimits
#include "runtime/attrs/rlimits.hpp"

#include <sys/resource.h>

#include "spec/names.hpp"
#include "sys/error.hpp"

namespace islet::runtime {

std::vector<RlimitSetting> plan_rlimits(const std::vector<spec::Rlimit>& limits) {
    std::vector<RlimitSetting> out;
    out.reserve(limits.size());
    for (const auto& l : limits) out.push_back({spec::rlimit_number(l.type), l.soft, l.hard, l.type});
    return out;
}

namespace init {

void apply_rlimits(const std::vector<RlimitSetting>& limits) {
    for (const auto& l : limits) {
        const rlimit r{l.soft, l.hard};
        if (::setrlimit(static_cast<__rlimit_resource>(l.resource), &r) < 0)
            sys::throw_errno("setrlimit " + l.name + " (soft " + std::to_string(l.soft) + ", hard " +
                             std::to_string(l.hard) + ")");
    }
}

}  // namespace init
}  // namespace islet::runtime
