// sys/proc: parsing /proc/<pid>/stat.
#include "sys/proc.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

using islet::sys::parse_proc_stat;

namespace {

// A stat line with the given command name; fields 4.. are distinct numbers,
// field 22 (starttime) is 987654321.
std::string stat_line(const std::string& comm, char state = 'S') {
    return "4242 (" + comm + ") " + state +
           " 17 4242 4242 0 -1 4194560 1000 0 0 0 5 6 0 0 20 0 1 0 987654321 12345678 500 "
           "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}

}  // namespace

TEST(ProcStat, Plain) {
    auto st = parse_proc_stat(stat_line("sleep"));
    ASSERT_TRUE(st);
    EXPECT_EQ(st->state, 'S');
    EXPECT_EQ(st->ppid, 17);
    EXPECT_EQ(st->start_time, 987654321u);
}

TEST(ProcStat, CommandWithSpacesAndParentheses) {
    for (const char* comm :
         {"my cmd", "a) S 99 (b", "((x))", ") R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 (", "", " ", "x)"}) {
        auto st = parse_proc_stat(stat_line(comm, 'Z'));
        ASSERT_TRUE(st) << comm;
        EXPECT_EQ(st->state, 'Z') << comm;
        EXPECT_EQ(st->ppid, 17) << comm;
        EXPECT_EQ(st->start_time, 987654321u) << comm;
    }
}

TEST(ProcStat, Malformed) {
    EXPECT_FALSE(parse_proc_stat(""));
    EXPECT_FALSE(parse_proc_stat("4242 sleep S 1 2 3"));       // no parentheses
    EXPECT_FALSE(parse_proc_stat("4242 (sleep) S 17 1 2 3"));  // too few fields
    EXPECT_FALSE(parse_proc_stat("4242 (sleep) SS 17 4242 4242 0 -1 4 1 0 0 0 5 6 0 0 20 0 1 0 9 1"));
    EXPECT_FALSE(parse_proc_stat("4242 (sleep) S x 4242 4242 0 -1 4 1 0 0 0 5 6 0 0 20 0 1 0 9 1"));
    EXPECT_FALSE(parse_proc_stat("4242 (sleep) S 17 4242 4242 0 -1 4 1 0 0 0 5 6 0 0 20 0 1 0 -9 1"));
}

TEST(ProcStat, ThisProcess) {
    auto st = islet::sys::read_proc_stat(::getpid());
    ASSERT_TRUE(st);
    EXPECT_EQ(st->ppid, ::getppid());
    EXPECT_EQ(st->state, 'R');
    EXPECT_TRUE(islet::sys::process_alive(::getpid(), st->start_time));
    EXPECT_FALSE(islet::sys::process_alive(::getpid(), st->start_time + 1));  // a reused pid
    EXPECT_FALSE(islet::sys::read_proc_stat(0));
    EXPECT_FALSE(islet::sys::read_proc_stat(-1));
}
