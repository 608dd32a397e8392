// The v2 device filter (runtime/cgroups/device_filter.hpp): the v1 list
// emulation and the generated BPF program, checked by interpreting it.
#include <gtest/gtest.h>

#include "runtime/cgroups/device_filter.hpp"

using namespace islet;
using namespace islet::runtime::cgroups;

namespace {

// A tiny interpreter for the instructions device_program() emits.
int run(const std::vector<bpf_insn>& prog, unsigned type, unsigned access, unsigned major, unsigned minor) {
    std::uint64_t reg[11] = {};
    std::uint32_t ctx[3] = {type | (access << 16), major, minor};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const bpf_insn& i = prog[pc];
        auto& dst = reg[i.dst_reg];
        const std::uint64_t imm = static_cast<std::uint64_t>(static_cast<std::int64_t>(i.imm));
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W: dst = ctx[i.off / 4]; break;
            case BPF_ALU | BPF_AND | BPF_K: dst = static_cast<std::uint32_t>(dst & imm); break;
            case BPF_ALU | BPF_RSH | BPF_K: dst = static_cast<std::uint32_t>(dst) >> i.imm; break;
            case BPF_ALU | BPF_MOV | BPF_X: dst = static_cast<std::uint32_t>(reg[i.src_reg]); break;
            case BPF_ALU | BPF_MOV | BPF_K: dst = static_cast<std::uint32_t>(i.imm); break;
            case BPF_JMP | BPF_JNE | BPF_K:
                if (dst != imm) pc += i.off;
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                if (dst == imm) pc += i.off;
                break;
            case BPF_JMP | BPF_JNE | BPF_X:
                if (dst != reg[i.src_reg]) pc += i.off;
                break;
            case BPF_JMP | BPF_EXIT: return static_cast<int>(reg[0]);
            default: ADD_FAILURE() << "unexpected opcode " << int(i.code); return -1;
        }
    }
    ADD_FAILURE() << "fell off the end";
    return -1;
}

constexpr unsigned C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
constexpr unsigned R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;

DeviceRule rule(bool allow, char type, long major, long minor, const char* access) {
    return DeviceRule{allow, type, major, minor, access};
}

}  // namespace

TEST(CgroupsDevices, DefaultRulesStartWithDenyAll) {
    auto rules = device_rules({});
    ASSERT_FALSE(rules.empty());
    EXPECT_FALSE(rules[0].allow);
    EXPECT_EQ(rules[0].type, 'a');
    auto list = emulate_device_rules(rules);
    EXPECT_FALSE(list.default_allow);
    auto prog = device_program(list);
    EXPECT_EQ(run(prog, C, R | W, 1, 3), 1);  // /dev/null
    EXPECT_EQ(run(prog, C, R, 136, 7), 1);    // /dev/pts/7
    EXPECT_EQ(run(prog, B, R, 8, 0), 0);      // /dev/sda
    EXPECT_EQ(run(prog, B, M, 8, 0), 1);      // mknod of anything is allowed...
    EXPECT_EQ(run(prog, B, M | R, 8, 0), 0);  // ...but not opening it
    EXPECT_EQ(run(prog, C, R, 10, 200), 0);   // /dev/net/tun is not a default
}

TEST(CgroupsDevices, ConfigRulesAndPartialAccess) {
    spec::DeviceCgroup allow_sda{true, "b", 8, 0, "r"};
    auto list = emulate_device_rules(device_rules({allow_sda}));
    auto prog = device_program(list);
    EXPECT_EQ(run(prog, B, R, 8, 0), 1);
    EXPECT_EQ(run(prog, B, R | W, 8, 0), 0);  // w not granted
    EXPECT_EQ(run(prog, B, R, 8, 1), 0);
}

TEST(CgroupsDevices, AnAInTheAccessIsIgnoredAsRuncDoes) {
    auto rules = device_rules({spec::DeviceCgroup{true, "c", 1, 1, "rwa"}});
    ASSERT_GE(rules.size(), 2u);
    EXPECT_EQ(rules[1].access, "rw");
    EXPECT_EQ(rules[1].v1_text(), "c 1:1 rw");
    auto prog = device_program(emulate_device_rules(rules));
    EXPECT_EQ(run(prog, C, R | W, 1, 1), 1);
}

TEST(CgroupsDevices, EmulatorFollowsTheKernelList) {
    // allow-all, then deny one: an allow-by-default list with one exception.
    auto list = emulate_device_rules({rule(true, 'a', -1, -1, "rwm"), rule(false, 'c', 1, 3, "w")});
    EXPECT_TRUE(list.default_allow);
    ASSERT_EQ(list.exceptions.size(), 1u);
    auto prog = device_program(list);
    EXPECT_EQ(run(prog, C, R, 1, 3), 1);
    EXPECT_EQ(run(prog, C, R | W, 1, 3), 0);  // partial match denies (match_exception_partial)
    EXPECT_EQ(run(prog, B, R | W, 8, 0), 1);
    // A deny in deny-by-default mode removes access bits from the exact entry.
    list = emulate_device_rules({rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', 1, 3, "rwm"),
                                 rule(false, 'c', 1, 3, "w"), rule(true, 'c', 1, 5, "r"), rule(false, 'c', 1, 5, "r")});
    ASSERT_EQ(list.exceptions.size(), 1u);
    EXPECT_EQ(list.exceptions[0].access, "rm");
    prog = device_program(list);
    EXPECT_EQ(run(prog, C, R, 1, 3), 1);
    EXPECT_EQ(run(prog, C, W, 1, 3), 0);
    EXPECT_EQ(run(prog, C, R, 1, 5), 0);
    // A later "a" resets everything.
    list = emulate_device_rules({rule(true, 'c', 1, 3, "rwm"), rule(true, 'a', -1, -1, "rwm")});
    EXPECT_TRUE(list.default_allow);
    EXPECT_TRUE(list.exceptions.empty());
    EXPECT_EQ(run(device_program(list), B, R | W | M, 8, 0), 1);
}

TEST(CgroupsDevices, WildcardsAndLimits) {
    auto list = emulate_device_rules({rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', 4, -1, "rw")});
    auto prog = device_program(list);
    EXPECT_EQ(run(prog, C, R, 4, 63), 1);
    EXPECT_EQ(run(prog, C, R, 5, 63), 0);
    list = emulate_device_rules({rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', 1L << 40, 0, "r")});
    EXPECT_THROW(device_program(list), std::exception);
    EXPECT_EQ(rule(true, 'c', 1, -1, "rw").v1_text(), "c 1:* rw");
}
