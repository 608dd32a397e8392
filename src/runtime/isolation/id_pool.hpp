// The ranges mode's host ID pool (ISOLATION.md §3.2). Host side.
//
// A registry directory holds one file per allocated block, "block-<index>",
// whose content names its owner (state root and container id). Every change
// happens under a flock on <registry>/.lock, so two concurrent creates never
// get the same block, and a block's file is written (and fsynced) before any
// of its IDs is used. delete frees the block; a block whose owner's state
// directory is gone (islet SIGKILLed mid-create) is reclaimed when the pool
// runs out, or at once by `delete --force` of that id.
//
// Applies: the run.islet.isolated-userns annotation's host ID blocks
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/islet_config.hpp"

namespace islet::runtime::isolation {

struct IdBlock {
    std::uint64_t index = 0;
    std::uint32_t start = 0;  // first host ID
    std::uint32_t size = 0;
    std::string text() const;  // "start-end"
};

class IdPool {
public:
    explicit IdPool(const spec::IsletConfig& config);

    // A free block for the container `root`/`id`. Throws sys::Error when
    // the pool is exhausted (naming its size) or the registry is unusable.
    IdBlock allocate(const std::string& root, const std::string& id);
    // Frees a block; a missing entry is fine.
    void release(std::uint64_t index);
    // Frees every block whose owner is root/id.
    void release_owned_by(const std::string& root, const std::string& id);
    // Blocks in use (for tests and `features`).
    std::vector<std::uint64_t> in_use();

    std::uint64_t blocks() const { return config_.pool_size / config_.block_size; }

private:
    class Lock;
    std::string entry(std::uint64_t index) const;
    IdBlock block(std::uint64_t index) const;

    spec::IsletConfig config_;
};

}  // namespace islet::runtime::isolation
