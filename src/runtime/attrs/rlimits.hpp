// Resource limits. Planned by the runtime (the names resolved once, host
// side), set by the init and exec's joining process.
//
// Applies: process.rlimits
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime {

struct RlimitSetting {
    int resource = 0;  // RLIMIT_*
    std::uint64_t soft = 0, hard = 0;
    std::string name;  // "RLIMIT_NOFILE", for messages
};

// Pure: each limit with its resource number (validation refused unknown names).
std::vector<RlimitSetting> plan_rlimits(const std::vector<spec::Rlimit>& limits);

namespace init {
// setrlimit for each entry; the error names the limit and the values.
void apply_rlimits(const std::vector<RlimitSetting>& limits);
}  // namespace init

}  // namespace islet::runtime
