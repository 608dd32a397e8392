// Applies: hostname, domainname
#include "runtime/ns/hostname.hpp"

#include <unistd.h>

#include "sys/error.hpp"

namespace islet::runtime::init {

void set_hostname(const spec::Config& c) {
    if (!c.hostname.empty() && ::sethostname(c.hostname.data(), c.hostname.size()) < 0)
        sys::throw_errno("sethostname", c.hostname);
    if (!c.domainname.empty() && ::setdomainname(c.domainname.data(), c.domainname.size()) < 0)
        sys::throw_errno("setdomainname", c.domainname);
}

}  // namespace islet::runtime::init
