// GVariant text -> a D-Bus value, for the systemd unit properties given as
// annotations (runc parses them with godbus's ParseVariant). Pure.
//
// Applies: annotations "org.systemd.property.<Name>" (their values)
//
// The subset unit properties need: booleans, numbers (int32 unless typed,
// double when written with a point or exponent), strings in single or double
// quotes, arrays, tuples, the type keywords (uint64 5) and @TYPE annotations
// (@as [] is the only way to say an empty array's type). Parsing builds an
// untyped tree; coerce() then gives it the requested or inferred type, as
// GVariant does, with range checks.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "runtime/cgroups/systemd.hpp"
#include "sys/error.hpp"

namespace islet::runtime::cgroups::systemd {
namespace {

struct Node {
    enum Kind { boolean, number, string, array, tuple, typed } kind = boolean;
    bool b = false;
    std::string text;  // number text, string value, or the type of a typed node
    std::vector<Node> items;
};

[[noreturn]] void fail(const std::string& what, std::size_t pos) {
    throw sys::Error(what + " at position " + std::to_string(pos));
}

const char* keyword_type(const std::string& word) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {"boolean", "b"}, {"byte", "y"},   {"int16", "n"},  {"uint16", "q"}, {"int32", "i"},      {"uint32", "u"},
        {"int64", "x"},   {"uint64", "t"}, {"double", "d"}, {"string", "s"}, {"objectpath", "o"}, {"signature", "g"}};
    for (auto& [k, t] : kTypes)
        if (word == k) return t;
    return nullptr;
}

// The length of the complete type at sig[pos], or 0 when there is none.
std::size_t type_length(const std::string& sig, std::size_t pos) {
    if (pos >= sig.size()) return 0;
    const char c = sig[pos];
    if (std::string("bynqiuxtdsog").find(c) != std::string::npos) return 1;
    if (c == 'a') {
        std::size_t n = type_length(sig, pos + 1);
        return n ? n + 1 : 0;
    }
    if (c == '(') {
        std::size_t at = pos + 1;
        while (at < sig.size() && sig[at] != ')') {
            std::size_t n = type_length(sig, at);
            if (!n) return 0;
            at += n;
        }
        return at < sig.size() ? at - pos + 1 : 0;
    }
    return 0;
}

class Parser {
public:
    explicit Parser(const std::string& t) : t_(t) {}

    Node document() {
        Node n = value();
        skip_space();
        if (pos_ != t_.size()) fail("unexpected text after the value", pos_);
        return n;
    }

private:
    const std::string& t_;
    std::size_t pos_ = 0;

    void skip_space() {
        while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
    }
    std::string word() {
        std::size_t start = pos_;
        while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_')) ++pos_;
        return t_.substr(start, pos_ - start);
    }

    Node value() {
        skip_space();
        if (pos_ >= t_.size()) fail("missing value", pos_);
        const char c = t_[pos_];
        if (c == '@') return annotated();
        if (c == '[' || c == '(') return list(c == '[' ? ']' : ')');
        if (c == '\'' || c == '"') return quoted(c);
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') return number();
        const std::size_t at = pos_;
        const std::string w = word();
        if (w == "true" || w == "false") return Node{Node::boolean, w == "true", {}, {}};
        if (const char* type = keyword_type(w)) return Node{Node::typed, false, type, {value()}};
        fail(w.empty() ? std::string("unexpected character '") + c + "'" : "unknown word \"" + w + "\"", at);
    }

    Node annotated() {
        const std::size_t at = ++pos_;
        std::size_t n = type_length(t_, pos_);
        if (!n) fail("invalid type after @", at);
        std::string type = t_.substr(pos_, n);
        pos_ += n;
        return Node{Node::typed, false, type, {value()}};
    }

    Node list(char close) {
        Node n{close == ']' ? Node::array : Node::tuple, false, {}, {}};
        ++pos_;
        skip_space();
        if (pos_ < t_.size() && t_[pos_] == close) {
            ++pos_;
            return n;
        }
        for (;;) {
            n.items.push_back(value());
            skip_space();
            if (pos_ < t_.size() && t_[pos_] == ',') {
                ++pos_;
                skip_space();
                if (close == ')' && pos_ < t_.size() && t_[pos_] == ')') {  // "(1,)"
                    ++pos_;
                    return n;
                }
                continue;
            }
            if (pos_ < t_.size() && t_[pos_] == close) {
                ++pos_;
                return n;
            }
            fail(std::string("expected ',' or '") + close + "'", pos_);
        }
    }

    Node quoted(char q) {
        const std::size_t at = pos_++;
        std::string s;
        while (pos_ < t_.size() && t_[pos_] != q) {
            char c = t_[pos_++];
            if (c != '\\') {
                s += c;
                continue;
            }
            if (pos_ >= t_.size()) break;
            switch (char e = t_[pos_++]) {
                case 'n': s += '\n'; break;
                case 't': s += '\t'; break;
                case 'r': s += '\r'; break;
                case 'b': s += '\b'; break;
                case 'f': s += '\f'; break;
                case 'v': s += '\v'; break;
                case '\\':
                case '\'':
                case '"': s += e; break;
                default: fail(std::string("unsupported escape \\") + e, pos_ - 2);
            }
        }
        if (pos_ >= t_.size()) fail("unterminated string", at);
        ++pos_;
        return Node{Node::string, false, s, {}};
    }

