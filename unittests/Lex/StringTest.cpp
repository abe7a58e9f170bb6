// StringTest.cpp — string literals (§2, §13): escapes, interpolation parts
// and format specs, raw and triple-quoted strings; char literals.
#include "LexTestUtil.h"

namespace {

using Str = LexFixture;

TEST_F(Str, PlainAndEmpty) {
  EXPECT_EQ(str_parts(R"("hello")"), (Parts{"lit:hello"}));
  EXPECT_EQ(toks.toks[0].kind, TOK_STR);
  EXPECT_FALSE(toks.toks[0].str.raw);
  EXPECT_FALSE(toks.toks[0].str.triple);
  EXPECT_EQ(str_parts(R"("")"), Parts{}) << "an empty string has no parts";
  EXPECT_EQ(toks.toks[0].str.nparts, 0u);
  EXPECT_EQ(kinds(R"("a" "b")"), "STR STR");
}

TEST_F(Str, Escapes) {
  lex(R"("a\n\t\r\\\"\$\u{41}\u{1F600}")");
  ASSERT_EQ(toks.toks[0].str.nparts, 1u);
  const StrPart &p = toks.toks[0].str.parts[0];
  EXPECT_EQ(std::string(p.text, p.len), "a\n\t\r\\\"$A\xF0\x9F\x98\x80");
  EXPECT_EQ(p.text[p.len], '\0') << "NUL-terminated";
  EXPECT_EQ(p.span.start, 1u);
  lex(R"("x\0y")");
  const StrPart &q = toks.toks[0].str.parts[0];
  EXPECT_EQ(q.len, 3u);
  EXPECT_EQ(std::string(q.text, q.len), std::string("x\0y", 3));
}

TEST_F(Str, UnknownEscape) {
  lex(R"("a\qb")");
  EXPECT_EQ(first_message(),
            "unknown escape sequence '\\q' in string literal (valid: \\n \\t \\r "
            "\\0 \\\\ \\\" \\$ \\u{...})");
  EXPECT_EQ(text(first_span()), "\\q");
  EXPECT_EQ(parts(toks.toks[0]), (Parts{"lit:ab"}));
  lex(R"("\'")");
  EXPECT_EQ(messages().size(), 2u) << "\\' is for char literals only";
}

TEST_F(Str, BadUnicodeEscapes) {
  lex(R"("\u{D800}")");
  EXPECT_EQ(first_message(),
            "invalid escape sequence '\\u{D800}': U+D800 is not a Unicode scalar "
            "value (it must be at most 10FFFF and not in D800-DFFF)");
  EXPECT_EQ(text(first_span()), "\\u{D800}");
  lex(R"("\u{110000}")");
  EXPECT_EQ(messages().size(), 2u);
  lex(R"("\u41")");
  EXPECT_EQ(messages().back(),
            "malformed escape sequence '\\u': write \\u{...} with 1 to 6 hex "
            "digits, as in \\u{1F600}");
  lex(R"("\u{}")");
  lex(R"("\u{1234567}")");
  lex(R"("\u{12")");
  EXPECT_EQ(messages().size(), 6u);
}

TEST_F(Str, Unterminated) {
  lex("$s = \"abc\n$t");
  EXPECT_EQ(first_message(),
            "unterminated string literal; a \"...\" string ends on its line — "
            "use \"\"\"...\"\"\" for text that spans lines");
  EXPECT_EQ(text(first_span()), "\"abc");
  EXPECT_EQ(kinds("$s = \"abc\n$t"), "BIND = STR NL BIND");
  lex("r\"abc");
  EXPECT_EQ(messages().back(),
            "unterminated raw string literal; an r\"...\" string ends on its line");
}

// §2: `$name` takes the longest name; `$` before a digit or a non-name is
// literal.
TEST_F(Str, DollarNameInterpolation) {
  EXPECT_EQ(str_parts(R"("sum=$total!")"),
            (Parts{"lit:sum=", "code:$total", "lit:!"}));
  EXPECT_EQ(str_parts(R"("$p.x")"), (Parts{"code:$p", "lit:.x"}));
  EXPECT_EQ(str_parts(R"("a$")"), (Parts{"lit:a$"}));
  EXPECT_EQ(str_parts(R"("$1")"), (Parts{"lit:$1"}));
  EXPECT_EQ(str_parts(R"("$ $")"), (Parts{"lit:$ $"}));
  EXPECT_EQ(str_parts(R"("$a$b")"), (Parts{"code:$a", "code:$b"}));
  EXPECT_EQ(str_parts(R"("\$a")"), (Parts{"lit:$a"}));
  EXPECT_EQ(str_parts(R"("$_")"), (Parts{"code:$_"}));
  EXPECT_TRUE(messages().empty());
}

TEST_F(Str, PartSpans) {
  lex(R"(x("ab$c${d}e"))");
  const Token &t = toks.toks[2];
  ASSERT_EQ(t.str.nparts, 4u);
  EXPECT_EQ(text(t.str.parts[0].span), "ab");
  EXPECT_EQ(text(t.str.parts[1].span), "$c");
  EXPECT_EQ(text(t.str.parts[1].code), "$c");
  EXPECT_EQ(text(t.str.parts[2].span), "${d}");
  EXPECT_EQ(text(t.str.parts[2].code), "d");
  EXPECT_EQ(text(t.str.parts[3].span), "e");
  EXPECT_EQ(text(t.span), R"("ab$c${d}e")");
}

TEST_F(Str, BraceInterpolationAndSpecs) {
  EXPECT_EQ(str_parts(R"("${$n:>8}")"), (Parts{"code:$n|spec:>8"}));
  EXPECT_EQ(str_parts(R"("${$f:.3} ok")"), (Parts{"code:$f|spec:.3", "lit: ok"}));
  EXPECT_EQ(str_parts(R"("${$p.x}")"), (Parts{"code:$p.x"}));
  EXPECT_EQ(str_parts(R"("${$m["k"]}")"), (Parts{"code:$m[\"k\"]"}));
  EXPECT_EQ(str_parts(R"("${f("}")}")"), (Parts{"code:f(\"}\")"}));
  EXPECT_EQ(str_parts(R"("${f(':')}")"), (Parts{"code:f(':')"}));
  EXPECT_EQ(str_parts(R"("${"a:${$x}"}")"), (Parts{"code:\"a:${$x}\""}));
  // ':' inside brackets is not the spec (Python's rule)
  EXPECT_EQ(str_parts(R"("${ {"a": 1}["a"]:05d }")"),
            (Parts{"code: {\"a\": 1}[\"a\"]|spec:05d "}));
  EXPECT_EQ(str_parts(R"("${$x:}")"), (Parts{"code:$x"})) << "empty spec";
  EXPECT_TRUE(messages().empty());
}

TEST_F(Str, InterpolationCodeLexesWithLexSpan) {
  lex(R"("${$m["k"] + 1:>4}")");
  const StrPart &p = toks.toks[0].str.parts[0];
  TokenList tl = lex_span(s, file, p.code.start, p.code.end);
  std::string k;
  for (size_t i = 0; i < tl.len; i++) k += short_name(tl.toks[i]) + " ";
  EXPECT_EQ(k, "BIND [ STR ] + INT EOF ");
  EXPECT_EQ(tl.toks[2].str.parts[0].text, std::string("k"));
}

TEST_F(Str, InterpolationErrors) {
  lex(R"("${$x")");
  EXPECT_EQ(first_message(),
            "unterminated interpolation: expected '}' to close this '${' on the "
            "same line");
  EXPECT_EQ(messages().size(), 1u) << "not also an unterminated string";
  EXPECT_EQ(text(first_span()), "${$x\"");
  // an empty one is a code part with no code; the parser reports it
  EXPECT_EQ(str_parts(R"("a${}")"), (Parts{"lit:a", "code:"}));
  EXPECT_EQ(messages().size(), 1u);
}

TEST_F(Str, RawStrings) {
  lex(R"(r"a\n$b${c}")");
  ASSERT_EQ(toks.toks[0].kind, TOK_STR);
  EXPECT_TRUE(toks.toks[0].str.raw);
  EXPECT_EQ(parts(toks.toks[0]), (Parts{"lit:a\\n$b${c}"}));
  EXPECT_EQ(text(toks.toks[0].span), R"(r"a\n$b${c}")");
  EXPECT_EQ(str_parts(R"(r"")"), Parts{});
  EXPECT_EQ(kinds(R"(r "x" rx"y")"), "NAME STR NAME STR");
  EXPECT_TRUE(messages().empty());
}

// §2, Swift's rule.
TEST_F(Str, TripleQuotedDedent) {
  lex("$s = \"\"\"\n    Hello,\n      world\n\n    end\n    \"\"\"\n$t");
  const Token &t = toks.toks[2];
  ASSERT_EQ(t.kind, TOK_STR);
  EXPECT_TRUE(t.str.triple);
  EXPECT_EQ(parts(t), (Parts{"lit:Hello,\n  world\n\nend"}));
  EXPECT_EQ(kinds("$s = \"\"\"\n  a\n  \"\"\"\n$t"), "BIND = STR NL BIND");
  EXPECT_TRUE(messages().empty());
}

TEST_F(Str, TripleQuotedClosingNotOnItsOwnLine) {
  EXPECT_EQ(str_parts("\"\"\"\n  a\n  b\"\"\""), (Parts{"lit:  a\n  b"}));
  EXPECT_EQ(str_parts("\"\"\"\n\"\"\""), Parts{});
  EXPECT_EQ(str_parts("\"\"\"\n\n\"\"\""), Parts{});
  EXPECT_EQ(str_parts("\"\"\"\n\n\n\"\"\""), (Parts{"lit:\n"}));
}

TEST_F(Str, TripleQuotedEscapesAndInterpolation) {
  EXPECT_EQ(str_parts("\"\"\"\n  x=$x \\\"\"\" ${$y:>3}\\t\n  \"\"\""),
            (Parts{"lit:x=", "code:$x", "lit: \"\"\" ", "code:$y|spec:>3",
                   "lit:\t"}));
  EXPECT_EQ(str_parts("\"\"\"\r\n  a\r\n  b\r\n  \"\"\""), (Parts{"lit:a\nb"}));
  EXPECT_TRUE(messages().empty());
}

TEST_F(Str, TripleQuotedErrors) {
  lex("\"\"\"\n    good\n  bad\n    \"\"\"");
  EXPECT_EQ(first_message(),
            "this line of a multi-line string is indented less than its closing "
            "\"\"\"; indent every line at least as far as the closing quotes");
  int line, col;
  src_line_col(file, first_span().start, &line, &col);
  EXPECT_EQ(line, 3);
  EXPECT_EQ(col, 1);

  lex("\"\"\"text\n\"\"\"");
  EXPECT_EQ(messages().back(),
            "the opening \"\"\" of a multi-line string must end its line; start "
            "the text on the next line");
  lex("\"\"\"\nabc");
  EXPECT_EQ(messages().back(),
            "unterminated multi-line string; expected a closing \"\"\"");
  EXPECT_EQ(toks.len, 2u);
}

TEST_F(Str, CharLiterals) {
  lex(R"('a' '\n' '\'' '\u{1F600}' 'é' '"' '$')");
  uint32_t want[] = {'a', '\n', '\'', 0x1F600, 0xE9, '"', '$'};
  for (size_t i = 0; i < 7; i++) {
    EXPECT_EQ(toks.toks[i].kind, TOK_CHAR) << i;
    EXPECT_EQ(toks.toks[i].ch, want[i]) << i;
  }
  EXPECT_TRUE(messages().empty());
}

TEST_F(Str, CharLiteralErrors) {
  lex("''");
  EXPECT_EQ(first_message(),
            "empty char literal; a char literal holds exactly one character, as "
            "in 'a'");
  EXPECT_EQ(text(first_span()), "''");
  lex("'ab'");
  EXPECT_EQ(messages().back(),
            "char literal 'ab' holds more than one character; use a string \"ab\" "
            "for text");
  EXPECT_EQ(text(s->diag->items.data[1].span), "'ab'");
  lex("'a");
  EXPECT_EQ(messages().back(),
            "unterminated char literal; expected a closing ' after one character");
  lex(R"('\q')");
  EXPECT_EQ(messages().back(),
            "unknown escape sequence '\\q' in char literal (valid: \\n \\t \\r \\0 "
            "\\\\ \\' \\\" \\$ \\u{...})");
  EXPECT_EQ(kinds("'ab' + 1"), "CHAR + INT");
}

}  // namespace
