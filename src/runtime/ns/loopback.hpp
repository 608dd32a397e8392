// The loopback interface of a new network namespace. Init side (the request
// itself is pure and unit-tested).
//
// Applies: linux.namespaces[type=network] (a new one, without a path)
//
// A new network namespace starts with `lo` down, so 127.0.0.1 is unreachable
// until someone brings it up. runc adds a "loopback" network to every new
// network namespace and raises it in its init; podman (`--network none`),
// ctr (no CNI) and plain bundles rely on that. islet does the same over
// rtnetlink (no `ip` binary in the image is needed), from the init, which
// holds CAP_NET_ADMIN over a namespace its own user namespace owns. A joined
// namespace (a path) belongs to whoever made it and is left alone.
#pragma once

#include <cstdint>
#include <vector>

namespace islet::runtime {

namespace ns {
// The kernel registers `lo` first in every network namespace, so it always
// has this index (include/net/net_namespace.h, LOOPBACK_IFINDEX).
constexpr int kLoopbackIndex = 1;

// Pure: an RTM_NEWLINK request (with NLM_F_ACK) that sets IFF_UP on the
// interface `index`, as the bytes to send on a NETLINK_ROUTE socket.
std::vector<std::uint8_t> link_up_request(int index, std::uint32_t seq);
}  // namespace ns

namespace init {
// Brings `lo` up in the init's (new) network namespace; throws sys::Error
// with the kernel's answer ("bring up the loopback interface: ...").
void bring_up_loopback();
}  // namespace init

}  // namespace islet::runtime
