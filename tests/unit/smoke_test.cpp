#include <gtest/gtest.h>

#include "sys/strings.hpp"

TEST(Strings, CleanPath) { EXPECT_EQ(islet::sys::clean_path("/a/../../b//c/."), "/b/c"); }
