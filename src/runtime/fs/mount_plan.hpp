// The config's mounts, planned once by the runtime process. Host side: the
// plan is pure (unit-tested) and the trees are opened before clone3; the
// idmapping (idmapped_mounts.hpp), the init's mount step (mounts.hpp) and
// /dev (devices.hpp) all read the same plan.
//
// Applies: mounts
//
// Each mount's options are parsed once (spec/mount_options.hpp), its
// destination cleaned once, its kind decided once (bind, the cgroup view, a
// new filesystem), and its idmapping decided once by a pure table
// (choose_idmap). The runtime then clones every bind mount's source with
// host credentials (open_tree): a root inside a new user namespace may not be
// allowed to walk the host paths to them (a 0700 bundle or volume
// directory), so the init never does; it only attaches the trees.
//
// The init receives the plan as a copy of the runtime's memory (clone3
// without CLONE_VM): the trees in its copy are its own inherited descriptors,
// owned there by the same UniqueFds, and closed by the init once pivot_root
// is done. The init's copy is never destroyed otherwise (it leaves by execve
// or _exit), so nothing is closed twice.
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/mount_options.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

// The user namespace an idmapped bind mount translates with.
enum class IdmapWith {
    none,       // not idmapped
    container,  // the container's own user namespace
    helper,     // a helper user namespace holding the mount's own mappings
};

struct IdmapChoice {
    IdmapWith with = IdmapWith::none;
    bool recursive = false;  // AT_RECURSIVE: ridmap when idmapped; rbind for nosuid alone
    bool nosuid = false;     // isolated containers: shared host paths lose setuid unless "suid"
};

struct PlannedMount {
    spec::Mount mount;  // as configured
    spec::MountOptions options;
    spec::MountKind kind = spec::MountKind::filesystem;
    std::string destination;  // cleaned; a relative one is taken from "/" (deprecated; runc warns)
    IdmapChoice idmap;
    // A bind mount's source, cloned by the runtime (open_tree, recursive for
    // rbind); invalid for the other kinds.
    sys::UniqueFd tree;
    std::string source_path;    // a bind mount's source as a host path (relative ones from the bundle)
    bool source_is_dir = true;  // a bind of a file needs a file to land on

    // "mount <source> to <destination> (type <type>)", for every mount error.
    std::string describe() const;
};

struct MountPlan {
    std::vector<PlannedMount> mounts;  // in config order
    // A recursive clone of the rootfs, opened by the runtime (or an isolated
    // container's idmapped rebuild, which the init receives before `go`).
    sys::UniqueFd rootfs_tree;
    std::string rootfs_path;  // the host path rootfs_tree is a clone of
    // Rootless islet (an unprivileged runtime, whose open_tree clones the
    // kernel refuses: EPERM) leaves the clones to the init, which makes
    // them by path in the mount namespace its user namespace owns, as
    // runc's rootless init binds by path.
    bool cloned_by_init = false;

    // /dev is a bind mount: the container brings its own device nodes.
    bool binds_dev() const;
    bool has(spec::MountKind kind) const;
    bool wants_idmaps() const;
    // A read-only mount at /dev (runc's finalizeRootfs rule): it is made
    // read-write, so that the mount points, device nodes and /dev/console
    // below it can be made, and becomes read-only last, after the console.
    bool dev_read_only_later() const;
};

// Pure: one mount's options, kind and destination.
PlannedMount plan_mount(const spec::Mount& mount);
// Pure: every mount of the config, in order.
MountPlan plan_mounts(const spec::Config& config);

// Pure: the idmapping a mount gets (ISOLATION.md §2, runtime-spec
// mounts[].uidMappings):
//   | the mount has                        | user namespace | recursive |
//   | nothing (isolated or not)            | none           | rbind     |
//   | idmap/ridmap, no mappings            | container's    | ridmap    |
//   | the container's mappings             | container's    | ridmap    |
//   | mappings of its own                  | helper         | ridmap    |
// A bind of an isolated container that does not ask is not idmapped: its
// writes land as block IDs on disk (docs/ISOLATION.md). nosuid: isolated and
// not "suid" (set with or without an idmapping). Only bind mounts are
// idmapped. Throws
// sys::Error when a mount asks for the container's mappings and the
// container has no user namespace.
IdmapChoice choose_idmap(const PlannedMount& mount, const spec::Linux& linux, bool isolated);
// choose_idmap for every mount of the plan.
void choose_idmaps(MountPlan& plan, const spec::Linux& linux, bool isolated);

// Either side: clones the rootfs and every bind mount's source (recursive
// for rbind) into the plan's trees, by the paths open_mount_trees recorded,
// each bind with its per-mount flags (options_now) already set.
void clone_mount_trees(MountPlan& plan);

// Either side: a detached tree's per-mount and recursive flags (mount_setattr).
void set_mount_attrs(int tree, const spec::MountOptions& o, const std::string& what);

// The options a mount is made with: those configured, except that a
// read-only /dev is made read-write first and read-only by the init last
// (MountPlan::dev_read_only_later).
spec::MountOptions options_now(const PlannedMount& pm);

namespace host {
// Before clone3: the rootfs tree and every bind mount's tree (a missing
// source fails here, before anything was started). An unprivileged runtime
// only checks the sources and leaves the clones to the init
// (MountPlan::cloned_by_init).
void open_mount_trees(MountPlan& plan, const std::string& bundle, const std::string& rootfs);
}  // namespace host

}  // namespace islet::runtime
