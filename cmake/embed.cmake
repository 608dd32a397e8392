# Turns the binary IN into a C++ header OUT holding its bytes
# (islet embeds the exec stub; docs/ARCHITECTURE.md "The exec stub").
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}.tmp" "// Generated from the exec stub by cmake/embed.cmake. Do not edit.\n#pragma once\n#include <cstddef>\nnamespace islet::blob {\ninline constexpr unsigned char exec_stub[] = {${body}};\ninline constexpr std::size_t exec_stub_size = ${size};\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
