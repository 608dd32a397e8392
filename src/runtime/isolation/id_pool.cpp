#include "runtime/isolation/id_pool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::isolation {

std::string IdBlock::text() const {
    return std::to_string(start) + "-" + std::to_string(static_cast<std::uint64_t>(start) + size - 1);
}

// The registry's flock, held for the whole allocate/release.
class IdPool::Lock {
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

IdPool::IdPool(const spec::IsletConfig& config) : config_(config) {}

std::string IdPool::entry(std::uint64_t index) const { return config_.registry + "/block-" + std::to_string(index); }

IdBlock IdPool::block(std::uint64_t index) const {
    IdBlock b;
    b.index = index;
    b.start = static_cast<std::uint32_t>(config_.pool_start + index * config_.block_size);
    b.size = static_cast<std::uint32_t>(config_.block_size);
    return b;
}

IdBlock IdPool::allocate(const std::string& root, const std::string& id) {
    Lock lock(config_.registry);
    const std::uint64_t n = blocks();
    // Start after the last block handed out: O(1) while the pool has room.
    std::uint64_t hint = 0;
    if (auto t = sys::read_file_if_exists(config_.registry + "/.next"))
        if (auto v = sys::parse_uint(sys::trim(*t))) hint = *v % n;
    const std::string owner = "root=" + root + "\nid=" + id + "\npid=" + std::to_string(::getpid()) + "\n";
    for (int pass = 0; pass < 2; ++pass) {
        for (std::uint64_t k = 0; k < n; ++k) {
            std::uint64_t i = (hint + k) % n;
            int fd = ::open(entry(i).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0) {
                if (errno == EEXIST) continue;
                sys::throw_errno("record an ID block in", config_.registry);
            }
            sys::UniqueFd f(fd);
            sys::write_all(f.get(), owner, entry(i));
            if (::fsync(f.get()) < 0) sys::throw_errno("fsync", entry(i));
            sys::write_file(config_.registry + "/.next", std::to_string(i + 1), O_WRONLY | O_CREAT | O_TRUNC);
            return block(i);
        }
        // Full: reclaim blocks whose owner's state directory is gone (a
        // create killed before it could record the block), then retry once.
        bool reclaimed = false;
        for (std::uint64_t i : in_use()) {
            auto text = sys::read_file_if_exists(entry(i));
            if (!text) continue;
            std::string oroot, oid;
            for (auto& line : sys::split(*text, '\n')) {
                if (sys::starts_with(line, "root=")) oroot = line.substr(5);
                if (sys::starts_with(line, "id=")) oid = line.substr(3);
            }
            if (oroot.empty() || oid.empty()) continue;
            struct stat st {};
            const std::string owner_dir = oroot.append("/").append(oid);  // the owner's state directory
            if (::stat(owner_dir.c_str(), &st) < 0 && errno == ENOENT) {
                ::unlink(entry(i).c_str());
                reclaimed = true;
            }
        }
        if (!reclaimed) break;
    }
    throw sys::Error("isolated user namespaces: the ID pool is exhausted: all " + std::to_string(n) + " blocks of " +
                     std::to_string(config_.block_size) + " IDs from " + std::to_string(config_.pool_start) +
                     " are in use (pool set in " + config_.source + ")");
}

void IdPool::release(std::uint64_t index) {
    Lock lock(config_.registry);
    if (::unlink(entry(index).c_str()) < 0 && errno != ENOENT) sys::throw_errno("free ID block", entry(index));
}

void IdPool::release_owned_by(const std::string& root, const std::string& id) {
    struct stat st {};
    if (::stat(config_.registry.c_str(), &st) < 0) return;
    Lock lock(config_.registry);
    const std::string want = "root=" + root + "\nid=" + id + "\n";
    for (std::uint64_t i : in_use()) {
        auto text = sys::read_file_if_exists(entry(i));
        if (text && sys::starts_with(*text, want)) ::unlink(entry(i).c_str());
    }
}

std::vector<std::uint64_t> IdPool::in_use() {
    std::vector<std::uint64_t> out;
    for (auto& e : sys::try_list_dir(config_.registry).value_or(std::vector<sys::DirEntry>{})) {
        if (!sys::starts_with(e.name, "block-")) continue;
        if (auto v = sys::parse_uint(e.name.substr(6))) out.push_back(*v);
    }
    return out;
}

}  // namespace islet::runtime::isolation
