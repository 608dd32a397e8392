// runtime/cgroups/devices: the device cgroup rules islet applies.
#include "runtime/cgroups/devices.hpp"

#include <gtest/gtest.h>

using islet::runtime::cgroups::device_rules;
using islet::runtime::cgroups::DeviceRule;
using islet::spec::DeviceCgroup;

namespace {

std::vector<std::string> texts(const std::vector<DeviceRule>& rules) {
    std::vector<std::string> out;
    for (auto& r : rules) out.push_back(std::string(r.allow ? "allow " : "deny ") + r.v1_text());
    return out;
}

const std::vector<std::string> kDefaults = {
    "allow c *:* m",   "allow b *:* m",   "allow c 1:3 rwm",   "allow c 1:8 rwm", "allow c 1:7 rwm", "allow c 5:0 rwm",
    "allow c 1:5 rwm", "allow c 1:9 rwm", "allow c 136:* rwm", "allow c 5:2 rwm", "allow c 5:1 rwm",
};

}  // namespace

// runc's emulator starts as an allow-list: a deny-all rule always comes
// first, so a config without rules still gets only the defaults.
TEST(DeviceRules, DefaultsOnly) {
    std::vector<std::string> want = {"deny a *:* rwm"};
    want.insert(want.end(), kDefaults.begin(), kDefaults.end());
    EXPECT_EQ(texts(device_rules({})), want);
}

TEST(DeviceRules, ConfigRulesComeFirst) {
    std::vector<DeviceCgroup> cfg = {
        DeviceCgroup{false, "", {}, {}, "rwm"},  // deny all (islet spec's default)
        DeviceCgroup{true, "c", 10, 200, "rw"},  // /dev/net/tun
        DeviceCgroup{true, "b", 8, {}, "r"},     // any sd minor
        DeviceCgroup{false, "a", {}, 3, ""},     // empty access means rwm
    };
    auto got = texts(device_rules(cfg));
    std::vector<std::string> want = {"deny a *:* rwm", "deny a *:* rwm", "allow c 10:200 rw", "allow b 8:* r",
                                     "deny a *:3 rwm"};
    want.insert(want.end(), kDefaults.begin(), kDefaults.end());
    EXPECT_EQ(got, want);
}

TEST(DeviceRules, V1Text) {
    EXPECT_EQ((DeviceRule{true, 'c', 1, 3, "rwm"}.v1_text()), "c 1:3 rwm");
    EXPECT_EQ((DeviceRule{false, 'a', -1, -1, "rwm"}.v1_text()), "a *:* rwm");
    EXPECT_EQ((DeviceRule{true, 'b', 259, -1, "m"}.v1_text()), "b 259:* m");
    EXPECT_EQ((DeviceRule{true, 'c', 0, 0, "r"}.v1_text()), "c 0:0 r");  // 0 is a number, not a wildcard
}
