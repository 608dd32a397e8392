#include "runtime/container/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "spec/json_gate.hpp"
#include "spec/parse.hpp"
#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/proc.hpp"
#include "sys/retry.hpp"
#include "sys/scope_exit.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

constexpr const char* kRecordFile = "state.json";
constexpr const char* kConfigFile = "config.json";
constexpr const char* kResourcesFile = "resources.json";
constexpr const char* kFifoFile = "exec.fifo";

void lock_fd(int fd, const std::string& what) {
    if (sys::retry_eintr([&] { return ::flock(fd, LOCK_EX); }) < 0) sys::throw_errno("flock", what);
}

}  // namespace

std::string read_document(int fd, const std::string& path) {
    struct stat st = sys::fstat_fd(fd, path);
    if (!S_ISREG(st.st_mode)) throw sys::Error(path + ": not a regular file");
    if (static_cast<std::size_t>(st.st_size) > spec::kMaxDocumentBytes)
        throw sys::Error(path + ": document is " + std::to_string(st.st_size) + " bytes, larger than the " +
                         std::to_string(spec::kMaxDocumentBytes) + "-byte limit");
    return sys::read_all(fd);
}

void validate_container_id(const std::string& id) {
    if (id.empty()) throw sys::Error("container id cannot be empty");
    if (id == "." || id == ".." || id.size() > 255 ||
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-") != std::string::npos)
        throw sys::Error("invalid container ID format");
}

std::string default_state_root() {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    const bool have_xdg = xdg && *xdg;
    if (::geteuid() != 0) {
        if (have_xdg) return std::string(xdg) + "/islet";
        return "/run/user/" + std::to_string(::geteuid()) + "/islet";
    }
    // euid 0: in a user namespace (rootless podman) use XDG unless USER=root.
    if (have_xdg && sys::in_user_namespace()) {
        const char* user = std::getenv("USER");
        if (!user || std::string(user) != "root") return std::string(xdg) + "/islet";
    }
    return "/run/islet";
}

StateRoot StateRoot::open(const std::string& path, bool create) {
    if (create && sys::mkdir_all(path, 0700) && ::geteuid() != 0) {
        // The XDG default gets the sticky bit so tmpfiles cleaners leave it.
        ::chmod(path.c_str(), 01700);
    }
    StateRoot r;
    r.path_ = path;
    r.fd_ = sys::open_path(path, O_RDONLY | O_DIRECTORY);
    struct stat st = sys::fstat_fd(r.fd_.get(), path);
    if (st.st_uid != ::geteuid())
        throw sys::Error("state root " + path + " is owned by uid " + std::to_string(st.st_uid) +
                         ", not by islet's uid " + std::to_string(::geteuid()));
    if (st.st_mode & 0022)
        throw sys::Error("state root " + path + " is writable by group or others; refusing to use it");
    return r;
}

std::optional<StateRoot> StateRoot::open_existing(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) {
        if (errno == ENOENT) return std::nullopt;
        sys::throw_errno("stat", path);
    }
    return open(path, false);
}

sys::UniqueFd StateRoot::dup_fd() const { return sys::open_at(fd_.get(), ".", O_RDONLY | O_DIRECTORY); }

std::vector<std::string> StateRoot::ids() const {
    std::vector<std::string> out;
    // Every directory but "." and "..": an ID may start with a dot (runc's
    // rules, and validate_container_id accepts ".x"), and such a container
    // must still be listed.
    for (auto& e : sys::list_dir(fd_.get(), path_))
        if (e.type == DT_DIR || e.type == DT_UNKNOWN) out.push_back(e.name);
    return out;
}

