// Host and domain name. Init side.
//
// Applies: hostname, domainname
#pragma once

#include "spec/model.hpp"

namespace islet::runtime::init {

void set_hostname(const spec::Config& config);

}  // namespace islet::runtime::init
