// The sealed islet executable (CVE-2019-5736). Host side.
//
// While the init waits for `start` (and while exec's process sets up), islet's
// code runs in the container and /proc/<pid>/exe names islet's executable. A
// container process holding CAP_SYS_PTRACE can open it (O_PATH) and reopen it
// for writing once ETXTBSY ends, so `create`, `run` and `exec` re-execute
// islet at start-up, before any side effect and for every config, from an
// executable nobody can write: the binary seen through a private, detached,
// lower-only overlayfs (zero copy, as runc's exeseal), else a memfd copy
// sealed against writes. No process running the on-disk binary ever enters a
// container.
#pragma once

#include <string>

namespace islet::runtime::host {

// What the running executable is, as the kernel reports it (fstat, not the
// environment: a caller must not be able to talk islet out of sealing).
struct ExeFacts {
    bool overlay = false;      // on an overlayfs superblock
    bool read_only = false;    // ST_RDONLY (mount or superblock)
    bool mount_listed = true;  // its mount is in our mount table (not a detached fsmount)
    bool memfd = false;        // F_GET_SEALS answered (a shmem file)
    unsigned seals = 0;        // F_GET_SEALS
};

// True when nobody can write the executable through any open of it: a
// detached read-only overlayfs, or a memfd sealed against writes and resizes
// whose seals are themselves sealed.
bool exe_is_sealed(const ExeFacts& facts);

// The overlayfs lowerdir string for the binary's directory above the empty
// one: ':' and '\' in either path are escaped as overlayfs expects.
std::string overlay_lowerdirs(const std::string& bin_dir, const std::string& empty_dir);

// Re-executes the current command from a sealed executable unless it already
// runs from one. Returns only when no re-exec is needed.
void reexec_sealed();

}  // namespace islet::runtime::host
