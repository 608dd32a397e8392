// runtime/container/state_store validate_container_id: runc's rules plus a length cap.
#include <gtest/gtest.h>

#include <string>

#include "runtime/container/state_store.hpp"
#include "test_util.hpp"

using islet::runtime::validate_container_id;
using islet::test::error_of;

TEST(ContainerId, Accepted) {
    for (const char* id : {"a", "abc", "A-Z_0.9+x", "c1", "my.container", "-leading-dash", "_", "+", "...",
                           ".hidden", "..a", "a..b", "a.", "0123456789"}) {
        EXPECT_NO_THROW(validate_container_id(id)) << id;
    }
}

TEST(ContainerId, RejectedCharset) {
    for (const char* id : {"a b", "a/b", "../x", "a\\b", "a:b", "a,b", "a;b", "a@b", "a*b", "é", "a\tb", "a$b"}) {
        EXPECT_EQ(error_of([&] { validate_container_id(id); }), "invalid container ID format") << id;
    }
    EXPECT_EQ(error_of([] { validate_container_id("a\nb"); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id("abc\n"); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(std::string("a\0b", 3)); }), "invalid container ID format");
}

TEST(ContainerId, DotAndDotDot) {
    EXPECT_EQ(error_of([] { validate_container_id("."); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(".."); }), "invalid container ID format");
}

TEST(ContainerId, Empty) {
    EXPECT_EQ(error_of([] { validate_container_id(""); }), "container id cannot be empty");
}

TEST(ContainerId, LengthCapIsNameMax) {
    EXPECT_NO_THROW(validate_container_id(std::string(255, 'a')));
    EXPECT_EQ(error_of([] { validate_container_id(std::string(256, 'a')); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(std::string(4096, 'b')); }), "invalid container ID format");
}
