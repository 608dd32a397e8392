#include "runtime/isolation/id_pool.hpp"

#include <algorithm>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/record.hpp"
#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::isolation {
namespace {

// The registry's flock, held for the whole allocate/release/gc.
class Lock {
public:
    explicit Lock(const std::string& registry) {
        sys::mkdir_all(registry, 0700);
        fd_ = sys::open_path(registry + "/.lock", O_RDWR | O_CREAT, 0600);
        if (sys::retry_eintr([&] { return ::flock(fd_.get(), LOCK_EX); }) < 0)
            sys::throw_errno("flock", registry + "/.lock");
    }

private:
    sys::UniqueFd fd_;
};

std::string entry(const std::string& registry, std::uint64_t index) {
    return registry + "/block-" + std::to_string(index);
}

std::vector<BlockOwner> read_holders(const std::string& path) {
    auto text = sys::read_file_if_exists(path);
    return text ? parse_holders(*text) : std::vector<BlockOwner>{};
}

// Under the lock: replaces block `index`'s file by one naming `holders`
// (temp + fsync + rename: a kill leaves the old list or the new one).
void write_holders(const std::string& registry, std::uint64_t index, const std::vector<BlockOwner>& holders) {
    const std::string path = entry(registry, index);
    const std::string tmp = registry + "/.block-" + std::to_string(index) + ".tmp";
    {
        sys::UniqueFd f = sys::open_path(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        sys::write_all(f.get(), format_holders(holders), tmp);
        if (::fsync(f.get()) < 0) sys::throw_errno("fsync", tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) < 0) sys::throw_errno("rename " + tmp + " to", path);
}

bool any_alive(const std::vector<BlockOwner>& holders) {
    return std::any_of(holders.begin(), holders.end(), [](const BlockOwner& h) { return owner_alive(h); });
}

// Under the lock: drops the holder whose token is `token` from block
// `index`, and unlinks the block when no holder is left.
void release_locked(const std::string& registry, std::uint64_t index, const std::string& token) {
    const std::string path = entry(registry, index);
    std::vector<BlockOwner> holders = read_holders(path);
    auto it = std::find_if(holders.begin(), holders.end(), [&](const BlockOwner& h) { return h.token == token; });
    if (it == holders.end()) {
        if (!holders.empty()) log::debug("ID block " + path + " is not held by this container (any more): left alone");
        return;
    }
    holders.erase(it);
    if (!holders.empty()) return write_holders(registry, index, holders);
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) sys::throw_errno("free ID block", path);
}

std::vector<std::uint64_t> blocks_in(const std::string& registry) {
    std::vector<std::uint64_t> out;
    for (auto& e : sys::try_list_dir(registry).value_or(std::vector<sys::DirEntry>{})) {
        if (!sys::starts_with(e.name, "block-")) continue;
        if (auto v = sys::parse_uint(e.name.substr(6))) out.push_back(*v);
    }
    return out;
}

}  // namespace

std::string IdBlock::text() const {
    return std::to_string(start) + "-" + std::to_string(static_cast<std::uint64_t>(start) + size - 1);
}

std::string format_owner(const BlockOwner& o) {
    return "token=" + o.token + "\nroot=" + o.root + "\nid=" + o.id + "\npid=" + std::to_string(o.pid) + "\n";
}

namespace {
// Every holder of the text, torn ones (no root or id) included.
std::vector<BlockOwner> parse_all(const std::string& text) {
    std::vector<BlockOwner> out;
    for (auto& line : sys::split(text, '\n')) {
        // A token line starts the next holder (islet 0.1's files had none).
        if (out.empty() || (sys::starts_with(line, "token=") && !out.back().token.empty())) out.emplace_back();
        BlockOwner& o = out.back();
        if (sys::starts_with(line, "token=")) o.token = line.substr(6);
        if (sys::starts_with(line, "root=")) o.root = line.substr(5);
        if (sys::starts_with(line, "id=")) o.id = line.substr(3);
        if (sys::starts_with(line, "pid="))
            if (auto v = sys::parse_uint(line.substr(4))) o.pid = static_cast<pid_t>(*v);
    }
    return out;
}
bool torn(const BlockOwner& o) { return o.root.empty() || o.id.empty(); }
}  // namespace

