// spec/json_gate: the strict pass in front of every document islet reads.
#include "spec/json_gate.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

using islet::spec::gate_json;
using islet::spec::GateLimits;
using islet::test::error_of;

namespace {

// The gate's message for text, or "" when the gate accepts it.
std::string gate(const std::string& text, const GateLimits& limits = {}) {
    try {
        gate_json(text, "doc", limits);
    } catch (const islet::sys::Error& e) {
        return e.what();
    }
    return {};
}

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST(JsonGate, AcceptsOrdinaryDocuments) {
    EXPECT_EQ(gate("{}"), "");
    EXPECT_EQ(gate(" \n{\"a\": [1, 2.5, -3e2, true, false, null, \"x\"], \"b\": {\"c\": {}}}\n"), "");
    // Non-ASCII UTF-8 and escapes of non-NUL characters are fine.
    EXPECT_EQ(gate("{\"h\\u00e9\": \"caf\xc3\xa9 \\u2603 \xf0\x9f\x90\xb3 \\n\\t\"}"), "");
    // The same key in different objects is no duplicate.
    EXPECT_EQ(gate("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}, \"c\": [{\"x\": 1}, {\"x\": 2}]}"), "");
    // A key of an inner object does not count for the outer one.
    EXPECT_EQ(gate("{\"a\": {\"b\": 1}, \"b\": 2}"), "");
}

TEST(JsonGate, DuplicateKeyNamesKeyLineAndColumn) {
    // The column is the last byte of the refused key (its closing quote).
    EXPECT_EQ(gate("{\"a\":1,\"a\":2}"), "doc: line 1, column 10: duplicate key \"a\"");
    EXPECT_EQ(gate("{\n  \"a\": 1,\n  \"a\": 2\n}"), "doc: line 3, column 5: duplicate key \"a\"");
}

TEST(JsonGate, DuplicateKeyInNestedObjects) {
    EXPECT_EQ(gate("{\"a\":{\"b\":1,\"b\":2}}"), "doc: line 1, column 15: duplicate key \"b\"");
    EXPECT_EQ(gate("{\n\"a\":[1,\n2,\n{\"k\":1,\n\"k\":2}]}"), "doc: line 5, column 3: duplicate key \"k\"");
    // Deep inside arrays of objects.
    EXPECT_NE(gate("{\"l\":{\"ns\":[{\"type\":\"pid\",\"type\":\"user\"}]}}").find("duplicate key \"type\""),
              std::string::npos);
}

TEST(JsonGate, DuplicateKeySpelledWithAnEscape) {
    // "\u0061" is "a": a DOM parser keeps one of them, an engine may keep the other.
    EXPECT_EQ(gate("{\"a\":1,\"\\u0061\":2}"), "doc: line 1, column 15: duplicate key \"a\"");
}

TEST(JsonGate, DepthLimitIs128) {
    EXPECT_EQ(gate(nested_arrays(128)), "");
    EXPECT_EQ(gate(nested_arrays(129)), "doc: line 1, column 129: nesting deeper than 128 levels");
    // Objects count as levels too.
    EXPECT_EQ(gate("{\"a\":" + nested_arrays(127) + "}"), "");
    EXPECT_EQ(gate("{\"a\":" + nested_arrays(128) + "}"), "doc: line 1, column 133: nesting deeper than 128 levels");
    // Depth is nesting, not the number of containers.
    std::string wide = "[";
    for (int i = 0; i < 1000; ++i) wide += (i ? ",[[]]" : "[[]]");
    EXPECT_EQ(gate(wide + "]"), "");
}

TEST(JsonGate, CustomDepthLimit) {
    GateLimits lim;
    lim.max_depth = 2;
    EXPECT_EQ(gate("[[]]", lim), "");
    EXPECT_NE(gate("[[[]]]", lim).find("nesting deeper than 2 levels"), std::string::npos);
}

TEST(JsonGate, SizeLimit) {
    GateLimits lim;
    lim.max_bytes = 10;
    EXPECT_EQ(gate("{\"a\":1234}", lim), "");  // exactly 10 bytes
    EXPECT_EQ(gate("{\"a\":12345}", lim), "doc: document is 11 bytes, larger than the 10-byte limit");
    // The default is 64 MiB: one byte more is refused before parsing.
    std::string big((64u << 20) + 1, ' ');
    EXPECT_EQ(gate(big), "doc: document is 67108865 bytes, larger than the 67108864-byte limit");
}

TEST(JsonGate, InvalidUtf8) {
    EXPECT_EQ(gate("{\"a\":\"x\xff\"}"), "doc: line 1, column 8: lexical error: invalid bytes in UTF8 string.");
    // A truncated two-byte sequence, on line 3.
    EXPECT_NE(gate("{\n\"a\":\n\"x\xc3\"}").find("doc: line 3, "), std::string::npos);
    EXPECT_NE(gate("{\n\"a\":\n\"x\xc3\"}").find("invalid bytes in UTF8 string"), std::string::npos);
    // Overlong encodings and lone continuation bytes in keys.
    EXPECT_NE(gate("{\"\x80\":1}").find("invalid bytes in UTF8"), std::string::npos);
}

TEST(JsonGate, NulEscapeInStringAndKey) {
    EXPECT_EQ(gate("{\"a\":\"x\\u0000y\"}"), "doc: line 1, column 15: string contains a NUL character (\\u0000)");
    EXPECT_EQ(gate("{\"a\\u0000\":1}"), "doc: line 1, column 10: object key contains a NUL character (\\u0000)");
    // In an array element, deep inside.
    EXPECT_NE(gate("{\"process\":{\"args\":[\"sh\",\"-c\\u0000x\"]}}").find("NUL character"), std::string::npos);
}

TEST(JsonGate, RawControlCharacterPointsAtIt) {
    // A raw NUL byte or tab inside a string is not JSON; the column is the byte itself.
    EXPECT_EQ(gate(std::string("{\"a\":\"x\0y\"}", 11)),
              "doc: line 1, column 8: lexical error: invalid character inside string.");
    EXPECT_EQ(gate("{\"a\":\"x\ty\"}"), "doc: line 1, column 8: lexical error: invalid character inside string.");
    EXPECT_EQ(gate("{\n \"a\": \"x\ny\"}"), "doc: line 2, column 9: lexical error: invalid character inside string.");
}

TEST(JsonGate, TrailingGarbage) {
    EXPECT_EQ(gate("{} x"), "doc: line 1, column 4: parse error: trailing garbage");
    EXPECT_EQ(gate("{}\n\n  ]"), "doc: line 3, column 3: parse error: trailing garbage");
    // Two documents are not one.
    EXPECT_EQ(gate("{} {}"), "doc: line 1, column 4: parse error: trailing garbage");
    // Trailing whitespace is fine.
    EXPECT_EQ(gate("{}  \n\t\n"), "");
}

TEST(JsonGate, EmptyDocument) {
    EXPECT_EQ(gate(""), "doc: empty document (expected a JSON object)");
    EXPECT_EQ(gate("  \n\t\r\n"), "doc: empty document (expected a JSON object)");
}

TEST(JsonGate, CommentsAreRefused) {
    EXPECT_EQ(gate("{/*c*/}"),
              "doc: line 1, column 2: lexical error: probable comment found in input text, comments are not enabled.");
    EXPECT_EQ(gate("{\n  // c\n}"),
              "doc: line 2, column 3: lexical error: probable comment found in input text, comments are not enabled.");
    // After the document, a comment is trailing garbage, and the column is the comment's.
    EXPECT_EQ(gate("{\"a\":1} // c"), "doc: line 1, column 9: parse error: trailing garbage");
    EXPECT_EQ(gate("{}\n/* c */"), "doc: line 2, column 1: parse error: trailing garbage");
}

TEST(JsonGate, SyntaxErrorsNameThePlace) {
    EXPECT_EQ(gate("{\"a\":1,}"), "doc: line 1, column 8: parse error: invalid object key (must be a string)");
    EXPECT_EQ(gate("{\"a\" 1}"),
              "doc: line 1, column 6: parse error: object key and value must be separated by a colon (':')");
    EXPECT_NE(gate("[1,2").find("premature EOF"), std::string::npos);
    // A bad escape: the column is the escaped character.
    EXPECT_EQ(
        gate("{\"a\":\"\\q\"}"),
        "doc: line 1, column 8: lexical error: inside a string, '\\' occurs before a character which it may not.");
    // A misspelt literal: the column is the first wrong letter.
    EXPECT_EQ(gate("{\"a\":tru}"), "doc: line 1, column 9: lexical error: invalid string in json text.");
    // A leading zero ends the number: the column is the digit after it.
    EXPECT_EQ(gate("{\"a\":01}"),
              "doc: line 1, column 7: parse error: after key and value, inside map, I expect ',' or '}'");
    EXPECT_EQ(gate("{\"a\":-}"),
              "doc: line 1, column 7: lexical error: malformed number, a digit is required after the minus sign.");
    EXPECT_EQ(gate("[1 2]"), "doc: line 1, column 4: parse error: after array element, I expect ',' or ']'");
}

TEST(JsonGate, WhatNamesTheDocument) {
    EXPECT_EQ(error_of([] { gate_json("{", "/b/config.json"); }).rfind("/b/config.json: ", 0), 0u);
}
