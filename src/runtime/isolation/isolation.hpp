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
    bool enabled() const { return mode != Mode::none; }
};

// True when config's annotation asks for isolation ("true"; anything other
// than "true"/"false" is an error).
bool requested(const spec::Config& config);

// Decides and adjusts config (adds the user namespace). Throws sys::Error for
// a joined user namespace, for the refuse policy on a kernel without
// support, and for rootless islet in ranges mode.
Plan plan(spec::Config& config, const spec::IsletConfig& settings, bool kernel_supported, bool rootless);

// Ranges mode: the block becomes the container's uid and gid mappings
// (container 0..size-1 -> the block).
void apply_block(spec::Config& config, const IdBlock& block);

}  // namespace islet::runtime::isolation
