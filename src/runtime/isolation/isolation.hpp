// Isolated user namespaces: what a container annotated
// run.islet.isolated-userns=true gets (ISOLATION.md §3). Host side.
//
// Applies: annotations["run.islet.isolated-userns"]
//
// The decision is pure (unit-tested): plan() adds a user namespace when the
// config has none, refuses one joined by path, picks the mode (kernel when
// the kernel supports it; ranges, or a clear refusal, per islet's config
// file) and says whether a host ID block is needed (ranges mode without the
// config's own mappings). create() then allocates the block, writes the maps
// or the kernel toggle, and idmaps the rootfs and the bind mounts.
#pragma once

#include <optional>
#include <string>

#include "runtime/isolation/id_pool.hpp"
#include "runtime/isolation/pod.hpp"
#include "runtime/ns/userns_maps.hpp"
#include "spec/islet_config.hpp"
#include "spec/model.hpp"

namespace islet::runtime::isolation {

inline constexpr const char* kAnnotation = "run.islet.isolated-userns";
inline constexpr const char* kModeAnnotation = "run.islet.isolated-userns.mode";
inline constexpr const char* kBlockAnnotation = "run.islet.isolated-userns.block";
// A pod's member: the id of the isolated container whose user namespace it joined.
inline constexpr const char* kPodAnnotation = "run.islet.isolated-userns.pod";

// kernel: the kernel isolates the namespace (/proc/self/isolated_uns);
// ranges: islet gives it a host ID block of its own (or its own mappings).
enum class Mode { none, kernel, ranges };
// "kernel", "ranges": the value of kModeAnnotation.
const char* mode_name(Mode mode);

struct Plan {
    Mode mode = Mode::none;    // none: the container is not isolated
    bool needs_block = false;  // ranges mode and the config has no mappings of its own
    // The engine's own user namespace (the config's mappings, as podman
    // --uidmap/--userns=auto and ctr --uidmap write them): used as is; the
    // engine prepared the rootfs for it, so islet does not idmap it.
    bool engine_maps = false;
    // A member of an isolated pod (pod.hpp): it joins the pod's user
    // namespace and holds the pod's block; no block of its own.
    bool pod_member = false;
    bool enabled() const { return mode != Mode::none; }
};

// True when config's annotation asks for isolation ("true"; anything other
// than "true"/"false" is an error).
bool requested(const spec::Config& config);

// Decides and adjusts config (adds the user namespace). Throws sys::Error for
// a joined user namespace, for the refuse policy on a kernel without
// support, for rootless islet in ranges mode, and for the config's own
// mappings when they map host ID 0 or overlap islet's pool (either would
// break the annotation's promise: check_engine_mappings).
// `unprivileged`: rootless islet itself (euid != 0, not root in an engine's
// user namespace), as {uid, gid}: the block comes from the caller's own
// subordinate ranges (rootless_pool) and replaces the self-mapping `spec
// --rootless` writes; other mappings are refused. Always the ranges mode:
// the kernel mode's toggle is root's.
struct Caller {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
};
Plan plan(spec::Config& config, const spec::IsletConfig& settings, bool kernel_supported, bool rootless,
          std::optional<Caller> unprivileged = std::nullopt);

// Pure: a member of an isolated pod (its namespaces belong to `pod`'s user
// namespace, find_pod): isolated whether or not it carries the annotation
// (the annotation is set in config, so the guard and the record see it),
// joins the pod's user namespace (config's own user namespace entry is
// replaced: a new one could not use the pod's namespaces) and takes its
// mappings. Throws sys::Error naming both settings for the annotation set
// to "false" and for mappings of the config's own that differ from the pod's.
Plan plan_member(spec::Config& config, const PodMember& pod);

// Throws sys::Error naming both settings when the config's own mappings
// cannot keep the annotation's promise: a range holding host ID 0 (the
// host's root), or one overlapping islet's pool (IDs another isolated
// container may hold).
void check_engine_mappings(const spec::Linux& linux, const spec::IsletConfig& settings);

// Ranges mode: the block becomes the container's uid and gid mappings
// (container 0..size-1 -> the block).
void apply_block(spec::Config& config, const IdBlock& block);

// Pure: rootless islet's pool (docs/ISOLATION.md "Rootless"): the caller's
// largest /etc/subuid and /etc/subgid ranges, divided into base's block
// size, recorded in `registry` (under $XDG_RUNTIME_DIR). Throws sys::Error
// when the ranges cannot hold one block.
spec::IsletConfig rootless_pool(const spec::IsletConfig& base, const std::vector<runtime::host::SubIdRange>& uids,
                                const std::vector<runtime::host::SubIdRange>& gids, std::uint32_t uid,
                                const std::string& registry);
// Pure: the config maps nothing, or only container 0 to the caller's own
// ids (what `spec --rootless` writes): rootless isolation replaces that
// with a block; other mappings are refused.
bool only_self_mapping(const spec::Linux& linux, std::uint32_t uid, std::uint32_t gid);

namespace host {
// Rootless: rootless_pool from the caller's files, the registry
// $XDG_RUNTIME_DIR/islet-idblocks (else /run/user/<uid>/islet-idblocks).
spec::IsletConfig rootless_pool_settings(const spec::IsletConfig& base);
}  // namespace host

}  // namespace islet::runtime::isolation
