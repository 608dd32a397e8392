// Resource limits. Init side.
//
// Applies: process.rlimits
#pragma once

#include <vector>

#include "spec/model.hpp"

namespace islet::runtime::init {

// setrlimit for each entry; the error names the limit and the values.
void apply_rlimits(const std::vector<spec::Rlimit>& limits);

}  // namespace islet::runtime::init
