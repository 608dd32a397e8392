// Applies: linux.personality
#include "runtime/attrs/personality.hpp"

#include <sys/personality.h>

#include <utility>

#include "sys/error.hpp"

namespace islet::runtime {

std::optional<unsigned long> plan_personality(const spec::Personality& p, std::vector<spec::Problem>& out) {
    const size_t before = out.size();
    unsigned long v = 0;
    if (p.domain == "LINUX")
        v = PER_LINUX;
    else if (p.domain == "LINUX32")
        v = PER_LINUX32;
    else
        out.push_back({"/linux/personality/domain", "personality domain \"" + p.domain + "\" is not LINUX or LINUX32"});
    static const std::pair<const char*, unsigned long> kFlags[] = {
        {"UNAME26", UNAME26},
        {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
        {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
        {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
        {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
        {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
        {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
        {"SHORT_INODE", SHORT_INODE},
        {"WHOLE_SECONDS", WHOLE_SECONDS},
        {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
        {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
    };
    for (size_t i = 0; i < p.flags.size(); ++i) {
        bool found = false;
        for (auto& [name, bit] : kFlags)
            if (p.flags[i] == name) {
                v |= bit;
                found = true;
            }
        if (!found)
            out.push_back(
                {"/linux/personality/flags/" + std::to_string(i), "unknown personality flag \"" + p.flags[i] + "\""});
    }
    if (out.size() != before) return std::nullopt;
    return v;
}

namespace init {

void set_personality(unsigned long persona) {
    if (::personality(persona) < 0) sys::throw_errno("personality(" + std::to_string(persona) + ")");
}

}  // namespace init
}  // namespace islet::runtime
