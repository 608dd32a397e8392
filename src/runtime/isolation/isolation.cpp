// Applies: annotations["run.islet.isolated-userns"]
#include "runtime/isolation/isolation.hpp"

#include "sys/error.hpp"

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

Plan plan(spec::Config& config, const spec::IsletConfig& settings, bool kernel_supported, bool rootless) {
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
                throw sys::Error("isolated user namespaces: " + both + " conflict: the mappings overlap islet's ID pool " +
                                 std::to_string(settings.pool_start) + "-" + std::to_string(pool_end - 1) +
                                 " (set in " + settings.source + "); drop one of the two");
        }
    };
    check(l.uid_mappings, "uidMappings");
    check(l.gid_mappings, "gidMappings");
}

void apply_block(spec::Config& config, const IdBlock& block) {
    spec::IdMapping m{0, block.start, block.size};
    config.linux->uid_mappings = {m};
    config.linux->gid_mappings = {m};
}

}  // namespace islet::runtime::isolation
