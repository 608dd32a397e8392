// The strict JSON gate in front of every document islet reads (config.json,
// `exec --process`, `update --resources`, its own state). Pure code (yajl).
//
// A streaming pass that rejects what a DOM parser silently accepts: duplicate
// keys (Go keeps the last one, nlohmann too: a parser differential with
// engines), nesting past a fixed depth, documents past a fixed size, invalid
// UTF-8, and NUL characters in strings (they would be cut at the kernel
// boundary: CVE-2021-43784 class). Errors name the line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace islet::spec {

// The largest document islet reads (config.json and its own files): 64 MiB.
inline constexpr std::size_t kMaxDocumentBytes = 64u << 20;

struct GateLimits {
    std::size_t max_bytes = kMaxDocumentBytes;
    int max_depth = 128;
};

// Throws sys::Error("<what>: line L, column C: <problem>") when text is not a
// single well-formed JSON document within the limits.
void gate_json(std::string_view text, const std::string& what, const GateLimits& limits = {});

}  // namespace islet::spec
