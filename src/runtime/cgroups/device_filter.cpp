// Applies: linux.resources.devices (cgroup v2 eBPF device filter)
#include "runtime/cgroups/device_filter.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "sys/error.hpp"
#include "sys/fd.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::cgroups {
namespace {

unsigned access_bits(const std::string& access) {
    unsigned bits = 0;
    for (char c : access) {
        if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
        if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
        if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
    }
    return bits;
}

std::string access_text(unsigned bits) {
    std::string s;
    if (bits & BPF_DEVCG_ACC_READ) s += 'r';
    if (bits & BPF_DEVCG_ACC_WRITE) s += 'w';
    if (bits & BPF_DEVCG_ACC_MKNOD) s += 'm';
    return s;
}

constexpr unsigned kAll = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

bpf_insn insn(std::uint8_t code, std::uint8_t dst, std::uint8_t src, std::int16_t off, std::int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn load_word(std::uint8_t dst, std::int16_t off) {
    return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0);
}
bpf_insn alu32_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
    return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_reg(std::uint8_t dst, std::uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
// Jumps get their offset once the block's length is known.
bpf_insn jmp_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
    return insn(BPF_JMP | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn jmp_reg(std::uint8_t op, std::uint8_t dst, std::uint8_t src) {
    return insn(BPF_JMP | op | BPF_X, dst, src, 0, 0);
}
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

long sys_bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

DeviceList emulate_device_rules(const std::vector<DeviceRule>& rules) {
    DeviceList list;
    for (auto& r : rules) {
        const unsigned bits = access_bits(r.access.empty() ? "rwm" : r.access);
        if (r.type == 'a') {  // the kernel resets the whole list for "a"
            list.default_allow = r.allow;
            list.exceptions.clear();
            continue;
        }
        auto same = [&](const DeviceRule& e) { return e.type == r.type && e.major == r.major && e.minor == r.minor; };
        if (r.allow == list.default_allow) {
            for (auto& e : list.exceptions)
                if (same(e)) e.access = access_text(access_bits(e.access) & ~bits);
            std::erase_if(list.exceptions, [](const DeviceRule& e) { return e.access.empty(); });
            continue;
        }
        bool merged = false;
        for (auto& e : list.exceptions)
            if (same(e)) {
                e.access = access_text(access_bits(e.access) | bits);
                merged = true;
            }
        if (!merged) {
            DeviceRule e = r;
            e.access = access_text(bits);
            list.exceptions.push_back(e);
        }
    }
    return list;
}

std::vector<bpf_insn> device_program(const DeviceList& list) {
    // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }:
    // access_type = (access << 16) | type.
    std::vector<bpf_insn> p = {
        load_word(BPF_REG_2, 0), alu32_imm(BPF_AND, BPF_REG_2, 0xFFFF),  // R2 = type
        load_word(BPF_REG_3, 0), alu32_imm(BPF_RSH, BPF_REG_3, 16),      // R3 = access
        load_word(BPF_REG_4, 4),                                         // R4 = major
        load_word(BPF_REG_5, 8),                                         // R5 = minor
    };
    for (auto& e : list.exceptions) {
        if (e.major > INT_MAX || e.minor > INT_MAX)
            throw sys::Error("device rule \"" + e.v1_text() + "\": major or minor too large for the device filter");
        const unsigned bits = access_bits(e.access);
        std::vector<bpf_insn> block;
        block.push_back(jmp_imm(BPF_JNE, BPF_REG_2, e.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
        if (bits != kAll) {
            block.push_back(mov32_reg(BPF_REG_1, BPF_REG_3));
            block.push_back(alu32_imm(BPF_AND, BPF_REG_1, static_cast<std::int32_t>(bits)));
            if (list.default_allow)
                block.push_back(jmp_imm(BPF_JEQ, BPF_REG_1, 0));  // no access bit in common: next
            else
                block.push_back(jmp_reg(BPF_JNE, BPF_REG_1, BPF_REG_3));  // not all covered: next
        }
        if (e.major >= 0) block.push_back(jmp_imm(BPF_JNE, BPF_REG_4, static_cast<std::int32_t>(e.major)));
        if (e.minor >= 0) block.push_back(jmp_imm(BPF_JNE, BPF_REG_5, static_cast<std::int32_t>(e.minor)));
        block.push_back(alu32_imm(BPF_MOV, BPF_REG_0, e.allow ? 1 : 0));
        block.push_back(exit_insn());
        // Every jump of the block skips to the first instruction after it.
        for (size_t i = 0; i < block.size(); ++i)
            if (BPF_CLASS(block[i].code) == BPF_JMP && BPF_OP(block[i].code) != BPF_EXIT)
                block[i].off = static_cast<std::int16_t>(block.size() - i - 1);
        p.insert(p.end(), block.begin(), block.end());
    }
    p.push_back(alu32_imm(BPF_MOV, BPF_REG_0, list.default_allow ? 1 : 0));
    p.push_back(exit_insn());
    return p;
}

void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program) {
    static const char kLicense[] = "Apache";
    std::vector<char> log(size_t{64} * 1024);
    bpf_attr load{};
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = reinterpret_cast<std::uint64_t>(program.data());
    load.insn_cnt = static_cast<std::uint32_t>(program.size());
    load.license = reinterpret_cast<std::uint64_t>(kLicense);
    std::strncpy(load.prog_name, "islet_devices", sizeof load.prog_name - 1);
    long fd = sys_bpf(BPF_PROG_LOAD, load);
    if (fd < 0 && errno == EINVAL) {  // again, with the verifier's log
        load.log_level = 1;
        load.log_buf = reinterpret_cast<std::uint64_t>(log.data());
        load.log_size = static_cast<std::uint32_t>(log.size());
        fd = sys_bpf(BPF_PROG_LOAD, load);
    }
    if (fd < 0) {
        int err = errno;
        std::string msg = sys::describe_errno("load the device cgroup eBPF program (bpf BPF_PROG_LOAD)", "", err);
        if (log[0]) msg += ": verifier: " + std::string(log.data());
        throw sys::Error(msg, err);
    }
    sys::UniqueFd prog(static_cast<int>(fd));
    sys::UniqueFd cg = sys::open_path(cgroup_dir, O_RDONLY | O_DIRECTORY);
    bpf_attr attach{};
    attach.target_fd = static_cast<std::uint32_t>(cg.get());
    attach.attach_bpf_fd = static_cast<std::uint32_t>(prog.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, attach) < 0)
        sys::throw_errno("attach the device cgroup eBPF program (bpf BPF_PROG_ATTACH)", cgroup_dir);
}

}  // namespace islet::runtime::cgroups
