// The systemd driver's pure part: the unit's name and every property
// StartTransientUnit and SetUnitProperties get (systemd.hpp).
//
// Applies: linux.cgroupsPath (systemd form), linux.resources (as unit
// properties), linux.resources.devices (DevicePolicy/DeviceAllow),
// annotations "org.systemd.property.<Name>"
#include <climits>
#include <limits>
#include <set>

#include "runtime/cgroups/systemd.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::cgroups::systemd {
namespace {

constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();  // systemd's "infinity"
constexpr std::uint64_t kDefaultPeriod = 100000;                                // the kernel's default CFS period (us)

Property prop(const std::string& name, Value v) { return {name, std::move(v)}; }

// "max" or a negative v1 value -> infinity; a number -> itself.
std::optional<std::uint64_t> limit_value(const std::string& text) {
    std::string_view t = sys::trim(text);
    if (t == "max" || (!t.empty() && t[0] == '-')) return kInfinity;
    return sys::parse_uint(t);
}

// runc's checkPropertyName: latin letters only, at least 3 of them.
std::string name_problem(const std::string& s) {
    if (s.size() < 3) return "too short";
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return "contains non-alphabetic character";
    return "";
}

// A number of seconds (any numeric type) -> microseconds, as runc's
// convertSecToUSec.
std::optional<std::uint64_t> seconds_to_usec(const Value& v) {
    constexpr std::uint64_t M = 1000000;
    if (v.sig == "d") return static_cast<std::uint64_t>(v.d * M);
    if (v.sig == "n" || v.sig == "i" || v.sig == "x") return static_cast<std::uint64_t>(v.i) * M;
    if (v.sig == "y" || v.sig == "q" || v.sig == "u" || v.sig == "t") return v.u * M;
    return std::nullopt;
}

// runc's addCpuQuota: CPUQuotaPerSecUSec is what systemd stores (as a
// percentage, so a fraction of a percent is rounded up to the next 10 ms
// per second); the period needs systemd 242.
void add_cpu_quota(std::vector<Property>& out, std::optional<std::int64_t> quota, std::optional<std::uint64_t> period,
                   int version) {
    if (period && *period != 0 && version >= 242) out.push_back(prop("CPUQuotaPeriodUSec", Value::u64(*period)));
    if (!quota && !period) return;
    std::uint64_t per_sec = kInfinity;
    if (quota && *quota > 0) {
        const std::uint64_t p = period && *period ? *period : kDefaultPeriod;
        per_sec = static_cast<std::uint64_t>(*quota) * 1000000 / p;
        if (per_sec % 10000 != 0) per_sec = (per_sec / 10000 + 1) * 10000;
    }
    out.push_back(prop("CPUQuotaPerSecUSec", Value::u64(per_sec)));
}

template <typename T>
Value unsigned_array(const char* elem, const std::vector<T>& v) {
    Value x;
    x.sig = std::string("a") + elem;
    for (auto n : v) {
        Value e;
        e.sig = elem;
        e.u = n;
        x.items.push_back(e);
    }
    return x;
}

}  // namespace

Value Value::boolean(bool v) {
    Value x;
    x.sig = "b";
    x.b = v;
    return x;
}
Value Value::u64(std::uint64_t v) {
    Value x;
    x.sig = "t";
    x.u = v;
    return x;
}
Value Value::str(const std::string& v) {
    Value x;
    x.sig = "s";
    x.s = v;
    return x;
}
Value Value::u32_array(const std::vector<std::uint32_t>& v) { return unsigned_array("u", v); }
Value Value::bytes(const std::vector<std::uint8_t>& v) { return unsigned_array("y", v); }

std::vector<Property> annotation_properties(const std::map<std::string, std::string>& annotations) {
    const std::string prefix = "org.systemd.property.";
    std::vector<Property> out;
    for (auto& [key, text] : annotations) {
        if (key.compare(0, prefix.size(), prefix) != 0) continue;
        std::string name = key.substr(prefix.size());
        if (auto problem = name_problem(name); !problem.empty())
            throw sys::Error(std::string("annotation ").append(key).append(" name incorrect: ").append(problem));
        Value v;
        try {
            v = parse_gvariant(text);
        } catch (const sys::Error& e) {
            throw sys::Error(std::string("annotation ")
                                 .append(key)
                                 .append("=")
                                 .append(text)
                                 .append(" value parse error: ")
                                 .append(e.message()));
        }
        // TimeoutStopSec -> TimeoutStopUSec (systemd's D-Bus names); "USec"
        // itself ends in an uppercase letter and stays.
        const std::size_t n = name.size();
        if (n > 3 && name.compare(n - 3, 3, "Sec") == 0 && name[n - 4] >= 'a' && name[n - 4] <= 'z') {
            auto usec = seconds_to_usec(v);
            if (!usec)
                throw sys::Error(std::string("annotation ")
                                     .append(key)
                                     .append("=")
                                     .append(text)
                                     .append(" value parse error: not a number"));
            name = name.substr(0, n - 3) + "USec";
            v = Value::u64(*usec);
        }
        out.push_back(prop(name, v));
    }
    return out;
}

