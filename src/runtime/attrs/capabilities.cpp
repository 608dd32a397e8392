// Applies: process.capabilities
#include "runtime/attrs/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/attrs/user.hpp"
#include "spec/names.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

std::uint64_t mask_of(const std::optional<std::vector<std::string>>& names, int last_cap,
                      std::vector<std::string>& unknown) {
    std::uint64_t m = 0;
    if (!names) return m;
    for (auto& n : *names) {
        int c = spec::capability_number(n);
        if (c < 0 || c > last_cap) {
            unknown.push_back(n);
            continue;
        }
        m |= 1ull << c;
    }
    return m;
}

}  // namespace

CapPlan plan_capabilities(const std::optional<spec::Capabilities>& caps, int last_cap) {
    CapPlan p;
    p.last_cap = last_cap;
    if (!caps) return p;
    p.bounding = mask_of(caps->bounding, last_cap, p.unknown);
    p.effective = mask_of(caps->effective, last_cap, p.unknown);
    p.permitted = mask_of(caps->permitted, last_cap, p.unknown);
    p.inheritable = mask_of(caps->inheritable, last_cap, p.unknown);
    p.ambient = mask_of(caps->ambient, last_cap, p.unknown);
    return p;
}

int kernel_last_cap() {
    auto text = sys::read_file_if_exists("/proc/sys/kernel/cap_last_cap");
    if (text)
        if (auto n = sys::parse_int(sys::trim(*text))) return static_cast<int>(*n);
    return static_cast<int>(CAP_LAST_CAP);
}

std::string cap_names(std::uint64_t mask) {
    std::vector<std::string> out;
    const auto& names = spec::capability_names();
    for (size_t i = 0; i < 64; ++i)
        if (mask & (1ull << i)) out.push_back(i < names.size() ? names[i] : "CAP_" + std::to_string(i));
    return sys::join(out, ", ");
}

namespace init {

void drop_bounding(const CapPlan& plan) {
    // Every possible bit, not just up to cap_last_cap: the init reads that
    // after pivot_root, where /proc may be the image's own directory, and a
    // fake lower value must not leave capabilities in the bounding set. The
    // kernel answers EINVAL for numbers it does not have.
    for (int c = 0; c < 64; ++c) {
        if (plan.bounding & (1ull << c)) continue;
        if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            sys::throw_errno("drop capability " + cap_names(1ull << c) + " from the bounding set");
    }
}

void apply_capabilities(const CapPlan& plan) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int i = 0; i < 2; ++i) {
        data[i].effective = static_cast<std::uint32_t>(plan.effective >> (32 * i));
        data[i].permitted = static_cast<std::uint32_t>(plan.permitted >> (32 * i));
        data[i].inheritable = static_cast<std::uint32_t>(plan.inheritable >> (32 * i));
    }
    if (::syscall(SYS_capset, &hdr, data) < 0) sys::throw_errno("capset");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) sys::throw_errno("clear ambient capabilities");
    for (int c = 0; c <= plan.last_cap; ++c) {
        if (!(plan.ambient & (1ull << c))) continue;
        // The kernel raises an ambient capability only when it is permitted
        // and inheritable; runc skips the others silently.
        if (!(plan.permitted & plan.inheritable & (1ull << c))) continue;
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
            sys::throw_errno("raise ambient capability " + cap_names(1ull << c));
    }
}

void set_identity(const spec::User& user, const CapPlan& plan) {
    drop_bounding(plan);
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) sys::throw_errno("prctl(PR_SET_KEEPCAPS)");
    switch_user(user);
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) sys::throw_errno("prctl(PR_SET_KEEPCAPS)");
    apply_capabilities(plan);
}

}  // namespace init
}  // namespace islet::runtime
