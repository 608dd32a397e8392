#include "runtime/fs/idmapped_overlay.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>

#include "spec/mount_options.hpp"
#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/fs_context.hpp"
#include "sys/mountinfo.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

// islet's work directory, inside the engine's workdir.
constexpr const char* kWorkDir = "islet-idmapped";

// Splits one option value on unescaped `sep` and undoes the escapes the
// kernel shows: \ooo (seq_escape) and backslash-char (a ':' in a lowerdir
// path as the user wrote it).
std::vector<std::string> split_escaped(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (size_t i = 0; i < s.size(); ++i) {
        if (auto c = sys::octal_escape_at(s, i)) {
            out.back() += *c;
            i += 3;
        } else if (s[i] == '\\' && i + 1 < s.size()) {
            out.back() += s[++i];
        } else if (s[i] == sep) {
            out.emplace_back();
        } else {
            out.back() += s[i];
        }
    }
    return out;
}

std::string unescape(const std::string& s) { return split_escaped(s, '\0').front(); }

std::string layer_path(const std::string& key, const std::string& path) {
    if (path.empty() || path.front() != '/')
        throw sys::Error("the overlay rootfs names its " + key + " '" + path +
                         "' relative to the directory it was mounted from; islet cannot rebuild it idmapped");
    return path;
}

// The mountinfo line of mount `id`, and whether some other mount sits below it.
struct FoundMount {
    sys::MountInfo info;
    bool has_submounts = false;
};

FoundMount find_mount(std::uint64_t id) {
    std::optional<sys::MountInfo> found;
    bool has_submounts = false;
    for (auto& m : sys::read_mountinfo()) {
        if (m.parent == id) has_submounts = true;
        if (m.id == id) found = std::move(m);
    }
    if (!found) throw sys::Error("mount " + std::to_string(id) + " is not in /proc/self/mountinfo");
    return {std::move(*found), has_submounts};
}

std::uint64_t mount_id(int dirfd, const std::string& path) {
    struct statx stx {};
    if (::statx(dirfd, path.c_str(), path.empty() ? AT_EMPTY_PATH : 0, STATX_MNT_ID, &stx) < 0)
        sys::throw_errno("statx", path);
    if (!(stx.stx_mask & STATX_MNT_ID)) throw sys::Error("statx " + path + ": the kernel reports no mount id");
    return stx.stx_mnt_id;
}

// The longest common directory of two absolute paths ("/a/b/diff",
// "/a/b/work" -> "/a/b").
std::string common_dir(const std::string& a, const std::string& b) {
    auto pa = sys::split(sys::clean_path(a), '/'), pb = sys::split(sys::clean_path(b), '/');
    std::string out;
    for (size_t i = 0; i < pa.size() && i < pb.size() && pa[i] == pb[i]; ++i)
        if (!pa[i].empty()) out += "/" + pa[i];
    return out.empty() ? "/" : out;
}

std::string relative_to(const std::string& dir, const std::string& path) {
    std::string p = sys::clean_path(path);
    if (dir == "/") return p.substr(1);
    return p.size() > dir.size() ? p.substr(dir.size() + 1) : ".";
}

// A detached, idmapped clone of one directory.
sys::UniqueFd idmapped_clone(const std::string& path, int userns, const std::string& what) {
    sys::UniqueFd tree =
        sys::with_context(what, [&] { return sys::open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC); });
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<std::uint64_t>(userns);
    sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH, attr, what);
    return tree;
}

// Hands the idmapped lower layers to the overlay, topmost first. Overlayfs
// before Linux 6.13 has no fd-valued "lowerdir+": the first layer's refusal
// says what is missing rather than a bare "operation not supported".
void set_lower_layers(sys::FsContext& fs, const std::vector<sys::UniqueFd>& lowers,
                      const std::vector<std::string>& paths, const std::string& what) {
    for (size_t i = 0; i < lowers.size(); ++i) {
        try {
            fs.set_fd("lowerdir+", lowers[i].get(), "lower layer " + paths[i]);
        } catch (const sys::Error& e) {
            if (i > 0 || (e.code() != EOPNOTSUPP && e.code() != EINVAL)) throw;
            throw sys::Error(what + ": this kernel's overlayfs cannot take layers by file descriptor (fsconfig " +
                                 "\"lowerdir+\" with an fd, Linux 6.13+), which an overlay over idmapped " +
                                 "layers needs: " + sys::describe_errno("lower layer " + paths[i], "", e.code()),
                             e.code());
        }
    }
}