    Node number() {
        const std::size_t start = pos_;
        while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '.' ||
                                    t_[pos_] == '-' || t_[pos_] == '+'))
            ++pos_;
        return Node{Node::number, false, t_.substr(start, pos_ - start), {}};
    }
};

bool is_float(const std::string& text) {
    if (text.rfind("0x", 0) == 0 || text.rfind("-0x", 0) == 0) return false;
    return text.find_first_of(".eE") != std::string::npos;
}

Value number_value(const std::string& text, const std::string& sig) {
    Value v;
    v.sig = sig;
    if (sig == "d") {
        char* end = nullptr;
        errno = 0;
        v.d = std::strtod(text.c_str(), &end);
        if (errno || *end || text.empty()) throw sys::Error("invalid number \"" + text + "\"");
        return v;
    }
    if (is_float(text)) throw sys::Error("\"" + text + "\" is not an integer (type " + sig + ")");
    char* end = nullptr;
    errno = 0;
    const bool negative = !text.empty() && text[0] == '-';
    const long long sv = std::strtoll(text.c_str(), &end, 0);
    if (errno || *end || text.empty()) {
        errno = 0;
        const unsigned long long uv = std::strtoull(text.c_str(), &end, 0);
        if (negative || errno || *end || text.empty()) throw sys::Error("invalid number \"" + text + "\"");
        if (sig != "t")
            throw sys::Error(std::string("number ").append(text).append(" out of range for type ").append(sig));
        v.u = uv;
        return v;
    }
    struct Range {
        char c;
        long long lo, hi;
    };
    static const Range kRanges[] = {
        {'y', 0, 255},        {'n', -32768, 32767},        {'q', 0, 65535},    {'i', INT32_MIN, INT32_MAX},
        {'u', 0, UINT32_MAX}, {'x', INT64_MIN, INT64_MAX}, {'t', 0, INT64_MAX}};
    for (auto& r : kRanges)
        if (sig[0] == r.c) {
            if (sv < r.lo || sv > r.hi)
                throw sys::Error(std::string("number ").append(text).append(" out of range for type ").append(sig));
            if (std::string("nix").find(r.c) != std::string::npos)
                v.i = sv;
            else
                v.u = static_cast<std::uint64_t>(sv);
            return v;
        }
    throw sys::Error("a number cannot have type " + sig);
}

Value coerce(const Node& n, const std::string& sig);

Value coerce_array(const Node& n, const std::string& sig) {
    std::string elem = sig.empty() ? "" : sig.substr(1);
    if (!sig.empty() && sig[0] != 'a') throw sys::Error("an array cannot have type " + sig);
    Value v;
    for (auto& item : n.items) {
        // The first element's type is every element's (coerce refuses others).
        v.items.push_back(coerce(item, elem));
        if (elem.empty()) elem = v.items.back().sig;
    }
    if (elem.empty()) throw sys::Error("the type of an empty array is unknown (write it as @as [] for example)");
    v.sig = "a" + elem;
    return v;
}

Value coerce_tuple(const Node& n, const std::string& sig) {
    Value v;
    std::vector<std::string> members;
    if (!sig.empty()) {
        if (sig[0] != '(') throw sys::Error("a tuple cannot have type " + sig);
        for (std::size_t at = 1; at < sig.size() - 1;) {
            std::size_t len = type_length(sig, at);
            members.push_back(sig.substr(at, len));
            at += len;
        }
        if (members.size() != n.items.size())
            throw sys::Error("a tuple of " + std::to_string(n.items.size()) + " values cannot have type " + sig);
    }
    if (n.items.empty()) throw sys::Error("an empty tuple is not a D-Bus value");
    v.sig = "(";
    for (std::size_t k = 0; k < n.items.size(); ++k) {
        v.items.push_back(coerce(n.items[k], members.empty() ? "" : members[k]));
        v.sig += v.items.back().sig;
    }
    v.sig += ")";
    return v;
}

Value coerce(const Node& n, const std::string& sig) {
    switch (n.kind) {
        case Node::typed:
            if (!sig.empty() && sig != n.text) throw sys::Error("type " + n.text + " where " + sig + " is expected");
            return coerce(n.items[0], n.text);
        case Node::boolean:
            if (!sig.empty() && sig != "b") throw sys::Error("a boolean cannot have type " + sig);
            return Value::boolean(n.b);
        case Node::number: return number_value(n.text, sig.empty() ? (is_float(n.text) ? "d" : "i") : sig);
        case Node::string: {
            if (!sig.empty() && sig != "s" && sig != "o" && sig != "g")
                throw sys::Error("a string cannot have type " + sig);
            Value v = Value::str(n.text);
            if (!sig.empty()) v.sig = sig;
            return v;
        }
        case Node::array: return coerce_array(n, sig);
        case Node::tuple: return coerce_tuple(n, sig);
    }
    throw sys::Error("invalid value");
}

}  // namespace

Value parse_gvariant(const std::string& text) { return coerce(Parser(text).document(), ""); }

}  // namespace islet::runtime::cgroups::systemd
