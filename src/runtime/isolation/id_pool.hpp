// The ranges mode's host ID pool (docs/ISOLATION.md "IDs"). Host side.
//
// A registry directory holds one file per allocated block, "block-<index>",
// whose content names its owner: a random token (also in the container's
// record), the state root and the container id. Every change happens under a
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
// Pure: the file's text, and back. parse_owner returns nothing for a file
// without root and id (a create killed while writing it).
std::string format_owner(const BlockOwner& owner);
std::optional<BlockOwner> parse_owner(const std::string& text);
// 128 random bits in hex (getrandom).
std::string new_owner_token();

// A block file as the registry has it.
struct Allocation {
    IdBlock block;
    std::optional<BlockOwner> owner;  // nothing: unreadable or torn
    bool alive = false;               // its owner's record still names it (owner_alive)
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

// Frees the block of `registry` whose owner token is `token`: at `index` when
// known, else wherever the registry has it. A block that is gone or belongs
// to another token is left alone (idempotent). Needs no islet config: the
// record names the registry.
void release_block(const std::string& registry, std::optional<std::uint64_t> index, const std::string& token);
// Records islet 0.1 wrote (no token): frees the blocks whose owner is root/id.
void release_owned_by(const std::string& registry, const std::string& root, const std::string& id);

}  // namespace islet::runtime::isolation
