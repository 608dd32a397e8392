// Applies: process.rlimits
#include "runtime/attrs/rlimits.hpp"

#include <sys/resource.h>

#include "spec/names.hpp"
#include "sys/error.hpp"

namespace islet::runtime::init {

void apply_rlimits(const std::vector<spec::Rlimit>& limits) {
    for (const auto& l : limits) {
        rlimit r{l.soft, l.hard};
        if (::setrlimit(static_cast<__rlimit_resource>(spec::rlimit_number(l.type)), &r) < 0)
            sys::throw_errno("setrlimit " + l.type + " (soft " + std::to_string(l.soft) + ", hard " +
                             std::to_string(l.hard) + ")");
    }
}

}  // namespace islet::runtime::init