ContainerDir ContainerDir::create(const StateRoot& root, const std::string& id) {
    if (::mkdirat(root.fd(), id.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw sys::Error("container with given ID already exists");
        sys::throw_errno("mkdir", root.path() + "/" + id);
    }
    ContainerDir d;
    d.id_ = id;
    d.path_ = root.path() + "/" + id;
    d.root_fd_ = root.dup_fd();
    d.fd_ = sys::open_at(root.fd(), id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    ::fchmod(d.fd_.get(), 0711);  // umask-independent
    lock_fd(d.fd_.get(), d.path_);
    return d;
}

std::optional<ContainerDir> ContainerDir::open(const StateRoot& root, const std::string& id, bool lock) {
    sys::UniqueFd fd = sys::open_at_if_exists(root.fd(), id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) return std::nullopt;
    ContainerDir d;
    d.id_ = id;
    d.path_ = root.path() + "/" + id;
    d.root_fd_ = root.dup_fd();
    d.fd_ = std::move(fd);
    if (lock) {
        lock_fd(d.fd_.get(), d.path_);
        // A concurrent delete may have removed it while we waited: a removed
        // directory has no links left.
        if (sys::fstat_fd(d.fd_.get(), d.path_).st_nlink == 0) return std::nullopt;
    }
    return d;
}

void ContainerDir::write_atomic(const std::string& name, const std::string& data) const {
    // The temp name only has to differ from other live writers': the pid
    // does. A leftover of a dead process that had the same pid is skipped by
    // O_EXCL (and removed with the directory).
    const std::string base = ".tmp-" + name + "-" + std::to_string(::getpid());
    std::string tmp;
    sys::UniqueFd f;
    for (int i = 0; i < 16 && !f; ++i) {
        tmp = i == 0 ? base : base + "-" + std::to_string(i);
        int fd = ::openat(fd_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            f.reset(fd);
        else if (errno != EEXIST)
            sys::throw_errno("create", path_ + "/" + tmp);
    }
    if (!f) sys::throw_errno_code(EEXIST, "create", path_ + "/" + tmp);
    sys::ScopeExit remove_tmp([&] { ::unlinkat(fd_.get(), tmp.c_str(), 0); });
    sys::write_all(f.get(), data, path_ + "/" + tmp);
    if (::renameat(fd_.get(), tmp.c_str(), fd_.get(), name.c_str()) < 0) sys::throw_errno("rename", path_ + "/" + name);
    remove_tmp.dismiss();
}

void ContainerDir::write_record(const spec::ContainerRecord& r) const {
    write_atomic(kRecordFile, spec::record_to_json(r));
}

std::optional<spec::ContainerRecord> ContainerDir::read_record() const {
    sys::UniqueFd f = sys::open_at_if_exists(fd_.get(), kRecordFile, O_RDONLY | O_NOFOLLOW);
    if (!f) return std::nullopt;
    return spec::record_from_json(read_document(f.get(), path_ + "/" + kRecordFile), path_ + "/" + kRecordFile);
}

void ContainerDir::write_config(const std::string& text) const { write_atomic(kConfigFile, text); }

std::string ContainerDir::read_config() const {
    sys::UniqueFd f = sys::open_at(fd_.get(), kConfigFile, O_RDONLY | O_NOFOLLOW);
    return read_document(f.get(), path_ + "/" + kConfigFile);
}

spec::Config ContainerDir::config() const { return spec::parse_config(read_config(), path_ + "/" + kConfigFile); }

void ContainerDir::write_resources(const std::string& text) const { write_atomic(kResourcesFile, text); }

std::optional<std::string> ContainerDir::read_resources() const {
    sys::UniqueFd f = sys::open_at_if_exists(fd_.get(), kResourcesFile, O_RDONLY | O_NOFOLLOW);
    if (!f) return std::nullopt;
    return read_document(f.get(), path_ + "/" + kResourcesFile);
}

bool ContainerDir::has_exec_fifo() const {
    struct stat st {};
    return ::fstatat(fd_.get(), kFifoFile, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void ContainerDir::unlock() const { ::flock(fd_.get(), LOCK_UN); }

void ContainerDir::remove() const {
    // Everything in it (notify/ and its socket included), then the directory,
    // through the root's descriptor: never a path walk.
    try {
        sys::remove_tree(root_fd_.get(), id_);
    } catch (sys::Error& e) {
        e.add_context("remove " + path_);
        throw;
    }
}

}  // namespace islet::runtime
