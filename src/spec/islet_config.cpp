#include "spec/islet_config.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "spec/json_gate.hpp"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::spec {
namespace {

using json = nlohmann::json;

template <typename T>
void read_field(const json& obj, const char* key, const std::string& ptr, T& out, std::vector<std::string>& problems,
                const char* expected) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return;
    const bool ok = std::is_same_v<T, std::string> ? it->is_string() : it->is_number_unsigned();
    if (!ok) {
        problems.push_back(ptr + "/" + key + ": expected " + expected);
        return;
    }
    out = it->get<T>();
}

}  // namespace

IsletConfig parse_islet_config(const std::string& text, const std::string& what) {
    gate_json(text, what);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw sys::Error(what + ": " + e.what());
    }
    IsletConfig c;
    c.source = what;
    std::vector<std::string> problems;
    if (!j.is_object()) throw sys::Error(what + ": /: expected an object");
    if (auto iso = j.find("isolation"); iso != j.end() && !iso->is_null()) {
        if (!iso->is_object()) {
            problems.push_back("/isolation: expected an object");
        } else {
            read_field(*iso, "policy", "/isolation", c.isolation_policy, problems, "a string");
            read_field(*iso, "registry", "/isolation", c.registry, problems, "a string");
            if (auto pool = iso->find("pool"); pool != iso->end() && !pool->is_null()) {
                if (!pool->is_object()) {
                    problems.push_back("/isolation/pool: expected an object");
                } else {
                    read_field(*pool, "start", "/isolation/pool", c.pool_start, problems, "an unsigned integer");
                    read_field(*pool, "size", "/isolation/pool", c.pool_size, problems, "an unsigned integer");
                    read_field(*pool, "block", "/isolation/pool", c.block_size, problems, "an unsigned integer");
                }
            }
        }
    }
    if (c.isolation_policy != "ranges" && c.isolation_policy != "refuse")
        problems.push_back("/isolation/policy: must be \"ranges\" or \"refuse\", not \"" + c.isolation_policy + "\"");
    if (c.block_size == 0) problems.push_back("/isolation/pool/block: must be greater than zero");
    if (c.pool_start == 0) problems.push_back("/isolation/pool/start: host ID 0 cannot be in the pool");
    if (c.pool_size == 0 || (c.block_size && c.pool_size % c.block_size != 0))
        problems.push_back("/isolation/pool/size: must be a whole, non-zero number of blocks");
    // Written so that it cannot wrap: start + size would for a start near 2^64.
    if (c.pool_start > 0xffffffffull || c.pool_size > 0xffffffffull - c.pool_start)
        problems.push_back("/isolation/pool: start + size overflows 32-bit IDs (4294967295 is reserved)");
    if (c.registry.empty() || c.registry.front() != '/')
        problems.push_back("/isolation/registry: must be an absolute path");
    if (!problems.empty()) {
        std::string msg = what + ": ";
        for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
        throw sys::Error(msg);
    }
    return c;
}

IsletConfig load_islet_config() {
    const char* env = std::getenv("ISLET_CONFIG");
    std::string path = env && *env ? env : "/etc/islet/islet.json";
    auto text = sys::read_file_if_exists(path);
    if (!text) {
        if (env && *env) throw sys::Error("islet config " + path + ": no such file or directory");
        return IsletConfig{};
    }
    return parse_islet_config(*text, path);
}

}  // namespace islet::spec
