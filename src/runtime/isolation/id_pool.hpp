// The ranges mode's host ID pool (docs/ISOLATION.md "IDs"). Host side.
//
// A registry directory holds one file per allocated block, "block-<index>",
// whose content names its holders: for each a random token (also in the
// holder's record), the state root and the container id. The first holder
// allocated it; the members of an isolated pod join it (join_block) and the
// block is freed when its last holder releases it. Every change happens under a
// flock on <registry>/.lock, so two concurrent creates never get the same
// block. The container's record names the registry and the token before the
// block is allocated, and the block file is written (and fsynced) before any
// of its IDs is used; an allocation that cannot write its owner removes the
// file again. Release frees a block only when its token matches, and a
// missing block is fine, so a delete killed at any point and run again never
// frees a block that has since gone to another container.
//
// Applies: the run.islet.isolated-userns annotation's host ID blocks
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/islet_config.hpp"

namespace islet::runtime::isolation {

struct IdBlock {
    std::uint64_t index = 0;
    std::uint32_t start = 0;  // first host ID
    std::uint32_t size = 0;
    std::uint32_t gid_start = 0;  // first host gid (= start but in a rootless pool)
    std::string text() const;     // "start-end"
};

// Who holds a block: the content of its registry file.
struct BlockOwner {
    std::string token;  // empty: a file islet 0.1 wrote (no token), or a torn write
    std::string root;   // the owner's state root and id
    std::string id;
    pid_t pid = 0;  // the create that allocated it
};
// Pure: the file's text, and back. A file holds one holder per "token="
// line and the lines after it (a one-holder file is what islet wrote before
// pods). parse_owner gives the first holder, nothing for a file without
// root and id (a create killed while writing it); parse_holders drops such
// torn holders.
std::string format_owner(const BlockOwner& owner);
std::optional<BlockOwner> parse_owner(const std::string& text);
std::vector<BlockOwner> parse_holders(const std::string& text);
std::string format_holders(const std::vector<BlockOwner>& holders);
// 128 random bits in hex (getrandom).
std::string new_owner_token();

// A block file as the registry has it.
struct Allocation {
    IdBlock block;
    std::optional<BlockOwner> owner;  // the first holder; nothing: unreadable or torn
    std::vector<BlockOwner> holders;  // every holder, the first one first (pod members after it)
    std::vector<bool> holder_alive;   // per holder: owner_alive
    bool alive = false;               // some holder's record still names it
};

// True when <root>/<id>/state.json exists and names this token (a record
// that cannot be read counts as alive: never free what may be in use). A
// token-less owner (islet 0.1) is alive while its state directory exists.
bool owner_alive(const BlockOwner& owner);

class IdPool {
public:
    explicit IdPool(const spec::IsletConfig& config);

    // A free block for `owner`. Throws sys::Error when the pool is exhausted
    // (naming its size) or the registry is unusable; a block file whose owner
    // could not be written is removed first.
    IdBlock allocate(const BlockOwner& owner);
    // Every block file, with its owner and whether that owner is alive.
    std::vector<Allocation> list();
    // Frees every block whose owner is not alive (owner_alive) or unreadable;
    // returns them. Safe against concurrent creates and deletes (the lock).
    std::vector<Allocation> gc();

    std::uint64_t blocks() const { return config_.pool_size / config_.block_size; }

private:
    IdBlock block(std::uint64_t index) const;
    std::vector<std::uint64_t> in_use() const;

    spec::IsletConfig config_;
};

// Releases the holder whose token is `token` from block `index` of `registry`
// (every block when the index is unknown), and frees the block when that
// was its last holder. A block that is gone or that `token` does not hold
// is left alone (idempotent). Needs no islet config: the
// record names the registry.
void release_block(const std::string& registry, std::optional<std::uint64_t> index, const std::string& token);
// An isolated pod's member (docs/ISOLATION.md "Pods"): adds `holder` to
// block `index` of `registry` while the block is still held by the holder
// whose token is `by` (the container whose user namespace the member
// joins). Throws sys::Error when the block is gone or no longer that
// holder's. The block is freed only when its last holder releases it.
void join_block(const std::string& registry, std::uint64_t index, const std::string& by, const BlockOwner& holder);
// Every block file of `registry` with its holders (no lock: a snapshot for
// finding a pod's user namespace, find_pod).
std::vector<std::pair<std::uint64_t, std::vector<BlockOwner>>> registry_holders(const std::string& registry);
// Records islet 0.1 wrote (no token): frees the blocks whose owner is root/id.
void release_owned_by(const std::string& registry, const std::string& root, const std::string& id);

}  // namespace islet::runtime::isolation
