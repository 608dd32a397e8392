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
#include "spec/islet_config.hpp"
#include "spec/model.hpp"

namespace islet::runtime::isolation {

inline constexpr const char* kAnnotation = "run.islet.isolated-userns";
inline constexpr const char* kModeAnnotation = "run.islet.isolated-userns.mode";
inline constexpr const char* kBlockAnnotation = "run.islet.isolated-userns.block";

// kernel: the kernel isolates the namespace (/proc/self/isolated_uns);
// ranges: islet gives it a host ID block of its own (or its own mappings).
enum class Mode { none, kernel, ranges };
// "kernel", "ranges": the value of kModeAnnotation.
const char* mode_name(Mode mode);

struct Plan {
    Mode mode = Mode::none;     // none: the container is not isolated
    bool needs_block = false;   // ranges mode and the config has no mappings of its own
    // The engine's own user namespace (the config's mappings, as podman
    // --uidmap/--userns=auto and ctr --uidmap write them): used as is; the
    // engine prepared the rootfs for it, so islet does not idmap it.
    bool engine_maps = false;
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
Plan plan(spec::Config& config, const spec::IsletConfig& settings, bool kernel_supported, bool rootless);

// Throws sys::Error naming both settings when the config's own mappings
// cannot keep the annotation's promise: a range holding host ID 0 (the
// host's root), or one overlapping islet's pool (IDs another isolated
// container may hold).
void check_engine_mappings(const spec::Linux& linux, const spec::IsletConfig& settings);

// Ranges mode: the block becomes the container's uid and gid mappings
// (container 0..size-1 -> the block).
void apply_block(spec::Config& config, const IdBlock& block);

}  // namespace islet::runtime::isolation
