#include "spec/mount_options.hpp"

#include <linux/mount.h>
#include <sys/mount.h>

#include <algorithm>
#include <map>

#include "sys/strings.hpp"

namespace islet::spec {
namespace {

struct FlagOpt {
    bool clear;
    unsigned long flag;
};

const std::map<std::string, FlagOpt>& flag_table() {
    static const std::map<std::string, FlagOpt> kFlags = {
        {"acl", {false, MS_POSIXACL}},
        {"async", {true, MS_SYNCHRONOUS}},
        {"atime", {true, MS_NOATIME}},
        {"bind", {false, MS_BIND}},
        {"defaults", {false, 0}},
        {"dev", {true, MS_NODEV}},
        {"diratime", {true, MS_NODIRATIME}},
        {"dirsync", {false, MS_DIRSYNC}},
        {"exec", {true, MS_NOEXEC}},
        {"iversion", {false, MS_I_VERSION}},
        {"lazytime", {false, MS_LAZYTIME}},
        {"loud", {true, MS_SILENT}},
        {"mand", {false, MS_MANDLOCK}},
        {"noacl", {true, MS_POSIXACL}},
        {"noatime", {false, MS_NOATIME}},
        {"nodev", {false, MS_NODEV}},
        {"nodiratime", {false, MS_NODIRATIME}},
        {"noexec", {false, MS_NOEXEC}},
        {"noiversion", {true, MS_I_VERSION}},
        {"nolazytime", {true, MS_LAZYTIME}},
        {"nomand", {true, MS_MANDLOCK}},
        {"norelatime", {true, MS_RELATIME}},
        {"nostrictatime", {true, MS_STRICTATIME}},
        {"nosuid", {false, MS_NOSUID}},
        {"nosymfollow", {false, MS_NOSYMFOLLOW}},
        {"rbind", {false, MS_BIND | MS_REC}},
        {"relatime", {false, MS_RELATIME}},
        {"remount", {false, MS_REMOUNT}},
        {"ro", {false, MS_RDONLY}},
        {"rw", {true, MS_RDONLY}},
        {"silent", {false, MS_SILENT}},
        {"strictatime", {false, MS_STRICTATIME}},
        {"suid", {true, MS_NOSUID}},
        {"sync", {false, MS_SYNCHRONOUS}},
        {"symfollow", {true, MS_NOSYMFOLLOW}},
    };
    return kFlags;
}

const std::map<std::string, unsigned long>& propagation_table() {
    static const std::map<std::string, unsigned long> kProp = {
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
        {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    return kProp;
}

struct RecAttr {
    bool clear;
    std::uint64_t attr;
};

const std::map<std::string, RecAttr>& recursive_table() {
    static const std::map<std::string, RecAttr> kRec = {
        {"rro", {false, MOUNT_ATTR_RDONLY}},
        {"rrw", {true, MOUNT_ATTR_RDONLY}},
        {"rnosuid", {false, MOUNT_ATTR_NOSUID}},
        {"rsuid", {true, MOUNT_ATTR_NOSUID}},
        {"rnodev", {false, MOUNT_ATTR_NODEV}},
        {"rdev", {true, MOUNT_ATTR_NODEV}},
        {"rnoexec", {false, MOUNT_ATTR_NOEXEC}},
        {"rexec", {true, MOUNT_ATTR_NOEXEC}},
        {"rnodiratime", {false, MOUNT_ATTR_NODIRATIME}},
        {"rdiratime", {true, MOUNT_ATTR_NODIRATIME}},
        {"rrelatime", {false, MOUNT_ATTR_RELATIME}},
        {"rnorelatime", {true, MOUNT_ATTR_RELATIME}},
        {"rnoatime", {false, MOUNT_ATTR_NOATIME}},
        {"ratime", {true, MOUNT_ATTR_NOATIME}},
        {"rstrictatime", {false, MOUNT_ATTR_STRICTATIME}},
        {"rnostrictatime", {true, MOUNT_ATTR_STRICTATIME}},
        {"rnosymfollow", {false, MOUNT_ATTR_NOSYMFOLLOW}},
        {"rsymfollow", {true, MOUNT_ATTR_NOSYMFOLLOW}},
    };
    return kRec;
}

// The flags mount_setattr(2) and fsmount(2) take per mount; the rest of
// MS_* belongs to the superblock or to mount(2) itself.
constexpr unsigned long kPerMountFlags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | MS_NOATIME |
                                         MS_STRICTATIME | MS_RELATIME | MS_NOSYMFOLLOW;

}  // namespace

std::string MountOptions::data_string() const { return sys::join(data, ","); }

unsigned long MountOptions::per_mount_flags() const { return flags & kPerMountFlags; }

unsigned long MountOptions::per_mount_cleared() const { return clear & kPerMountFlags; }

MountKind mount_kind(const Mount& mount, const MountOptions& options) {
    if (options.bind) return MountKind::bind;
    if (mount.type == "cgroup") return MountKind::cgroup;
    return MountKind::filesystem;
}

MountOptions parse_mount_options(const std::vector<std::string>& options, const std::string& type) {
    MountOptions m;
    if (type == "bind") m.bind = true;
    for (const auto& o : options) {
        if (auto it = flag_table().find(o); it != flag_table().end()) {
            if (it->second.clear) {
                m.flags &= ~it->second.flag;
                m.clear |= it->second.flag;
            } else {
                m.flags |= it->second.flag;
                m.clear &= ~it->second.flag;
            }
            if (o == "bind") m.bind = true;
            if (o == "rbind") m.bind = m.recursive = true;
            continue;
        }
        if (auto it = propagation_table().find(o); it != propagation_table().end()) {
            m.propagation.push_back(it->second);
            continue;
        }
        if (auto it = recursive_table().find(o); it != recursive_table().end()) {
            std::uint64_t attr = it->second.attr;
            if ((attr & MOUNT_ATTR__ATIME) == attr) {
                // The access-time modes are one field, not bits (RELATIME is
                // 0): mount_setattr(2) wants all of MOUNT_ATTR__ATIME in
                // attr_clr and at most one mode in attr_set, else EINVAL.
                // Setting a mode replaces the previous one; clearing one goes
                // back to the kernel's default, relatime.
                m.rec_attr_clr |= MOUNT_ATTR__ATIME;
                m.rec_attr_set =
                    (m.rec_attr_set & ~static_cast<std::uint64_t>(MOUNT_ATTR__ATIME)) | (it->second.clear ? 0 : attr);
                continue;
            }
            if (it->second.clear) {
                m.rec_attr_clr |= attr;
                m.rec_attr_set &= ~attr;
            } else {
                m.rec_attr_set |= attr;
                m.rec_attr_clr &= ~attr;
            }
            continue;
        }
        if (o == "idmap") {
            m.idmap = true;
            continue;
        }
        if (o == "ridmap") {
            m.idmap = m.ridmap = true;
            continue;
        }
        if (o == "tmpcopyup") {
            m.tmpcopyup = true;
            continue;
        }
        m.data.push_back(o);
    }
    if (m.bind) m.flags |= MS_BIND;
    if (m.recursive) m.flags |= MS_REC;
    return m;
}

std::vector<std::string> known_mount_options() {
    std::vector<std::string> out;
    for (auto& [k, v] : flag_table()) out.push_back(k);
    for (auto& [k, v] : propagation_table()) out.push_back(k);
    for (auto& [k, v] : recursive_table()) out.push_back(k);
    out.insert(out.end(), {"idmap", "ridmap", "tmpcopyup"});
    std::sort(out.begin(), out.end());
    return out;
}

std::string describe_ms_flags(unsigned long flags) {
    std::vector<std::string> names;
    static const std::pair<unsigned long, const char*> kNames[] = {
        {MS_RDONLY, "ro"},
        {MS_NOSUID, "nosuid"},
        {MS_NODEV, "nodev"},
        {MS_NOEXEC, "noexec"},
        {MS_SYNCHRONOUS, "sync"},
        {MS_REMOUNT, "remount"},
        {MS_MANDLOCK, "mand"},
        {MS_DIRSYNC, "dirsync"},
        {MS_NOSYMFOLLOW, "nosymfollow"},
        {MS_NOATIME, "noatime"},
        {MS_NODIRATIME, "nodiratime"},
        {MS_BIND, "bind"},
        {MS_MOVE, "move"},
        {MS_REC, "rec"},
        {MS_SILENT, "silent"},
        {MS_POSIXACL, "acl"},
        {MS_UNBINDABLE, "unbindable"},
        {MS_PRIVATE, "private"},
        {MS_SLAVE, "slave"},
        {MS_SHARED, "shared"},
        {MS_RELATIME, "relatime"},
        {MS_I_VERSION, "iversion"},
        {MS_STRICTATIME, "strictatime"},
        {MS_LAZYTIME, "lazytime"},
    };
    for (auto& [f, n] : kNames)
        if (flags & f) names.push_back(n);
    return names.empty() ? "none" : sys::join(names, ",");
}

std::uint64_t ms_to_mount_attr(unsigned long f) {
    std::uint64_t a = 0;
    if (f & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
    if (f & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
    if (f & MS_NODEV) a |= MOUNT_ATTR_NODEV;
    if (f & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
    if (f & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
    if (f & MS_NOSYMFOLLOW) a |= MOUNT_ATTR_NOSYMFOLLOW;
    if (f & MS_NOATIME)
        a |= MOUNT_ATTR_NOATIME;
    else if (f & MS_STRICTATIME)
        a |= MOUNT_ATTR_STRICTATIME;
    else if (f & MS_RELATIME)
        a |= MOUNT_ATTR_RELATIME;
    return a;
}

}  // namespace islet::spec
