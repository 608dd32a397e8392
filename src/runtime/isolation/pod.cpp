// Applies: linux.namespaces[].path of an isolated pod's namespaces
#include "runtime/isolation/pod.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>

#include "runtime/isolation/id_pool.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/ns/namespaces.hpp"
#include "spec/record.hpp"
#include "sys/error.hpp"
#include "sys/proc.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::isolation {

std::vector<spec::IdMapping> parse_id_map(const std::string& text) {
    std::vector<spec::IdMapping> out;
    for (const auto& line : sys::split(text, '\n')) {
        std::vector<std::string> f;
        for (auto& w : sys::split(line, ' '))
            if (!w.empty()) f.push_back(w);
        if (f.size() != 3) continue;
        auto c = sys::parse_uint(f[0]), h = sys::parse_uint(f[1]), n = sys::parse_uint(f[2]);
        if (c && h && n)
            out.push_back(spec::IdMapping{static_cast<std::uint32_t>(*c), static_cast<std::uint32_t>(*h),
                                          static_cast<std::uint32_t>(*n)});
    }
    return out;
}

namespace host {
namespace {

struct NsId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const NsId& o) const { return dev == o.dev && ino == o.ino; }
};

NsId id_of(int fd, const std::string& what) {
    struct stat st = sys::fstat_fd(fd, what);
    return {st.st_dev, st.st_ino};
}

// A user namespace the config's namespaces belong to (not the runtime's own).
struct Candidate {
    sys::UniqueFd userns;
    NsId id;
    std::string path;  // the joined namespace it owns, for errors
};

std::vector<Candidate> candidates(const spec::Linux& l) {
    sys::UniqueFd self = sys::open_path("/proc/self/ns/user", O_RDONLY);
    const NsId own = id_of(self.get(), "/proc/self/ns/user");
    std::vector<Candidate> out;
    for (const auto& n : l.namespaces) {
        if (n.path.empty()) continue;
        sys::UniqueFd fd = ns::open_namespace(n.path, n.type);
        sys::UniqueFd user;
        if (n.type == "user") {
            user = std::move(fd);
        } else {
            user.reset(::ioctl(fd.get(), NS_GET_USERNS));
            // EPERM: owned by a user namespace above ours (rootless): not a pod of ours.
            if (!user && errno == EPERM) continue;
            if (!user) sys::throw_errno("ioctl NS_GET_USERNS", n.path);
        }
        const NsId id = id_of(user.get(), n.path);
        if (id == own || std::any_of(out.begin(), out.end(), [&](const Candidate& c) { return c.id == id; })) continue;
        out.push_back({std::move(user), id, n.path});
    }
    return out;
}

// The holder's live init when its user namespace is `c`'s: the pod's data.
std::optional<Pod> match(const Candidate& c, const std::string& registry, std::uint64_t index, const BlockOwner& h) {
    const std::string dir = h.root + "/" + h.id;
    std::optional<std::string> text;
    try {
        text = sys::read_file_if_exists(dir + "/state.json");
    } catch (const sys::Error&) {
        return std::nullopt;
    }
    if (!text) return std::nullopt;
    spec::ContainerRecord r;
    try {
        r = spec::record_from_json(*text, dir + "/state.json");
    } catch (const sys::Error&) {
        return std::nullopt;
    }
    if (!r.id_block || r.id_block->token != h.token || r.pid <= 0 || !sys::process_alive(r.pid, r.start_time))
        return std::nullopt;
    const std::string proc = "/proc/" + std::to_string(r.pid);
    struct stat st {};
    if (::stat((proc + "/ns/user").c_str(), &st) < 0 || !(NsId{st.st_dev, st.st_ino} == c.id)) return std::nullopt;
    Pod pod;
    pod.member.sandbox = h.id;
    pod.member.user_path = proc + "/ns/user";
    auto mode = r.isolation.find(kModeAnnotation);
    pod.member.mode = mode == r.isolation.end() ? mode_name(Mode::ranges) : mode->second;
    auto uids = sys::read_file_if_exists(proc + "/uid_map");
    auto gids = sys::read_file_if_exists(proc + "/gid_map");
    // Read after the namespace: a pid reused meanwhile fails this check.
    if (!uids || !gids || !sys::process_alive(r.pid, r.start_time)) return std::nullopt;
    pod.member.uid_mappings = parse_id_map(*uids);
    pod.member.gid_mappings = parse_id_map(*gids);
    pod.block = spec::IdBlockRecord{registry, h.token, index};
    return pod;
}

}  // namespace

std::optional<Pod> find_pod(const spec::Linux& l, const std::function<std::vector<std::string>()>& registries) {
    std::vector<Candidate> found = candidates(l);
    if (found.empty()) return std::nullopt;
    std::optional<Pod> pod;
    const Candidate* pod_ns = nullptr;
    // Each holder of each block, until every candidate is placed (one
    // candidate, the usual pod, ends the scan at its first match).
    auto scan = [&] {
        for (const auto& registry : registries())
            for (auto& [index, holders] : registry_holders(registry))
                for (const auto& h : holders)
                    for (auto& c : found) {
                        if (pod_ns == &c) continue;
                        auto p = match(c, registry, index, h);
                        if (!p) continue;
                        if (pod)
                            throw sys::Error(
                                "isolated user namespaces: the config joins namespaces of two isolated "
                                "containers, " +
                                pod->member.sandbox + " (" + pod_ns->path + ") and " + p->member.sandbox + " (" +
                                c.path + "); a container can be in one pod only");
                        pod = std::move(p);
                        pod_ns = &c;
                        if (found.size() == 1) return;
                    }
    };
    scan();
    if (!pod) return std::nullopt;
    for (const auto& c : found)
        if (&c != pod_ns)
            throw sys::Error("isolated user namespaces: the config joins " + pod_ns->path + " of the isolated pod of " +
                             pod->member.sandbox + " and " + c.path +
                             ", which belongs to another user namespace; a pod's member joins the pod's namespaces "
                             "only");
    pod->userns = sys::UniqueFd(::fcntl(pod_ns->userns.get(), F_DUPFD_CLOEXEC, 3));
    if (!pod->userns) sys::throw_errno("dup the pod's user namespace");
    return pod;
}

}  // namespace host
}  // namespace islet::runtime::isolation