std::optional<BlockOwner> parse_owner(const std::string& text) {
    auto all = parse_all(text);
    if (all.empty() || torn(all.front())) return std::nullopt;
    return all.front();
}

std::vector<BlockOwner> parse_holders(const std::string& text) {
    auto all = parse_all(text);
    all.erase(std::remove_if(all.begin(), all.end(), torn), all.end());
    return all;
}

std::string format_holders(const std::vector<BlockOwner>& holders) {
    std::string out;
    for (const auto& h : holders) out += format_owner(h);
    return out;
}

std::string new_owner_token() {
    unsigned char bytes[16];
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) sys::throw_errno("getrandom");
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

bool owner_alive(const BlockOwner& o) {
    const std::string dir = o.root + "/" + o.id;
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0) return errno != ENOENT;
    if (o.token.empty()) return true;  // islet 0.1: the directory is all it had
    std::optional<std::string> text;
    try {
        text = sys::read_file_if_exists(dir + "/state.json");
    } catch (const sys::Error&) {
        return true;
    }
    // No record yet: a create writes its token into the record before it
    // allocates, so this directory's create holds no block.
    if (!text) return false;
    try {
        spec::ContainerRecord r = spec::record_from_json(*text, dir + "/state.json");
        return r.id_block && r.id_block->token == o.token;
    } catch (const sys::Error&) {
        return true;
    }
}

IdPool::IdPool(const spec::IsletConfig& config) : config_(config) {}

IdBlock IdPool::block(std::uint64_t index) const {
    IdBlock b;
    b.index = index;
    b.start = static_cast<std::uint32_t>(config_.pool_start + index * config_.block_size);
    b.size = static_cast<std::uint32_t>(config_.block_size);
    b.gid_start =
        static_cast<std::uint32_t>(config_.gid_pool_start.value_or(config_.pool_start) + index * config_.block_size);
    return b;
}

std::vector<std::uint64_t> IdPool::in_use() const { return blocks_in(config_.registry); }

IdBlock IdPool::allocate(const BlockOwner& owner) {
    Lock lock(config_.registry);
    const std::uint64_t n = blocks();
    // Start after the last block handed out: O(1) while the pool has room.
    std::uint64_t hint = 0;
    if (auto t = sys::read_file_if_exists(config_.registry + "/.next"))
        if (auto v = sys::parse_uint(sys::trim(*t))) hint = *v % n;
    const std::string text = format_owner(owner);
    for (int pass = 0; pass < 2; ++pass) {
        for (std::uint64_t k = 0; k < n; ++k) {
            const std::uint64_t i = (hint + k) % n;
            const std::string path = entry(config_.registry, i);
            int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0) {
                if (errno == EEXIST) continue;
                sys::throw_errno("record an ID block in", config_.registry);
            }
            sys::UniqueFd f(fd);
            try {
                sys::write_all(f.get(), text, path);
                if (::fsync(f.get()) < 0) sys::throw_errno("fsync", path);
            } catch (...) {
                // A block without its owner would be lost for good: the file
                // is ours (O_EXCL, under the lock), so it goes.
                ::unlink(path.c_str());
                throw;
            }
            try {
                // 0600: an unprivileged owner (rootless islet's registry) must
                // be able to open it again.
                const std::string next = config_.registry + "/.next";
                sys::UniqueFd hint_fd = sys::open_path(next, O_WRONLY | O_CREAT | O_TRUNC, 0600);
                sys::write_all(hint_fd.get(), std::to_string(i + 1), next);
            } catch (const sys::Error& e) {
                log::debug("ID pool: the next-block hint was not saved: " + e.message());
            }
            return block(i);
        }
        // Full: free blocks whose owner is gone, then retry once.
        bool reclaimed = false;
        for (std::uint64_t i : in_use()) {
            if (any_alive(read_holders(entry(config_.registry, i)))) continue;
            reclaimed |= ::unlink(entry(config_.registry, i).c_str()) == 0;
        }
        if (!reclaimed) break;
    }
    throw sys::Error("isolated user namespaces: the ID pool is exhausted: all " + std::to_string(n) + " blocks of " +
                     std::to_string(config_.block_size) + " IDs from " + std::to_string(config_.pool_start) +
                     " are in use (pool set in " + config_.source + ")");
}

