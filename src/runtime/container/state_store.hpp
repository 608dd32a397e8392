// The state store: <root>/<id>/ between commands. Host side.
//
// Layout (docs/ARCHITECTURE.md "State"):
//   <root>/            0700, owned by islet's euid
//   <root>/<id>/       0711; mkdirat() of it is the point where a create wins
//   <root>/<id>/state.json   the ContainerRecord, 0600, temp + rename
//   <root>/<id>/config.json  the validated config as given at create, 0600
//   <root>/<id>/exec.fifo    the start barrier, only while `created`
//   <root>/<id>/resources.json  linux.resources as `update` last set them
//                            (absent until the first update), 0600
// A flock on the <id> directory serialises the commands that read then write
// state (create, start, kill, delete, pause, resume, update). Nobody holds it
// while blocking on the container (RUNC-CONTRACT.md §5).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

// runc's rules plus an explicit length cap: [A-Za-z0-9_+.-]+, not "." or "..",
// at most 255 bytes (NAME_MAX). Throws sys::Error with runc's messages.
void validate_container_id(const std::string& id);

// The default --root (RUNC-CONTRACT.md §1.2): a pure function of euid, user
// namespace and XDG_RUNTIME_DIR, so every later command finds the state.
std::string default_state_root();

// The whole of a JSON document islet reads (config.json, its state files):
// a regular file no larger than spec::kMaxDocumentBytes, checked with fstat
// before a byte is read. Errors name `path`.
std::string read_document(int fd, const std::string& path);

class StateRoot {
public:
    // Opens the root; with create, makes it (mkdir -p, 0700). Refuses a root
    // that is group- or world-writable or owned by another user.
    static StateRoot open(const std::string& path, bool create);
    // nullopt when the directory does not exist.
    static std::optional<StateRoot> open_existing(const std::string& path);

    const std::string& path() const { return path_; }
    int fd() const { return fd_.get(); }
    // A descriptor of the root of one's own (the ContainerDirs it opens keep
    // one, so they may outlive the StateRoot).
    sys::UniqueFd dup_fd() const;
    // Container ids present (directory entries), unsorted.
    std::vector<std::string> ids() const;

private:
    std::string path_;
    sys::UniqueFd fd_;
};

class ContainerDir {
public:
    // mkdirat(<id>, 0711) then takes the lock. EEXIST: "container with given
    // ID already exists".
    static ContainerDir create(const StateRoot& root, const std::string& id);
    // nullopt when <root>/<id> does not exist. lock: take the flock.
    static std::optional<ContainerDir> open(const StateRoot& root, const std::string& id, bool lock);

    const std::string& id() const { return id_; }
    const std::string& path() const { return path_; }
    int fd() const { return fd_.get(); }

    // Atomic write: .tmp-state.json-<pid> with O_EXCL, then renameat. No
    // fsync: the rename is atomic for every reader without it, and an fsync
    // only adds durability across a power loss, which means nothing for a
    // runtime directory (every container is gone then, and delete --force
    // copes with a lost or torn record); on ext4 each fsync is a journal
    // commit, milliseconds (bench/README.md).
    void write_record(const spec::ContainerRecord& r) const;
    // nullopt when state.json is missing (a create that never wrote it).
    // Throws on a corrupt file.
    std::optional<spec::ContainerRecord> read_record() const;
    void write_config(const std::string& text) const;
    std::string read_config() const;
    // read_config, parsed (LoadedContainer::config; delete of a container
    // whose record is lost).
    spec::Config config() const;
    // The resources `update` persisted (cgroup_ops.hpp); nullopt before the first update.
    void write_resources(const std::string& text) const;
    std::optional<std::string> read_resources() const;

    bool has_exec_fifo() const;
    std::string exec_fifo_path() const { return path_ + "/exec.fifo"; }

    // Drops the flock early (before blocking on the container).
    void unlock() const;

    // Removes every entry and the directory itself. Missing is fine.
    void remove() const;

private:
    // temp file (O_EXCL) + rename, so readers see the old or the new file,
    // never a torn one.
    void write_atomic(const std::string& name, const std::string& data) const;

    std::string id_;
    std::string path_;
    sys::UniqueFd root_fd_;  // the state root, for removing this directory (a dup: never dangling)
    sys::UniqueFd fd_;
};

}  // namespace islet::runtime
