// Applies: process.execCPUAffinity
#include "runtime/attrs/cpu_affinity.hpp"

#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::runtime {

std::optional<std::vector<unsigned>> parse_id_list(const std::string& text, unsigned max_id) {
    std::vector<unsigned> out;
    if (text.empty()) return out;
    for (const auto& part : sys::split(text, ',')) {
        const auto dash = part.find('-');
        auto lo = sys::parse_uint(part.substr(0, dash));
        auto hi = dash == std::string::npos ? lo : sys::parse_uint(part.substr(dash + 1));
        if (!lo || !hi || *lo > *hi || *hi > max_id) return std::nullopt;
        for (auto i = *lo; i <= *hi; ++i) out.push_back(static_cast<unsigned>(i));
    }
    return out;
}

void cpu_affinity_problems(const spec::CpuAffinity& a, const std::string& base, std::vector<spec::Problem>& out) {
    if (!parse_id_list(a.initial, CPU_SETSIZE - 1))
        out.push_back({base + "/initial", "invalid CPU list \"" + a.initial + "\""});
    if (!parse_id_list(a.final_, CPU_SETSIZE - 1))
        out.push_back({base + "/final", "invalid CPU list \"" + a.final_ + "\""});
}

void set_cpu_affinity(const std::string& list, const char* which) {
    auto cpus = parse_id_list(list, CPU_SETSIZE - 1);
    if (!cpus) throw sys::Error(std::string("invalid ") + which + " CPU list \"" + list + "\"");
    if (cpus->empty()) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned c : *cpus) CPU_SET(c, &set);
    if (::sched_setaffinity(0, sizeof set, &set) < 0)
        sys::throw_errno(std::string("sched_setaffinity (") + which + " " + list + ")");
}

}  // namespace islet::runtime