std::vector<Allocation> IdPool::list() {
    std::vector<Allocation> out;
    for (std::uint64_t i : in_use()) {
        Allocation a;
        a.block = block(i);
        // One read: the owner and the holders from the same text.
        if (auto text = sys::read_file_if_exists(entry(config_.registry, i))) {
            a.owner = parse_owner(*text);
            a.holders = parse_holders(*text);
        }
        for (const auto& h : a.holders) {
            a.holder_alive.push_back(owner_alive(h));
            a.alive = a.alive || a.holder_alive.back();
        }
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<Allocation> IdPool::gc() {
    struct stat st {};
    if (::stat(config_.registry.c_str(), &st) < 0) return {};
    Lock lock(config_.registry);
    std::vector<Allocation> freed;
    for (auto& a : list()) {
        if (a.alive) {
            // A pod's block: holders that are gone go, the live ones stay.
            std::vector<BlockOwner> live;
            for (size_t k = 0; k < a.holders.size(); ++k)
                if (a.holder_alive[k]) live.push_back(a.holders[k]);
            if (live.size() != a.holders.size()) write_holders(config_.registry, a.block.index, live);
            continue;
        }
        const std::string path = entry(config_.registry, a.block.index);
        if (::unlink(path.c_str()) < 0 && errno != ENOENT) sys::throw_errno("free ID block", path);
        freed.push_back(std::move(a));
    }
    return freed;
}

void release_block(const std::string& registry, std::optional<std::uint64_t> index, const std::string& token) {
    struct stat st {};
    if (::stat(registry.c_str(), &st) < 0) return;  // nothing was ever allocated there
    Lock lock(registry);
    if (index) return release_locked(registry, *index, token);
    for (std::uint64_t i : blocks_in(registry)) release_locked(registry, i, token);
}

void join_block(const std::string& registry, std::uint64_t index, const std::string& by, const BlockOwner& holder) {
    Lock lock(registry);
    const std::string path = entry(registry, index);
    std::vector<BlockOwner> holders = read_holders(path);
    if (std::none_of(holders.begin(), holders.end(), [&](const BlockOwner& h) { return h.token == by; }))
        throw sys::Error("isolated user namespaces: ID block " + path +
                         " is no longer held by the container whose namespaces this one joins");
    holders.push_back(holder);
    write_holders(registry, index, holders);
}

std::vector<std::pair<std::uint64_t, std::vector<BlockOwner>>> registry_holders(const std::string& registry) {
    std::vector<std::pair<std::uint64_t, std::vector<BlockOwner>>> out;
    for (std::uint64_t i : blocks_in(registry)) out.emplace_back(i, read_holders(entry(registry, i)));
    return out;
}

void release_owned_by(const std::string& registry, const std::string& root, const std::string& id) {
    struct stat st {};
    if (::stat(registry.c_str(), &st) < 0) return;
    Lock lock(registry);
    for (std::uint64_t i : blocks_in(registry)) {
        for (const auto& h : read_holders(entry(registry, i)))
            if (h.root == root && h.id == id) release_locked(registry, i, h.token);
    }
}

}  // namespace islet::runtime::isolation
