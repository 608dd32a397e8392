#include "sys/environ.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace islet::sys {

void scrub_environ(std::initializer_list<std::string_view> keep) {
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        const std::string_view name = entry.substr(0, entry.find('='));
        if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
        std::memset(*e, 0, entry.size());
    }
}

}  // namespace islet::sys