// This thread's filesystem IDs become container root's host IDs with every
// permitted capability effective, for as long as it lives (the overlay
// records its creator's credentials). setfsuid(2) is per thread and drops
// the file capabilities from the effective set, hence the capset.
class CreatorCredentials {
public:
    CreatorCredentials(uid_t uid, gid_t gid) {
        if (::syscall(SYS_capget, &header_, saved_) < 0) sys::throw_errno("capget");
        old_gid_ = static_cast<gid_t>(::setfsgid(gid));
        old_uid_ = static_cast<uid_t>(::setfsuid(uid));
        if (static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))) != uid ||
            static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))) != gid) {
            restore();
            throw sys::Error("cannot take container root's IDs " + std::to_string(uid) + ":" + std::to_string(gid) +
                             " to create the overlay");
        }
        __user_cap_data_struct raised[2] = {saved_[0], saved_[1]};
        raised[0].effective = raised[0].permitted;
        raised[1].effective = raised[1].permitted;
        if (::syscall(SYS_capset, &header_, raised) < 0) {
            int err = errno;
            restore();
            sys::throw_errno_code(err, "capset");
        }
    }
    ~CreatorCredentials() { restore(); }
    CreatorCredentials(const CreatorCredentials&) = delete;
    CreatorCredentials& operator=(const CreatorCredentials&) = delete;

private:
    void restore() {
        ::setfsuid(old_uid_);
        ::setfsgid(old_gid_);
        (void)::syscall(SYS_capset, &header_, saved_);
    }
    __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct saved_[2]{};
    uid_t old_uid_ = 0;
    gid_t old_gid_ = 0;
};

// islet's work directory inside the engine's workdir: emptied for this
// overlay (leftovers of an earlier run go), and removed again unless the
// overlay was made, so a refused rebuild leaves the engine's directory as
// it found it.
class OwnWorkDir {
public:
    explicit OwnWorkDir(const std::string& engine_work)
        : engine_work_(sys::open_path(engine_work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
        sys::remove_tree(engine_work_.get(), kWorkDir);
        if (::mkdirat(engine_work_.get(), kWorkDir, 0700) < 0) sys::throw_errno("mkdir", engine_work + "/" + kWorkDir);
    }
    ~OwnWorkDir() {
        if (kept_) return;
        try {
            sys::remove_tree(engine_work_.get(), kWorkDir);
        } catch (const sys::Error&) {
            // Best effort: the error that ends the create is the one to report.
        }
    }
    OwnWorkDir(const OwnWorkDir&) = delete;
    OwnWorkDir& operator=(const OwnWorkDir&) = delete;

    // The overlay uses it: it stays (until the next create empties it).
    void keep() { kept_ = true; }

private:
    sys::UniqueFd engine_work_;
    bool kept_ = false;
};

// Creates the overlay. With index=on overlayfs lets only one mount use an
// upperdir, and the engine's mount already does: say so rather than a bare
// "device or resource busy".
void create_overlay(sys::FsContext& fs, const OverlayLayout& layout) {
    try {
        fs.create("create the overlay");
    } catch (const sys::Error& e) {
        const bool index_on =
            std::find(layout.options.begin(), layout.options.end(), "index=on") != layout.options.end();
        if (e.code() != EBUSY || !index_on || layout.upper.empty()) throw;
        throw sys::Error(e.message() + " (the overlay rootfs is mounted with index=on, under which overlayfs " +
                             "lets only one mount use its upperdir " + layout.upper + ")",
                         EBUSY);
    }
}

}  // namespace

OverlayLayout parse_overlay_options(const std::string& super_options) {
    OverlayLayout out;
    for (auto& opt : sys::split(super_options, ',')) {
        if (opt.empty()) continue;
        auto eq = opt.find('=');
        const std::string key = opt.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : opt.substr(eq + 1);
        if (key == "rw") continue;
        if (key == "ro") {
            out.read_only = true;
        } else if (key == "lowerdir") {
            if (value.find("::") != std::string::npos)
                throw sys::Error("the overlay rootfs has data-only lower layers; islet cannot rebuild it idmapped");
            for (auto& l : split_escaped(value, ':')) out.lower.push_back(layer_path("lowerdir", l));
        } else if (key == "lowerdir+") {
            out.lower.push_back(layer_path("lowerdir", unescape(value)));
        } else if (key == "datadir+") {
            throw sys::Error("the overlay rootfs has data-only lower layers; islet cannot rebuild it idmapped");
        } else if (key == "upperdir") {
            out.upper = layer_path("upperdir", unescape(value));
        } else if (key == "workdir") {
            out.work = layer_path("workdir", unescape(value));
        } else {
            out.options.push_back(eq == std::string::npos ? key : key + "=" + unescape(value));
        }
    }
    if (out.lower.empty()) throw sys::Error("the overlay rootfs shows no lowerdir in its mount options");
    if (out.upper.empty() != out.work.empty())
        throw sys::Error("the overlay rootfs shows an upperdir without a workdir, or the reverse");
    return out;
}

