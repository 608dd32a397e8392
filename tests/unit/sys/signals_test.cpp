// sys/signals: the names and numbers `kill` accepts, as runc.
#include "sys/signals.hpp"

#include <gtest/gtest.h>

#include <csignal>

using islet::sys::parse_signal;
using islet::sys::signal_name;

TEST(Signals, EveryNumberFrom1To64) {
    for (int n = 1; n <= 64; ++n) EXPECT_EQ(parse_signal(std::to_string(n)), n) << n;
}

TEST(Signals, ZeroProbesExistence) {
    // runc passes 0 to kill(2), which only checks the process exists.
    EXPECT_EQ(parse_signal("0"), 0);
}

TEST(Signals, NumbersOutOfRange) {
    for (const char* s : {"-9", "-1", "65", "100", "99999999999999999999", "+9", "9 ", " 9", "9x", "0x9", ""})
        EXPECT_EQ(parse_signal(s), std::nullopt) << "'" << s << "'";
}

TEST(Signals, NamesWithAndWithoutPrefixAnyCase) {
    EXPECT_EQ(parse_signal("KILL"), SIGKILL);
    EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
    EXPECT_EQ(parse_signal("kill"), SIGKILL);
    EXPECT_EQ(parse_signal("sigkill"), SIGKILL);
    EXPECT_EQ(parse_signal("SigTerm"), SIGTERM);
    EXPECT_EQ(parse_signal("term"), SIGTERM);
    EXPECT_EQ(parse_signal("HUP"), SIGHUP);
    EXPECT_EQ(parse_signal("SIGUSR1"), SIGUSR1);
    EXPECT_EQ(parse_signal("usr2"), SIGUSR2);
    EXPECT_EQ(parse_signal("WINCH"), SIGWINCH);
    EXPECT_EQ(parse_signal("SIGSTOP"), SIGSTOP);
    EXPECT_EQ(parse_signal("CONT"), SIGCONT);
    // Aliases.
    EXPECT_EQ(parse_signal("CLD"), SIGCHLD);
    EXPECT_EQ(parse_signal("IOT"), SIGABRT);
    EXPECT_EQ(parse_signal("POLL"), SIGIO);
}

TEST(Signals, RealTimeRange) {
    // The kernel's numbering (SIGRTMIN = 32), as Go names them.
    EXPECT_EQ(parse_signal("RTMIN"), 32);
    EXPECT_EQ(parse_signal("SIGRTMIN"), 32);
    EXPECT_EQ(parse_signal("SIGRTMIN+3"), 35);
    EXPECT_EQ(parse_signal("sigrtmin+3"), 35);
    EXPECT_EQ(parse_signal("RTMIN+32"), 64);
    EXPECT_EQ(parse_signal("RTMAX"), 64);
    EXPECT_EQ(parse_signal("RTMAX-1"), 63);
    EXPECT_EQ(parse_signal("SIGRTMAX-32"), 32);
    EXPECT_EQ(parse_signal("RTMIN+33"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMAX-33"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMIN-1"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMAX+1"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMIN+"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMIN+-1"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMIN+x"), std::nullopt);
    EXPECT_EQ(parse_signal("RTMINX"), std::nullopt);
}

TEST(Signals, UnknownNames) {
    for (const char* s : {"FOO", "SIGFOO", "SIG", "SIGSIGKILL", "KILLX", "SIG KILL", "K ILL"})
        EXPECT_EQ(parse_signal(s), std::nullopt) << s;
}

TEST(Signals, Names) {
    EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
    EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
    EXPECT_EQ(signal_name(SIGCHLD), "SIGCHLD");  // not the CLD alias
    EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");  // not IOT
    EXPECT_EQ(signal_name(SIGIO), "SIGIO");      // not POLL
    EXPECT_EQ(signal_name(32), "SIGRTMIN+0");
    EXPECT_EQ(signal_name(35), "SIGRTMIN+3");
    EXPECT_EQ(signal_name(64), "SIGRTMIN+32");
    EXPECT_EQ(signal_name(0), "signal 0");
    EXPECT_EQ(signal_name(65), "signal 65");
    // Every signal 1..64 has a name, and names round-trip through the parser.
    for (int n = 1; n <= 64; ++n) {
        std::string name = signal_name(n);
        EXPECT_EQ(name.rfind("SIG", 0), 0u) << n << ": " << name;
        EXPECT_EQ(parse_signal(name), n) << name;
    }
}
