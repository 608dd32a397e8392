// Applies: annotations["run.islet.isolated-userns"]
#include "runtime/isolation/isolation.hpp"

#include <algorithm>

#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::isolation {

const char* mode_name(Mode mode) {
    switch (mode) {
        case Mode::kernel: return "kernel";
        case Mode::ranges: return "ranges";
        case Mode::none: break;
    }
    return "none";
}

bool requested(const spec::Config& config) {
    auto it = config.annotations.find(kAnnotation);
    if (it == config.annotations.end() || it->second == "false") return false;
    if (it->second == "true") return true;
    throw sys::Error("annotation " + std::string(kAnnotation) + " must be \"true\" or \"false\", not \"" + it->second +
                     "\"");
}

Plan plan(spec::Config& config, const spec::IsletConfig& settings, bool kernel_supported, bool rootless,
          std::optional<Caller> unprivileged) {
    Plan p;
    if (!requested(config)) return p;
    spec::Linux& l = *config.linux;
    if (const spec::Namespace* user = l.find_namespace("user")) {
        if (!user->path.empty())
            throw sys::Error("isolated user namespaces: the config joins the user namespace " + user->path +
                             "; an isolated container needs a user namespace of its own");
    } else {
        l.namespaces.push_back({"user", ""});
    }
    if (unprivileged) {
        if (!only_self_mapping(l, unprivileged->uid, unprivileged->gid))
            throw sys::Error(
                std::string("isolated user namespaces: rootless islet maps each container to a block of the "
                            "caller's subordinate ranges; the config's own linux.uidMappings/gidMappings "
                            "(other than `spec --rootless`'s self-mapping) cannot be used with the "
                            "annotation ") +
                kAnnotation + ": drop one of the two");
        l.uid_mappings.clear();
        l.gid_mappings.clear();
        p.mode = Mode::ranges;
        p.needs_block = true;
        return p;
    }
    const bool own_maps = !l.uid_mappings.empty() || !l.gid_mappings.empty();
    if (kernel_supported) {
        p.mode = Mode::kernel;
        return p;
    }
    if (settings.isolation_policy == "refuse")
        throw sys::Error(
            "isolated user namespaces: this kernel lacks the isolated_userns feature (/proc/self/isolated_uns) and "
            "the policy in " +
            settings.source + " is \"refuse\"");
    p.mode = Mode::ranges;
    if (own_maps) {
        // The engine's user namespace: used as it is, if it keeps the promise.
        check_engine_mappings(l, settings);
        p.engine_maps = true;
        return p;
    }
    if (rootless) throw sys::Error("isolated user namespaces: the ranges mode needs islet to run as root");
    p.needs_block = true;
    return p;
}

Plan plan_member(spec::Config& config, const PodMember& pod) {
    const std::string joins = "the config joins the namespaces of the isolated container " + pod.sandbox;
    auto it = config.annotations.find(kAnnotation);
    if (it != config.annotations.end() && it->second == "false")
        throw sys::Error("isolated user namespaces: " + joins + " and sets the annotation " + kAnnotation +
                         " to \"false\"; the members of an isolated pod share its user namespace: drop one of the two");
    (void)requested(config);  // any other value than true/false is an error
    config.annotations[kAnnotation] = "true";
    spec::Linux& l = *config.linux;
    if ((!l.uid_mappings.empty() || !l.gid_mappings.empty()) &&
        !(l.uid_mappings == pod.uid_mappings && l.gid_mappings == pod.gid_mappings))
        throw sys::Error("isolated user namespaces: " + joins + " (its user namespace maps " +
                         std::string(sys::trim(runtime::host::format_id_map(pod.uid_mappings))) +
                         ") and has its own linux.uidMappings/gidMappings, which differ; the members of an isolated "
                         "pod share its user namespace: drop the config's mappings");
    l.namespaces.erase(std::remove_if(l.namespaces.begin(), l.namespaces.end(),
                                      [](const spec::Namespace& n) { return n.type == "user"; }),
                       l.namespaces.end());
    l.namespaces.push_back({"user", pod.user_path});
    l.uid_mappings = pod.uid_mappings;
    l.gid_mappings = pod.gid_mappings;
    Plan p;
    p.mode = pod.mode == mode_name(Mode::kernel) ? Mode::kernel : Mode::ranges;
    p.pod_member = true;
    return p;
}

void check_engine_mappings(const spec::Linux& l, const spec::IsletConfig& settings) {
    const std::uint64_t pool_end = settings.pool_start + settings.pool_size;
    auto check = [&](const std::vector<spec::IdMapping>& maps, const char* key) {
        for (const auto& m : maps) {
            const std::uint64_t first = m.host_id, end = static_cast<std::uint64_t>(m.host_id) + m.size;
            const std::string range = std::to_string(first) + "-" + std::to_string(end - 1);
            const std::string both = std::string("the annotation ") + kAnnotation + " and the config's own linux." +
                                     key + " (host IDs " + range + ", as an engine's --uidmap or --userns writes them)";
            if (first == 0)
                throw sys::Error("isolated user namespaces: " + both +
                                 " conflict: the mappings include host ID 0, the host's root; drop one of the two");
            if (first < pool_end && settings.pool_start < end)
                throw sys::Error("isolated user namespaces: " + both +
                                 " conflict: the mappings overlap islet's ID pool " +
                                 std::to_string(settings.pool_start) + "-" + std::to_string(pool_end - 1) +
                                 " (set in " + settings.source + "); drop one of the two");
        }
    };
    check(l.uid_mappings, "uidMappings");
    check(l.gid_mappings, "gidMappings");
}

void apply_block(spec::Config& config, const IdBlock& block) {
    config.linux->uid_mappings = {spec::IdMapping{0, block.start, block.size}};
    config.linux->gid_mappings = {spec::IdMapping{0, block.gid_start, block.size}};
}

spec::IsletConfig rootless_pool(const spec::IsletConfig& base, const std::vector<runtime::host::SubIdRange>& uids,
                                const std::vector<runtime::host::SubIdRange>& gids, std::uint32_t uid,
                                const std::string& registry) {
    auto largest = [](const std::vector<runtime::host::SubIdRange>& rs) {
        runtime::host::SubIdRange best;
        for (const auto& r : rs)
            if (r.size > best.size) best = r;
        return best;
    };
    const runtime::host::SubIdRange u = largest(uids), g = largest(gids);
    spec::IsletConfig s = base;
    s.pool_start = u.start;
    s.gid_pool_start = g.start;
    s.pool_size = std::min(u.size, g.size) / base.block_size * base.block_size;
    s.registry = registry;
    s.source = "/etc/subuid and /etc/subgid (uid " + std::to_string(uid) + ")";
    if (s.pool_size == 0)
        throw sys::Error(
            "isolated user namespaces: rootless islet divides the caller's subordinate ranges into blocks of " +
            std::to_string(base.block_size) + " IDs, and uid " + std::to_string(uid) + "'s largest ranges hold " +
            std::to_string(u.size) + " IDs in /etc/subuid and " + std::to_string(g.size) +
            " in /etc/subgid: not one block (add ranges: usermod --add-subuids/--add-subgids)");
    return s;
}

bool only_self_mapping(const spec::Linux& l, std::uint32_t uid, std::uint32_t gid) {
    auto self = [](const std::vector<spec::IdMapping>& maps, std::uint32_t id) {
        return maps.empty() ||
               (maps.size() == 1 && maps[0].container_id == 0 && maps[0].host_id == id && maps[0].size == 1);
    };
    return self(l.uid_mappings, uid) && self(l.gid_mappings, gid);
}

}  // namespace islet::runtime::isolation