sys::UniqueFd idmapped_overlay(const std::string& rootfs, int rootfs_tree, int userns,
                               const std::vector<spec::IdMapping>& uid_mappings,
                               const std::vector<spec::IdMapping>& gid_mappings) {
    struct statfs sfs {};
    if (::fstatfs(rootfs_tree, &sfs) < 0) sys::throw_errno("statfs", rootfs);
    if (sfs.f_type != OVERLAYFS_SUPER_MAGIC) return {};
    const std::string what = "idmap the overlay rootfs " + rootfs;
    auto root_of = [&](const std::vector<spec::IdMapping>& maps, const char* kind) {
        for (auto& mapping : maps)
            if (mapping.container_id == 0 && mapping.size > 0) return mapping.host_id;
        throw sys::Error(what + ": no " + kind + " mapping for container root to create it with");
    };
    const uid_t root_uid = root_of(uid_mappings, "uid");
    const gid_t root_gid = root_of(gid_mappings, "gid");
    const FoundMount found = find_mount(mount_id(AT_FDCWD, rootfs));
    const sys::MountInfo& m = found.info;
    if (m.fstype != "overlay") throw sys::Error(what + ": its mount is of type " + m.fstype + ", not overlay");
    char real[PATH_MAX];
    if (!::realpath(rootfs.c_str(), real)) sys::throw_errno("realpath", rootfs);
    if (m.root != "/" || m.mount_point != real)
        throw sys::Error(what + ": the rootfs is a directory inside an overlay, not the overlay's root");
    if (found.has_submounts) throw sys::Error(what + ": other mounts sit below the rootfs");
    OverlayLayout layout = sys::with_context(what, [&] { return parse_overlay_options(m.super_options); });

    std::vector<sys::UniqueFd> lowers;
    lowers.reserve(layout.lower.size());
    for (auto& l : layout.lower)
        lowers.push_back(idmapped_clone(l, userns, std::string(what).append(": lower layer ").append(l)));
    // upperdir and workdir must sit on one mount: one idmapped clone of the
    // directory that holds both, and the two opened inside it.
    sys::UniqueFd upper_tree, upper, work;
    std::optional<OwnWorkDir> own_work;
    if (!layout.upper.empty()) {
        const std::string dir = common_dir(layout.upper, layout.work);
        const std::uint64_t dir_mnt = mount_id(AT_FDCWD, dir);
        if (mount_id(AT_FDCWD, layout.upper) != dir_mnt || mount_id(AT_FDCWD, layout.work) != dir_mnt)
            throw sys::Error(what + ": upperdir and workdir are not on the mount of " + dir);
        upper_tree = idmapped_clone(dir, userns, what + ": upper layer " + layout.upper);
        // A work directory of our own inside the engine's: a second overlay
        // must not share the first one's (after a "volatile" mount the
        // kernel refuses to reuse it).
        own_work.emplace(layout.work);
        upper = sys::open_at(upper_tree.get(), relative_to(dir, layout.upper), O_PATH | O_DIRECTORY | O_NOFOLLOW);
        work = sys::open_at(upper_tree.get(), relative_to(dir, layout.work) + "/" + kWorkDir,
                            O_PATH | O_DIRECTORY | O_NOFOLLOW);
    }

    CreatorCredentials creds(root_uid, root_gid);
    sys::FsContext fs("overlay", what);
    fs.set_string("source", m.source);
    set_lower_layers(fs, lowers, layout.lower, what);
    if (upper) {
        fs.set_fd("upperdir", upper.get(), "upperdir");
        fs.set_fd("workdir", work.get(), "workdir");
    }
    for (auto& o : layout.options) fs.set_option(o);
    if (layout.read_only) fs.set_flag("ro");
    create_overlay(fs, layout);
    // The original's per-mount flags ("rw,nosuid,nodev,relatime").
    const spec::MountOptions per_mount = spec::parse_mount_options(sys::split(m.options, ','), m.fstype);
    sys::UniqueFd overlay = fs.mount(static_cast<unsigned>(spec::ms_to_mount_attr(per_mount.flags)));
    if (own_work) own_work->keep();
    return overlay;
}

}  // namespace islet::runtime::host