Unit unit_for(const std::optional<std::string>& cgroups_path, const std::string& id, bool user_instance) {
    Unit u;
    u.slice = user_instance ? "user.slice" : "system.slice";
    if (!cgroups_path || cgroups_path->empty()) {
        u.name = "islet-" + id + ".scope";
        return u;
    }
    auto parts = sys::split(*cgroups_path, ':');
    if (parts.size() != 3)
        throw sys::Error("expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"" +
                         *cgroups_path + "\" instead");
    if (!parts[0].empty()) u.slice = parts[0];
    expand_slice(u.slice);  // validates
    const std::string& name = parts[2];
    if (name.empty()) throw sys::Error("invalid cgroupsPath \"" + *cgroups_path + "\": the unit name is empty");
    if (sys::ends_with(name, ".slice"))
        throw sys::Error("invalid cgroupsPath \"" + *cgroups_path +
                         "\": a container cannot be a slice unit (slices hold no processes); name a scope");
    u.name = sys::ends_with(name, ".scope") ? name : (parts[1].empty() ? "" : parts[1] + "-") + name + ".scope";
    if (u.name.find('/') != std::string::npos || u.name.size() > 255)
        throw sys::Error("invalid systemd unit name \"" + u.name + "\"");
    return u;
}

std::vector<std::uint8_t> range_to_bits(const std::string& list) {
    std::vector<std::uint8_t> out;
    auto set = [&](std::uint64_t n) {
        if (n >= 8192) throw sys::Error("cpu or node number " + std::to_string(n) + " too large in \"" + list + "\"");
        if (out.size() <= n / 8) out.resize(n / 8 + 1);
        out[n / 8] |= static_cast<std::uint8_t>(1u << (n % 8));
    };
    for (auto& part : sys::split(list, ',')) {
        std::string_view p = sys::trim(part);
        if (p.empty()) continue;
        auto dash = p.find('-');
        auto lo = sys::parse_uint(p.substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : sys::parse_uint(p.substr(dash + 1));
        if (!lo || !hi || *hi < *lo) throw sys::Error("invalid cpu or node list \"" + list + "\"");
        for (std::uint64_t n = *lo; n <= *hi; ++n) set(n);
    }
    if (out.empty()) throw sys::Error("empty cpu or node list \"" + list + "\"");
    return out;
}

std::vector<Property> resource_properties(const std::vector<Write>& writes, int version) {
    static const std::map<std::string, std::string> kLimits = {{"memory.max", "MemoryMax"},
                                                               {"memory.low", "MemoryLow"},
                                                               {"memory.high", "MemoryHigh"},
                                                               {"memory.min", "MemoryMin"},
                                                               {"memory.swap.max", "MemorySwapMax"},
                                                               {"pids.max", "TasksMax"},
                                                               {"memory.limit_in_bytes", "MemoryLimit"}};  // v1
    std::vector<Property> out;
    std::optional<std::int64_t> quota;
    std::optional<std::uint64_t> period;
    bool idle = false;
    for (auto& w : writes)
        if (w.file == "cpu.idle" && sys::trim(w.value) == "1" && version >= 252) idle = true;
    if (idle) out.push_back(prop("CPUWeight", Value::u64(0)));  // systemd's way to say cpu.idle 1
    for (auto& w : writes) {
        const std::string& f = w.file;
        if (auto it = kLimits.find(f); it != kLimits.end()) {
            if (auto v = limit_value(w.value)) out.push_back(prop(it->second, Value::u64(*v)));
        } else if ((f == "cpu.weight" && !idle) || f == "cpu.shares" || f == "blkio.weight") {
            const char* name = f == "cpu.weight" ? "CPUWeight" : f == "cpu.shares" ? "CPUShares" : "BlockIOWeight";
            if (auto v = sys::parse_uint(sys::trim(w.value))) out.push_back(prop(name, Value::u64(*v)));
        } else if (f == "io.weight") {
            // Only the default weight has a property without a device path.
            auto words = sys::split(std::string(sys::trim(w.value)), ' ');
            const std::string n = words.size() == 2 && words[0] == "default" ? words[1]
                                  : words.size() == 1                        ? words[0]
                                                                             : "";
            if (auto v = sys::parse_uint(n)) out.push_back(prop("IOWeight", Value::u64(*v)));
        } else if (f == "cpu.max") {
            auto words = sys::split(std::string(sys::trim(w.value)), ' ');
            quota = words[0] == "max" ? 0 : sys::parse_int(words[0]).value_or(0);
            if (words.size() > 1) period = sys::parse_uint(words[1]);
        } else if (f == "cpu.cfs_quota_us") {
            quota = sys::parse_int(sys::trim(w.value));
        } else if (f == "cpu.cfs_period_us") {
            period = sys::parse_uint(sys::trim(w.value));
        } else if ((f == "cpuset.cpus" || f == "cpuset.mems") && version >= 244) {
            out.push_back(
                prop(f == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", Value::bytes(range_to_bits(w.value))));
        }
    }
    add_cpu_quota(out, quota, period, version);
    return out;
}

std::vector<Property> device_properties(const DeviceList& list, std::vector<std::string>& warnings) {
    Value none;
    none.sig = "a(ss)";
    if (list.default_allow) {
        // A deny list: systemd has only allow lists. All-allowed it can say.
        if (list.exceptions.empty()) return {prop("DevicePolicy", Value::str("auto")), prop("DeviceAllow", none)};
        warnings.push_back("systemd doesn't support blacklist device rules -- applying temporary deny-all rule");
        return {prop("DevicePolicy", Value::str("strict")), prop("DeviceAllow", none)};
    }
    // strict: nothing but the list; an empty DeviceAllow first resets it.
    std::vector<Property> out = {prop("DevicePolicy", Value::str("strict")), prop("DeviceAllow", none)};
    Value allow = none;
    for (auto& e : list.exceptions) {
        const std::string kind = e.type == 'b' ? "block" : "char";
        std::string path;
        if (e.major < 0) {
            if (e.minor >= 0) {
                warnings.push_back("systemd doesn't support '*:n' device rules -- temporarily ignoring rule: " +
                                   e.v1_text());
                continue;
            }
            path = kind + "-*";
        } else if (e.minor < 0) {
            path = kind + "-" + std::to_string(e.major);  // systemd >= 240
        } else {
            path = "/dev/" + kind + "/" + std::to_string(e.major) + ":" + std::to_string(e.minor);
        }
        Value entry;
        entry.sig = "(ss)";
        entry.items = {Value::str(path), Value::str(e.access)};
        allow.items.push_back(entry);
    }
    out.push_back(prop("DeviceAllow", allow));
    return out;
}

std::vector<Property> scope_properties(const ScopeRequest& r) {
    std::vector<Property> out = {
        prop("Description", Value::str("islet container " + r.id)),
        prop("Slice", Value::str(r.unit.slice)),
        prop("Delegate", Value::boolean(true)),
        prop("PIDs", Value::u32_array({static_cast<std::uint32_t>(r.pid)})),
        // Accounting always on: the same controllers as cgroupfs, and the
        // memory controller is best joined from the start.
        prop("MemoryAccounting", Value::boolean(true)),
        prop("CPUAccounting", Value::boolean(true)),
        prop(r.v1_accounting ? "BlockIOAccounting" : "IOAccounting", Value::boolean(true)),
        prop("TasksAccounting", Value::boolean(true)),
        // No implicit ordering against shutdown.target and friends.
        prop("DefaultDependencies", Value::boolean(false)),
    };
    for (auto& p : r.annotations) out.push_back(p);
    if (r.oom_group) {
        std::string_view v = sys::trim(*r.oom_group);
        if (v == "0") out.push_back(prop("OOMPolicy", Value::str("continue")));
        if (v == "1") out.push_back(prop("OOMPolicy", Value::str("kill")));
    }
    for (auto& p : r.resources) out.push_back(p);
    return out;
}

}  // namespace islet::runtime::cgroups::systemd
