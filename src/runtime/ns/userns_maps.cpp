// Applies: linux.uidMappings, linux.gidMappings
#include "runtime/ns/userns_maps.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {

std::string format_id_map(const std::vector<spec::IdMapping>& maps) {
    std::string out;
    for (auto& m : maps)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
    return out;
}

void write_id_maps(pid_t pid, const std::vector<spec::IdMapping>& uids, const std::vector<spec::IdMapping>& gids) {
    const std::string base = "/proc/" + std::to_string(pid) + "/";
    auto write_map = [&](const char* name, const std::vector<spec::IdMapping>& maps) {
        if (maps.empty()) return;
        std::string text = format_id_map(maps);
        sys::UniqueFd f = sys::open_path(base + name, O_WRONLY);
        // The kernel takes the whole map in one write, or nothing.
        if (::write(f.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            sys::throw_errno("failed to update", base + name);
    };
    write_map("uid_map", uids);
    write_map("gid_map", gids);
}

}  // namespace islet::runtime::host
