// runtime/ns/loopback: the rtnetlink request that raises `lo`.
#include "runtime/ns/loopback.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>

using namespace islet::runtime;

TEST(Loopback, RequestSetsOnlyIffUpOnTheIndex) {
    const auto bytes = ns::link_up_request(ns::kLoopbackIndex, 7);
    ASSERT_EQ(bytes.size(), NLMSG_LENGTH(sizeof(ifinfomsg)));
    nlmsghdr h;
    std::memcpy(&h, bytes.data(), sizeof h);
    EXPECT_EQ(h.nlmsg_len, bytes.size());
    EXPECT_EQ(h.nlmsg_type, RTM_NEWLINK);
    EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);  // no CREATE/REPLACE: an existing link
    EXPECT_EQ(h.nlmsg_seq, 7u);
    ifinfomsg i;
    std::memcpy(&i, bytes.data() + NLMSG_HDRLEN, sizeof i);
    EXPECT_EQ(i.ifi_family, AF_UNSPEC);
    EXPECT_EQ(i.ifi_index, 1);
    EXPECT_EQ(i.ifi_flags, static_cast<unsigned>(IFF_UP));
    EXPECT_EQ(i.ifi_change, static_cast<unsigned>(IFF_UP));  // other flags untouched
}
