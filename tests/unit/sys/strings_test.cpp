// sys/strings: the small helpers every layer uses.
#include "sys/strings.hpp"

#include <gtest/gtest.h>

using namespace islet::sys;

TEST(Strings, CleanPathAbsolute) {
    EXPECT_EQ(clean_path("/"), "/");
    EXPECT_EQ(clean_path("/a/../../b//c/."), "/b/c");
    EXPECT_EQ(clean_path("/.."), "/");
    EXPECT_EQ(clean_path("/../../a"), "/a");
    EXPECT_EQ(clean_path("//a///b/"), "/a/b");
    EXPECT_EQ(clean_path("/a/./b/./"), "/a/b");
    EXPECT_EQ(clean_path("/a/b/../.."), "/");
    EXPECT_EQ(clean_path("/a/b/c/../../d"), "/a/d");
    EXPECT_EQ(clean_path("/..a/b.."), "/..a/b..");  // dots inside names are names
}

TEST(Strings, CleanPathRelative) {
    // Go's filepath.Clean.
    EXPECT_EQ(clean_path(""), ".");
    EXPECT_EQ(clean_path("."), ".");
    EXPECT_EQ(clean_path("./"), ".");
    EXPECT_EQ(clean_path("a/.."), ".");
    EXPECT_EQ(clean_path("a/../.."), "..");
    EXPECT_EQ(clean_path("../a"), "../a");
    EXPECT_EQ(clean_path("../../a/../b"), "../../b");
    EXPECT_EQ(clean_path("a//b/./c/"), "a/b/c");
    EXPECT_EQ(clean_path("a/b/../../../c"), "../c");
}

TEST(Strings, ParseIntIsStrict) {
    EXPECT_EQ(parse_int("0"), 0);
    EXPECT_EQ(parse_int("-5"), -5);
    EXPECT_EQ(parse_int("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(parse_int("-9223372036854775808"), INT64_MIN);
    for (const char* s : {"", " 1", "1 ", "12a", "+1", "0x10", "1.0", "9223372036854775808", "-", "1e3", "--1"})
        EXPECT_EQ(parse_int(s), std::nullopt) << "'" << s << "'";
}

TEST(Strings, ParseUintIsStrict) {
    EXPECT_EQ(parse_uint("0"), 0u);
    EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
    for (const char* s : {"", "-1", "-0", "+1", " 1", "1 ", "18446744073709551616", "1a", "0x1"})
        EXPECT_EQ(parse_uint(s), std::nullopt) << "'" << s << "'";
}

TEST(Strings, SplitKeepsEmptyFields) {
    EXPECT_EQ(split("a,b,c", ','), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(split(",a,", ','), (std::vector<std::string>{"", "a", ""}));
    EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
    EXPECT_EQ(split("abc", ','), (std::vector<std::string>{"abc"}));
}

TEST(Strings, JoinIsSplitsInverse) {
    EXPECT_EQ(join({}, ","), "");
    EXPECT_EQ(join({"a"}, ", "), "a");
    EXPECT_EQ(join({"a", "", "b"}, ","), "a,,b");
    for (std::string s : {"a,b", ",,", "", "x"}) EXPECT_EQ(join(split(s, ','), ","), s);
}

TEST(Strings, TrimAndAffixes) {
    EXPECT_EQ(trim(" \t\r\n a b \n"), "a b");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \n "), "");
    EXPECT_TRUE(starts_with("abc", "ab"));
    EXPECT_TRUE(starts_with("abc", ""));
    EXPECT_FALSE(starts_with("ab", "abc"));
    EXPECT_TRUE(ends_with("abc", "bc"));
    EXPECT_FALSE(ends_with("c", "bc"));
    EXPECT_TRUE(has_nul(std::string_view("a\0b", 3)));
    EXPECT_FALSE(has_nul("ab"));
}

TEST(Strings, IdFileEntry) {
    const std::string text =
        "root:x:0:0:root:/root:/bin/bash\n\nbad line\nx:y:notanumber\nalice:x:1000:1000::/home/a:/bin/sh\n";
    auto e = islet::sys::id_file_entry(text, 1000);
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)[0], "alice");
    EXPECT_EQ((*e)[5], "/home/a");
    EXPECT_EQ((*islet::sys::id_file_entry(text, 0))[0], "root");
    EXPECT_FALSE(islet::sys::id_file_entry(text, 42));
    EXPECT_FALSE(islet::sys::id_file_entry("", 0));
}
