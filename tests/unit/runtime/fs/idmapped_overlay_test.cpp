// runtime/fs/idmapped_overlay: an overlay's mountinfo super options -> its
// layers and the options to create it again with.
#include <gtest/gtest.h>

#include "runtime/fs/idmapped_overlay.hpp"
#include "sys/error.hpp"

using islet::runtime::host::parse_overlay_options;

TEST(OverlayOptions, PodmanStyleMount) {
    auto o = parse_overlay_options(
        "rw,lowerdir=/var/lib/containers/storage/overlay/l/ABC:/var/lib/containers/storage/overlay/l/DEF,"
        "upperdir=/var/lib/containers/storage/overlay/123/diff,workdir=/var/lib/containers/storage/overlay/123/work,"
        "redirect_dir=on,uuid=on,metacopy=on,userxattr");
    EXPECT_EQ(o.lower, (std::vector<std::string>{"/var/lib/containers/storage/overlay/l/ABC",
                                                 "/var/lib/containers/storage/overlay/l/DEF"}));
    EXPECT_EQ(o.upper, "/var/lib/containers/storage/overlay/123/diff");
    EXPECT_EQ(o.work, "/var/lib/containers/storage/overlay/123/work");
    EXPECT_EQ(o.options, (std::vector<std::string>{"redirect_dir=on", "uuid=on", "metacopy=on", "userxattr"}));
    EXPECT_FALSE(o.read_only);
}

TEST(OverlayOptions, EscapesAndLowerdirPlus) {
    // \054 is a comma, \040 a space (seq_escape); "\:" a colon inside a path.
    auto o = parse_overlay_options("ro,lowerdir+=/a\\054b,lowerdir+=/c\\040d,lowerdir=/e\\:f:/g\\072h");
    EXPECT_EQ(o.lower, (std::vector<std::string>{"/a,b", "/c d", "/e:f", "/g:h"}));
    EXPECT_TRUE(o.upper.empty());
    EXPECT_TRUE(o.work.empty());
    EXPECT_TRUE(o.read_only);
    EXPECT_TRUE(o.options.empty());
}

TEST(OverlayOptions, WhatCannotBeRebuilt) {
    auto error_of = [](const std::string& opts) {
        try {
            parse_overlay_options(opts);
        } catch (const islet::sys::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of("rw,lowerdir=l/ABC,upperdir=/u,workdir=/w").find("'l/ABC' relative"), std::string::npos);
    EXPECT_NE(error_of("rw,lowerdir=/a,upperdir=diff,workdir=/w").find("upperdir 'diff'"), std::string::npos);
    EXPECT_NE(error_of("rw,lowerdir=/a::/data").find("data-only"), std::string::npos);
    EXPECT_NE(error_of("rw,lowerdir+=/a,datadir+=/d").find("data-only"), std::string::npos);
    EXPECT_NE(error_of("rw,upperdir=/u,workdir=/w").find("no lowerdir"), std::string::npos);
    EXPECT_NE(error_of("rw,lowerdir=/a,upperdir=/u").find("without a workdir"), std::string::npos);
}
