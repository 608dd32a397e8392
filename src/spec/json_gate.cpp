#include "spec/json_gate.hpp"

#include <yajl/yajl_parse.h>

#include <memory>
#include <set>
#include <vector>

#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::spec {
namespace {

struct GateState {
    const GateLimits* limits;
    yajl_handle handle = nullptr;
    size_t doc_end = std::string_view::npos;  // offset just past the top-level container
    // One entry per open container: the keys seen so far (objects only).
    struct Frame {
        bool is_object;
        std::set<std::string, std::less<>> keys;
    };
    std::vector<Frame> stack;
    std::string problem;  // set when a callback cancels the parse
};

int on_scalar(void*) { return 1; }
int on_bool(void*, int) { return 1; }
int on_number(void*, const char*, size_t) { return 1; }

int on_string(void* ctx, const unsigned char* s, size_t len) {
    auto* g = static_cast<GateState*>(ctx);
    if (sys::has_nul(std::string_view(reinterpret_cast<const char*>(s), len))) {
        g->problem = "string contains a NUL character (\\u0000)";
        return 0;
    }
    return 1;
}

int open_container(GateState* g, bool is_object) {
    if (static_cast<int>(g->stack.size()) >= g->limits->max_depth) {
        g->problem = "nesting deeper than " + std::to_string(g->limits->max_depth) + " levels";
        return 0;
    }
    g->stack.push_back({is_object, {}});
    return 1;
}

int on_start_map(void* ctx) { return open_container(static_cast<GateState*>(ctx), true); }
int on_start_array(void* ctx) { return open_container(static_cast<GateState*>(ctx), false); }

int on_end(void* ctx) {
    auto* g = static_cast<GateState*>(ctx);
    if (!g->stack.empty()) g->stack.pop_back();
    if (g->stack.empty()) g->doc_end = yajl_get_bytes_consumed(g->handle);
    return 1;
}

int on_map_key(void* ctx, const unsigned char* k, size_t len) {
    auto* g = static_cast<GateState*>(ctx);
    std::string key(reinterpret_cast<const char*>(k), len);
    if (sys::has_nul(key)) {
        g->problem = "object key contains a NUL character (\\u0000)";
        return 0;
    }
    if (g->stack.empty() || !g->stack.back().is_object) return 1;
    if (!g->stack.back().keys.insert(key).second) {
        g->problem = "duplicate key \"" + key + "\"";
        return 0;
    }
    return 1;
}

const yajl_callbacks kCallbacks = {
    on_scalar,    on_bool,    nullptr, nullptr,        on_number, on_string,
    on_start_map, on_map_key, on_end,  on_start_array, on_end,
};

// Line and column (1-based) of byte offset `off` in text.
std::string position(std::string_view text, size_t off) {
    if (off > text.size()) off = text.size();
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// yajl's own message, first line only ("parse error: invalid object key (must be a string)").
std::string yajl_message(yajl_handle h, std::string_view text) {
    unsigned char* err = yajl_get_error(h, 0, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::string msg = err ? reinterpret_cast<const char*>(err) : "invalid JSON";
    if (err) yajl_free_error(h, err);
    auto nl = msg.find('\n');
    if (nl != std::string::npos) msg.resize(nl);
    return std::string(sys::trim(msg));
}

// Byte offset of the error. yajl leaves its offset just past the token it
// refused (and so does a cancel from our callbacks), except where it backs up
// to the offending byte: most lexical errors (yajl_lex.c unreadChar: control
// characters and bad escapes in strings, comments, malformed numbers and
// literals) and the missing ',' or '}' after a map value. Trailing garbage is
// reported where it starts, after the document's whitespace.
size_t error_offset(std::string_view text, size_t consumed, const GateState& g, const std::string& problem) {
    if (g.problem.empty()) {
        if (problem == "parse error: trailing garbage" && g.doc_end <= text.size()) {
            size_t off = g.doc_end;
            while (off < text.size() &&
                   (text[off] == ' ' || text[off] == '\t' || text[off] == '\n' || text[off] == '\r'))
                ++off;
            return off;
        }
        const bool backs_up = (sys::starts_with(problem, "lexical error:") &&
                               problem.find("invalid bytes in UTF8 string") == std::string::npos &&
                               problem.find("invalid char in json text") == std::string::npos) ||
                              problem.find("after key and value, inside map") != std::string::npos;
        if (backs_up) return consumed;
    }
    return consumed ? consumed - 1 : 0;
}

}  // namespace

void gate_json(std::string_view text, const std::string& what, const GateLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw sys::Error(what + ": document is " + std::to_string(text.size()) + " bytes, larger than the " +
                         std::to_string(limits.max_bytes) + "-byte limit");
    if (sys::trim(text).empty()) throw sys::Error(what + ": empty document (expected a JSON object)");
    GateState g{&limits};
    std::unique_ptr<std::remove_pointer_t<yajl_handle>, void (*)(yajl_handle)> h(yajl_alloc(&kCallbacks, nullptr, &g),
                                                                                 yajl_free);
    if (!h) throw sys::Error(what + ": out of memory in the JSON parser");
    g.handle = h.get();
    yajl_config(h.get(), yajl_dont_validate_strings, 0);  // validate UTF-8
    yajl_config(h.get(), yajl_allow_comments, 0);
    yajl_config(h.get(), yajl_allow_trailing_garbage, 0);
    yajl_config(h.get(), yajl_allow_multiple_values, 0);
    yajl_config(h.get(), yajl_allow_partial_values, 0);

    yajl_status st = yajl_parse(h.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
    size_t consumed = yajl_get_bytes_consumed(h.get());
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h.get());
        consumed = text.size();
    }
    if (st == yajl_status_ok) return;
    std::string problem = !g.problem.empty() ? g.problem : yajl_message(h.get(), text);
    throw sys::Error(what + ": " + position(text, error_offset(text, consumed, g, problem)) + ": " + problem);
}

}  // namespace islet::spec
