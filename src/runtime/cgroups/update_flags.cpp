// Applies: `update` command-line flags -> linux.resources (runc's update.go)
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "runtime/cgroups/resources.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::cgroups {
namespace {

std::uint64_t to_u64(const std::string& flag, const std::string& v) {
    auto n = sys::parse_uint(v);
    if (!n)
        throw sys::Error("invalid value for " + flag + ": strconv.ParseUint: parsing \"" + v + "\": invalid syntax");
    return *n;
}

std::int64_t to_i64(const std::string& flag, const std::string& v) {
    auto n = sys::parse_int(v);
    if (!n) throw sys::Error("invalid value for " + flag + ": strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
    return *n;
}

std::int64_t to_size(const std::string& flag, const std::string& v) {
    if (v == "-1") return -1;
    auto n = parse_ram_bytes(v);
    if (!n) throw sys::Error("invalid value for " + flag + ": invalid size: '" + v + "'");
    return *n;
}

}  // namespace

std::optional<std::int64_t> parse_ram_bytes(const std::string& text) {
    // ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$, binary multipliers.
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    std::string number = text.substr(0, i);
    if (number.empty() || !std::isdigit(static_cast<unsigned char>(number[0])) || number.back() == '.' ||
        number.find("..") != std::string::npos)
        return std::nullopt;
    std::string unit = text.substr(i);
    if (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
    double mult = 1;
    if (!unit.empty()) {
        const std::string prefixes = "kmgtp";
        auto pos = prefixes.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit[0]))));
        if (pos != std::string::npos) {
            mult = std::pow(1024.0, static_cast<double>(pos + 1));
            unit.erase(0, 1);
        }
        if (!unit.empty() && (unit[0] == 'i' || unit[0] == 'I')) unit.erase(0, 1);
        if (!unit.empty() && (unit[0] == 'b' || unit[0] == 'B')) unit.erase(0, 1);
        if (!unit.empty()) return std::nullopt;
    }
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (!end || *end != '\0') {
        // "1.2.3": Go's regexp allows it, ParseFloat does not.
        return std::nullopt;
    }
    double bytes = v * mult;
    if (bytes > 9.2e18) return std::nullopt;
    return static_cast<std::int64_t>(bytes);
}

spec::Resources update_patch(const std::map<std::string, std::string>& flags, std::vector<std::string>& warnings) {
    spec::Resources r;
    auto get = [&](const char* name) -> const std::string* {
        auto it = flags.find(name);
        return it == flags.end() || it->second.empty() ? nullptr : &it->second;
    };
    auto memory = [&]() -> spec::Memory& { return r.memory ? *r.memory : r.memory.emplace(); };
    auto cpu = [&]() -> spec::Cpu& { return r.cpu ? *r.cpu : r.cpu.emplace(); };
    if (auto v = get("blkio-weight")) {
        auto w = to_u64("blkio-weight", *v);
        if (w > 0xffff) throw sys::Error("invalid value for blkio-weight: " + *v);
        if (w) r.block_io.emplace().weight = static_cast<std::uint16_t>(w);
    }
    if (auto v = get("cpuset-cpus")) cpu().cpus = *v;
    if (auto v = get("cpuset-mems")) cpu().mems = *v;
    if (auto v = get("cpu-idle")) cpu().idle = to_i64("cpu-idle", *v);
    if (auto v = get("cpu-burst")) cpu().burst = to_u64("cpu-burst", *v);
    if (auto v = get("cpu-period")) cpu().period = to_u64("cpu-period", *v);
    if (auto v = get("cpu-rt-period")) cpu().realtime_period = to_u64("cpu-rt-period", *v);
    if (auto v = get("cpu-share")) cpu().shares = to_u64("cpu-share", *v);
    if (auto v = get("cpu-quota")) cpu().quota = to_i64("cpu-quota", *v);
    if (auto v = get("cpu-rt-runtime")) cpu().realtime_runtime = to_i64("cpu-rt-runtime", *v);
    if (auto v = get("memory")) memory().limit = to_size("memory", *v);
    if (auto v = get("memory-swap")) memory().swap = to_size("memory-swap", *v);
    if (auto v = get("memory-reservation")) memory().reservation = to_size("memory-reservation", *v);
    if (get("kernel-memory") || get("kernel-memory-tcp")) {
        if (auto v = get("kernel-memory")) to_size("kernel-memory", *v);
        if (auto v = get("kernel-memory-tcp")) to_size("kernel-memory-tcp", *v);
        warnings.push_back("Kernel memory settings are ignored and will be removed");
    }
    if (auto v = get("pids-limit")) r.pids.emplace().limit = to_i64("pids-limit", *v);
    if (get("l3-cache-schema")) throw sys::Error("Intel RDT: l3 cache schema is not supported by islet");
    if (get("mem-bw-schema")) throw sys::Error("Intel RDT: memory bandwidth schema is not supported by islet");
    return r;
}

}  // namespace islet::runtime::cgroups
