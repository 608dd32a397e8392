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
    if (own_maps) return p;  // explicit mappings win
    if (rootless) throw sys::Error("isolated user namespaces: the ranges mode needs islet to run as root");
    p.needs_block = true;
    return p;
}

void apply_block(spec::Config& config, const IdBlock& block) {
    spec::IdMapping m{0, block.start, block.size};
    config.linux->uid_mappings = {m};
    config.linux->gid_mappings = {m};
}

}  // namespace islet::runtime::isolation
