// Mount options -> flags, attributes and filesystem data. Pure code,
// unit-tested; the one reading of mounts[].options (validation, the mount
// plan, `features`).
//
// runc's option table: flags that set or clear MS_* bits, propagation
// options, recursive attributes (rro, rnosuid, ... applied with
// mount_setattr(AT_RECURSIVE)), islet extensions (idmap, ridmap, tmpcopyup);
// everything else is filesystem data ("mode=755", "size=65536k").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::spec {

struct MountOptions {
    unsigned long flags = 0;                 // MS_* to set
    unsigned long clear = 0;                 // MS_* explicitly cleared ("rw", "suid", ...)
    std::vector<unsigned long> propagation;  // MS_PRIVATE|MS_REC, ... in the given order
    std::uint64_t rec_attr_set = 0;          // MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE)
    std::uint64_t rec_attr_clr = 0;
    std::vector<std::string> data;  // filesystem options, in order
    bool bind = false;              // type "bind", or the bind/rbind option: the one definition of a bind mount
    bool recursive = false;         // rbind
    bool idmap = false;
    bool ridmap = false;
    bool tmpcopyup = false;
    std::string data_string() const;  // "a=1,b"
    // The flags a mount (not its superblock) carries: ro, nosuid, nodev,
    // noexec, the access-time modes, nosymfollow. Set and explicitly cleared.
    unsigned long per_mount_flags() const;
    unsigned long per_mount_cleared() const;
};

// Parses mount options. `type` "bind" makes it a bind mount as "bind" does.
MountOptions parse_mount_options(const std::vector<std::string>& options, const std::string& type);

// What a mount is, from its type and parsed options: a bind mount whatever
// its type (runc: MS_BIND makes the type meaningless), else the cgroup
// hierarchy view islet builds itself, else a new filesystem instance.
enum class MountKind { bind, cgroup, filesystem };
MountKind mount_kind(const Mount& mount, const MountOptions& options);

// Every option name islet understands (for `features`).
std::vector<std::string> known_mount_options();

// "nosuid,nodev,ro" for error messages.
std::string describe_ms_flags(unsigned long flags);

// MS_* -> MOUNT_ATTR_* (the flags the new mount API takes per mount).
std::uint64_t ms_to_mount_attr(unsigned long flags);

}  // namespace islet::spec
