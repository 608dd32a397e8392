// islet's own configuration file (not a container's config.json). Pure code.
//
// Read from $ISLET_CONFIG, else /etc/islet/islet.json, else the defaults
// below. config/islet.json in the source tree documents every key. Only the
// isolated-user-namespace settings live here so far (ISOLATION.md §3):
//
//   {"isolation": {"policy": "ranges",            // or "refuse"
//                  "pool": {"start": 1073741824,   // first host ID of the pool
//                           "size": 67108864,      // IDs in the pool
//                           "block": 65536},       // IDs per container
//                  "registry": "/run/islet-idblocks"}}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace islet::spec {

struct IsletConfig {
    std::string isolation_policy = "ranges";  // "ranges" | "refuse"
    std::uint64_t pool_start = 1u << 30;      // well clear of /etc/subuid's usual 100000+ ranges
    std::uint64_t pool_size = 1u << 26;       // 1024 blocks of 65536
    std::uint64_t block_size = 65536;
    std::string registry = "/run/islet-idblocks";
    std::string source = "built-in defaults";  // the file it came from, for messages
    // Rootless islet's pool (isolation::rootless_pool): its gid blocks come
    // from the caller's /etc/subgid range, which need not start where the
    // /etc/subuid one does. Absent: gids = uids (root's pool).
    std::optional<std::uint64_t> gid_pool_start;
};

// Parses and checks the file's text (gate + nlohmann). Throws sys::Error
// naming `what` and the JSON pointer of each problem: an unknown policy, a
// block size of 0, a pool that is not a whole number of blocks, a pool that
// overflows 32-bit IDs or starts at 0, a relative registry path.
IsletConfig parse_islet_config(const std::string& text, const std::string& what);

// $ISLET_CONFIG, else /etc/islet/islet.json when it exists, else defaults.
IsletConfig load_islet_config();

}  // namespace islet::spec
