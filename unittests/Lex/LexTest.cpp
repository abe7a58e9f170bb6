// LexTest.cpp — tokens, §2's newline rules, regex-or-division, numbers,
// names and reserved words (§21), and the lexer's error messages.
#include "LexTestUtil.h"

#include <algorithm>
#include <ctime>

namespace {

using Lex = LexFixture;

// ---- every token kind -------------------------------------------------------

TEST_F(Lex, Punctuation) {
  EXPECT_EQ(kinds("( ) [ ] { } , : ; ? . .. ..= => ="),
            "( ) [ ] { } , : ; ? . .. ..= => =");
  EXPECT_EQ(kinds("$a += 1 -= 1 *= 1 /= 1 %= 1 ++= 1"),
            "BIND += INT -= INT *= INT /= INT %= INT ++= INT");
}

TEST_F(Lex, Operators) {
  EXPECT_EQ(kinds("$a + - * $b / % ++ == != < <= > >= =~ !~ && || ! ~ & | ^ << >>"),
            "BIND + - * BIND / % ++ == != < <= > >= =~ !~ && || ! ~ & | ^ << >>");
}

TEST_F(Lex, LongestMatch) {
  EXPECT_EQ(kinds("$a++=$b"), "BIND ++= BIND");
  EXPECT_EQ(kinds("1...2"), "INT .. . INT");
  EXPECT_EQ(kinds("1..=2"), "INT ..= INT");
  EXPECT_EQ(kinds("$a=>$b"), "BIND => BIND");
  EXPECT_EQ(kinds("$a<<=$b"), "BIND << = BIND");
}

TEST_F(Lex, Keywords) {
  EXPECT_EQ(kinds("sub type const use extern test mut if else while for in break "
                  "continue return match is with hatch select channel true false"),
            "sub type const use extern test mut if else while for in break "
            "continue return match is with hatch select channel true false");
}

// §21: the words reserved for the future lex as one kind, keeping the word.
TEST_F(Lex, ReservedWords) {
  const char *words[] = {"trait", "impl", "pub", "async", "await",
                         "spawn", "yield", "macro", "where", "as"};
  for (const char *w : words) {
    lex(w);
    ASSERT_EQ(toks.toks[0].kind, TOK_KW_RESERVED) << w;
    EXPECT_STREQ(toks.toks[0].name, w);
  }
  EXPECT_EQ(lex_keyword("asx", 3), TOK_NAME);
  EXPECT_EQ(lex_keyword("match", 5), TOK_KW_MATCH);
  EXPECT_EQ(lex_keyword("Match", 5), TOK_NAME);
}

TEST_F(Lex, NamesAndCase) {
  lex("foo Point _Hidden __x _ x_1 MAX");
  const Token *t = toks.toks;
  EXPECT_EQ(t[0].kind, TOK_NAME);
  EXPECT_FALSE(t[0].upper);
  EXPECT_STREQ(t[0].name, "foo");
  EXPECT_TRUE(t[1].upper);
  EXPECT_TRUE(t[2].upper) << "upper case after leading '_'";
  EXPECT_FALSE(t[3].upper);
  EXPECT_EQ(t[4].kind, TOK_UNDERSCORE);
  EXPECT_EQ(t[5].kind, TOK_NAME);
  EXPECT_STREQ(t[5].name, "x_1");
  EXPECT_TRUE(t[6].upper);
  // interned: equal names are equal pointers
  lex("foo");
  EXPECT_EQ(toks.toks[0].name, intern_cstr(s->names, "foo"));
}

TEST_F(Lex, Bindings) {
  lex("$x $_ $Long_name1 $if");
  EXPECT_EQ(toks.toks[0].kind, TOK_BINDING);
  EXPECT_STREQ(toks.toks[0].name, "x");
  EXPECT_STREQ(toks.toks[1].name, "_");
  EXPECT_STREQ(toks.toks[2].name, "Long_name1");
  EXPECT_STREQ(toks.toks[3].name, "if");
  EXPECT_EQ(text(toks.toks[2].span), "$Long_name1");
}

TEST_F(Lex, LoneDollarIsAnError) {
  EXPECT_EQ(kinds("$ + $1"), "ERROR + ERROR INT");
  ASSERT_EQ(messages().size(), 2u);
  EXPECT_EQ(first_message(), "'$' must be followed by a binding name, as in $x");
  EXPECT_EQ(first_span().start, 0u);
  EXPECT_EQ(first_span().end, 1u);
}

TEST_F(Lex, UnexpectedCharacter) {
  EXPECT_EQ(kinds("$a @ $b"), "BIND ERROR BIND");
  EXPECT_EQ(first_message(), "unexpected character '@'");
  EXPECT_EQ(first_span().start, 3u);
  EXPECT_EQ(first_span().end, 4u);
  lex("\xC2\xA0");  // NO-BREAK SPACE
  EXPECT_EQ(messages().back(), "unexpected character '\xC2\xA0' (U+00A0)");
}

TEST_F(Lex, CommentsAreSkipped) {
  EXPECT_EQ(kinds("$a # comment $b\n$c"), "BIND NL BIND");
  EXPECT_EQ(kinds("# only a comment"), "");
}

TEST_F(Lex, SpansAndEof) {
  lex("$ab  +\tfoo");
  EXPECT_EQ(toks.len, 4u);
  EXPECT_EQ(toks.toks[0].span.start, 0u);
  EXPECT_EQ(toks.toks[0].span.end, 3u);
  EXPECT_EQ(toks.toks[1].span.start, 5u);
  EXPECT_EQ(toks.toks[2].span.start, 7u);
  EXPECT_EQ(toks.toks[3].kind, TOK_EOF);
  EXPECT_EQ(toks.toks[3].span.start, 10u);
  EXPECT_EQ(toks.toks[3].span.end, 10u);
  EXPECT_EQ(kinds(""), "");
  EXPECT_EQ(toks.len, 1u);
}

// ---- §2 statement separation -------------------------------------------------

TEST_F(Lex, NewlineEndsStatement) {
  EXPECT_EQ(kinds("$a = 1\n$b = 2\n"), "BIND = INT NL BIND = INT NL");
  EXPECT_EQ(kinds("$a; $b"), "BIND ; BIND");
}

TEST_F(Lex, NewlineRunsAreNotMerged) {
  EXPECT_EQ(kinds("$a\n\n# c\n\n$b"), "BIND NL NL NL NL BIND");
  lex("$a\n\n$b");
  EXPECT_EQ(toks.toks[1].span.start, 2u);
  EXPECT_EQ(toks.toks[2].span.start, 3u);
}

TEST_F(Lex, NewlinesInsideParensAndBracketsAreDropped) {
  EXPECT_EQ(kinds("f(1,\n2\n)\n"), "NAME ( INT , INT ) NL");
  EXPECT_EQ(kinds("[1\n2]"), "[ INT INT ]");
  EXPECT_EQ(kinds("(\n$a\n)"), "( BIND )");
}

TEST_F(Lex, NewlinesInsideBracesInsideParensAreKept) {
  EXPECT_EQ(kinds("f(sub() {\n$a\n$b\n})"), "NAME ( sub ( ) { BIND NL BIND } )");
  EXPECT_EQ(kinds("{\n$a\n$b\n}"), "{ BIND NL BIND }");
  EXPECT_EQ(kinds("[{\n$a\n$b\n}]"), "[ { BIND NL BIND } ]");
}

TEST_F(Lex, LineEndingInOperatorContinues) {
  const char *ops[] = {"+", "-", "*", "/", "%", "++", "==", "!=", "<", "<=",
                       ">", ">=", "=~", "!~", "&&", "||", "&", "|", "^", "<<",
                       ">>", "..", "..=", "is"};
  for (const char *op : ops)
    EXPECT_EQ(kinds(std::string("$a ") + op + "\n$b").find("NL"), std::string::npos)
        << op;
}

TEST_F(Lex, LineEndingInAssignCommaOrOpenerContinues) {
  EXPECT_EQ(kinds("$a =\n1"), "BIND = INT");
  EXPECT_EQ(kinds("$a +=\n1"), "BIND += INT");
  EXPECT_EQ(kinds("$a ++=\n$b"), "BIND ++= BIND");
  EXPECT_EQ(kinds("1 =>\n2"), "INT => INT");
  EXPECT_EQ(kinds("{ $a,\n$b }"), "{ BIND , BIND }");
  EXPECT_EQ(kinds("$a = # why\n 1"), "BIND = INT");
}

TEST_F(Lex, NextLineStartingWithContinuationContinues) {
  EXPECT_EQ(kinds("$xs\n.map(f)\n.len()"), "BIND . NAME ( NAME ) . NAME ( )");
  EXPECT_EQ(kinds("if $c {\n1\n}\nelse {\n2\n}"),
            "if BIND { INT } else { INT }");
  EXPECT_EQ(kinds("type T =\n| A\n| B"), "type TYPE = | TYPE | TYPE");
  EXPECT_EQ(kinds("$a\n&& $b\n|| $c"), "BIND && BIND || BIND");
  EXPECT_EQ(kinds("$a\n++ $b"), "BIND ++ BIND");
  EXPECT_EQ(kinds("$a\n* 2"), "BIND * INT");
}

TEST_F(Lex, NextLineStartingWithMinusOrSlashIsANewStatement) {
  EXPECT_EQ(kinds("$a\n-1"), "BIND NL - INT");
  EXPECT_EQ(kinds("$a\n/x/"), "BIND NL REGEX");
  EXPECT_EQ(kinds("$a\n!$b"), "BIND NL ! BIND");
}

TEST_F(Lex, MatchArmsAndBlocks) {
  EXPECT_EQ(kinds("match $s {\n  Circle($r) => $r\n  _ => 0\n}\nsub f() {\n}\n"),
            "match BIND { TYPE ( BIND ) => BIND NL _ => INT } NL sub NAME ( ) { } NL");
  EXPECT_EQ(kinds("$t = $xs\n    .map(sub($x) { $x * 2 })\n    .sum()\n"),
            "BIND = BIND . NAME ( sub ( BIND ) { BIND * INT } ) . NAME ( ) NL");
}

TEST_F(Lex, NlBeforeIsSetEvenWhenDropped) {
  lex("f(1,\n2) $x");
  EXPECT_FALSE(toks.toks[2].nl_before);
  EXPECT_TRUE(toks.toks[4].nl_before);
  EXPECT_FALSE(toks.toks[6].nl_before);
  lex("$a\n$b");
  EXPECT_EQ(toks.toks[1].kind, TOK_NEWLINE);
  EXPECT_TRUE(toks.toks[2].nl_before);
}

TEST_F(Lex, CrLfLineEnds) {
  EXPECT_EQ(kinds("$a = 1\r\n$b\r\n"), "BIND = INT NL BIND NL");
}

// ---- regex or division (§2, JavaScript's rule) -------------------------------

TEST_F(Lex, DivisionAfterOperands) {
  EXPECT_EQ(kinds("$a / $b / 2"), "BIND / BIND / INT");
  EXPECT_EQ(kinds("f(1) / 2"), "NAME ( INT ) / INT");
  EXPECT_EQ(kinds("$m[0] / 2"), "BIND [ INT ] / INT");
  EXPECT_EQ(kinds("$r? / 2"), "BIND ? / INT");
  EXPECT_EQ(kinds("2.5 / x / 1"), "FLOAT / NAME / INT");
  EXPECT_EQ(kinds("$a /= 2"), "BIND /= INT");
}

TEST_F(Lex, RegexWhereOperandExpected) {
  EXPECT_EQ(kinds("$x = /ab+c/i"), "BIND = REGEX");
  EXPECT_STREQ(toks.toks[2].regex.pattern, "ab+c");
  EXPECT_STREQ(toks.toks[2].regex.flags, "i");
  EXPECT_EQ(text(toks.toks[2].regex.pattern_span), "ab+c");
  EXPECT_EQ(kinds("if $s =~ /x/ {"), "if BIND =~ REGEX {");
  EXPECT_EQ(kinds("f(/a/, /b/)"), "NAME ( REGEX , REGEX )");
  EXPECT_EQ(kinds("return /a/"), "return REGEX");
  EXPECT_EQ(kinds("/a/"), "REGEX");
}

TEST_F(Lex, RegexAtLineStartAfterCloser) {
  EXPECT_EQ(kinds("f(1)\n/re/"), "NAME ( INT ) NL REGEX");
  // inside parentheses the newline is dropped, so it is still division
  EXPECT_EQ(kinds("(f(1)\n/ 2)"), "( NAME ( INT ) / INT )");
  EXPECT_EQ(kinds("$a +\n/re/"), "BIND + REGEX");
}

// §2: the pattern ends at the first '/' not written '\/', in a class too.
TEST_F(Lex, RegexEscapedSlashAndClass) {
  lex(R"(/a\/b/)");
  EXPECT_STREQ(toks.toks[0].regex.pattern, "a\\/b") << "kept as written";
  EXPECT_EQ(toks.toks[0].regex.len, 4u);
  EXPECT_EQ(kinds("/[/]/"), "REGEX ] /") << "a regex ends at '[/'";
  EXPECT_STREQ(toks.toks[0].regex.pattern, "[");
  EXPECT_EQ(kinds("/a/ / 2"), "REGEX / INT") << "a regex is an operand";
  lex(R"(/\\/ + 1)");
  EXPECT_STREQ(toks.toks[0].regex.pattern, "\\\\");
  lex("/$x^/msx");
  EXPECT_STREQ(toks.toks[0].regex.pattern, "$x^");
  EXPECT_STREQ(toks.toks[0].regex.flags, "msx");
}

TEST_F(Lex, RegexErrors) {
  lex("$x = /abc\n$y");
  EXPECT_EQ(first_message(),
            "unterminated regex literal: expected a closing '/' on this line (a "
            "'/' where an operand is expected starts a regex; write \\/ for a "
            "slash inside one)");
  EXPECT_EQ(text(first_span()), "/abc");
  EXPECT_EQ(toks.toks[3].kind, TOK_NEWLINE);

  lex("/a/gi");
  EXPECT_EQ(messages().back(), "unknown regex flag 'g' (valid flags: i m s x)");
  EXPECT_EQ(text(s->diag->items.data[1].span), "g");
  EXPECT_STREQ(toks.toks[0].regex.flags, "i");

  lex("/a/ii");
  EXPECT_EQ(messages().back(), "regex flag 'i' is given twice");
  lex("$x = //");
  EXPECT_EQ(messages().back(),
            "empty regex literal '//'; a regex needs a pattern between the slashes");
}

// ---- numbers ---------------------------------------------------------------

TEST_F(Lex, IntegerForms) {
  lex("42 1_000_000 0xff 0b1010 0o17 0 0xDEAD_beef 9223372036854775807");
  int64_t want[] = {42, 1000000, 255, 10, 15, 0, 0xDEADBEEF, INT64_MAX};
  for (size_t i = 0; i < 8; i++) {
    EXPECT_EQ(toks.toks[i].kind, TOK_INT) << i;
    EXPECT_EQ(toks.toks[i].ival, want[i]) << i;
    EXPECT_FALSE(toks.toks[i].int_overflow);
  }
  EXPECT_TRUE(messages().empty());
}

TEST_F(Lex, MinInt64Literal) {
  EXPECT_EQ(kinds("-9223372036854775808"), "- INT");
  EXPECT_TRUE(toks.toks[1].int_overflow);
  EXPECT_EQ(toks.toks[1].ival, INT64_MIN);
  EXPECT_TRUE(messages().empty());
  lex("0x8000000000000000");
  EXPECT_TRUE(toks.toks[0].int_overflow);
}

TEST_F(Lex, IntegerOutOfRange) {
  lex("$x = 99999999999999999999");
  EXPECT_EQ(first_message(),
            "integer literal 99999999999999999999 is out of range for Int (max "
            "9223372036854775807)");
  EXPECT_EQ(text(first_span()), "99999999999999999999");
  lex("9223372036854775809");
  EXPECT_EQ(messages().size(), 2u);
  lex("0x1_0000_0000_0000_0000");
  EXPECT_EQ(messages().size(), 3u);
}

TEST_F(Lex, FloatForms) {
  lex("3.14 1e-9 2.5e10 1_000.5 1E3 0.5");
  double want[] = {3.14, 1e-9, 2.5e10, 1000.5, 1e3, 0.5};
  for (size_t i = 0; i < 6; i++) {
    EXPECT_EQ(toks.toks[i].kind, TOK_FLOAT) << i;
    EXPECT_DOUBLE_EQ(toks.toks[i].fval, want[i]) << i;
  }
  EXPECT_TRUE(messages().empty());
}

// §2: a float has a digit on both sides of '.'; after a '.' token digits
// are a tuple index.
TEST_F(Lex, DotsAfterDigits) {
  EXPECT_EQ(kinds("1..5"), "INT .. INT");
  EXPECT_EQ(kinds("1..=5"), "INT ..= INT");
  EXPECT_EQ(kinds("5.abs()"), "INT . NAME ( )");
  EXPECT_EQ(kinds("$t.0.1"), "BIND . INT . INT");
  EXPECT_EQ(toks.toks[2].ival, 0);
  EXPECT_EQ(toks.toks[4].ival, 1);
  EXPECT_EQ(kinds("$t.0 .1"), "BIND . INT . INT");
  EXPECT_EQ(kinds("$t.1e5"), "BIND . INT");
  EXPECT_EQ(first_message(),
            "invalid suffix 'e5' on number literal '1e5'; put a space or an "
            "operator between a number and a name");
}

TEST_F(Lex, MalformedNumbers) {
  struct {
    const char *src, *msg;
  } cases[] = {
      {"1_", "invalid number literal '1_': '_' may only stand between two digits"},
      {"1__0", "invalid number literal '1__0': '_' may only stand between two digits"},
      {"1_.5", "invalid number literal '1_.5': '_' may only stand between two digits"},
      {"0x_ff", "invalid number literal '0x_ff': '_' may only stand between two digits"},
      {"0x", "expected hexadecimal digits after '0x'"},
      {"0b", "expected binary digits after '0b'"},
      {"0b102", "invalid digit '2' in binary literal '0b102'"},
      {"0o8", "invalid digit '8' in octal literal '0o8'"},
      {"0xfg", "invalid digit 'g' in hexadecimal literal '0xfg'"},
      {"12abc", "invalid suffix 'abc' on number literal '12abc'; put a space or "
                "an operator between a number and a name"},
      {"1e", "invalid number literal '1e': the exponent needs digits, as in 1e9"},
      {"007", "integer literal '007' has a leading zero; write 7 for decimal or "
              "0o7 for octal"},
      {"1e999", "float literal 1e999 is out of range for Float"},
  };
  for (auto &c : cases) {
    Session *fresh = session_new();
    SrcFile *f = src_add(fresh->sm, "t.guji", c.src, strlen(c.src));
    TokenList tl = lex_file(fresh, f);
    ASSERT_EQ(fresh->diag->items.len, 1u) << c.src;
    EXPECT_EQ(std::string(fresh->diag->items.data[0].msg), c.msg) << c.src;
    EXPECT_EQ(tl.len, 2u) << c.src << ": one token, then EOF";
    session_free(fresh);
  }
  EXPECT_EQ(kinds("_1"), "NAME") << "'_1' is a name";
}

// ---- lex_span, tok_text, tok_kind_name --------------------------------------

TEST_F(Lex, LexSpanDropsNewlinesAndKeepsFileOffsets) {
  lex("xx $a +\n$b\n$c yy");
  TokenList tl = lex_span(s, file, 3, 13);
  ASSERT_EQ(tl.len, 5u);
  EXPECT_EQ(short_name(tl.toks[0]) + short_name(tl.toks[1]) +
                short_name(tl.toks[2]) + short_name(tl.toks[3]),
            "BIND+BINDBIND");
  EXPECT_EQ(tl.toks[2].span.start, 8u);
  EXPECT_EQ(tl.toks[4].kind, TOK_EOF);
  EXPECT_EQ(tl.toks[4].span.start, 13u);
}

TEST_F(Lex, TokTextAndKindNames) {
  lex("$x += \"hi\"");
  EXPECT_STREQ(tok_text(s, &toks.toks[0]), "$x");
  EXPECT_STREQ(tok_text(s, &toks.toks[1]), "+=");
  EXPECT_STREQ(tok_text(s, &toks.toks[2]), "\"hi\"");
  EXPECT_STREQ(tok_text(s, &toks.toks[3]), "");
  EXPECT_STREQ(tok_kind_name(TOK_PLUSEQ), "'+='");
  EXPECT_STREQ(tok_kind_name(TOK_NAME), "identifier");
  EXPECT_STREQ(tok_kind_name(TOK_BINDING), "binding");
  EXPECT_STREQ(tok_kind_name(TOK_STR), "string literal");
  EXPECT_STREQ(tok_kind_name(TOK_EOF), "end of file");
  EXPECT_STREQ(tok_kind_name(TOK_NEWLINE), "newline");
  for (int k = 0; k < TOK__COUNT; k++)
    EXPECT_STRNE(tok_kind_name((TokKind)k), "token") << k;
}

// §2: invalid UTF-8 is an error with its byte offset.
TEST_F(Lex, InvalidUtf8) {
  lex("$a = 1 # caf\xC3\xA9 ok\n\"ab\xFF\xFE\" \xE2\x82");
  ASSERT_EQ(messages().size(), 2u);
  EXPECT_EQ(messages()[0], "invalid UTF-8 in source at byte offset 21");
  EXPECT_EQ(s->diag->items.data[0].span.start, 21u);
  EXPECT_EQ(s->diag->items.data[0].span.end, 23u) << "one error per run";
  EXPECT_EQ(messages()[1], "invalid UTF-8 in source at byte offset 25");
  // overlong encoding and an encoded surrogate are invalid too
  lex("'\xC0\xAF' '\xED\xA0\x80'");
  EXPECT_EQ(messages().size(), 4u);
}

// The lexer's errors rendered end to end, clang style.
TEST_F(Lex, RenderedErrors) {
  lex("sub main() {\n\t$s = \"abc\n\t$n = 1__0 @\n}\n");
  EXPECT_EQ(rendered(),
            "t.guji:2:7: error: unterminated string literal; a \"...\" string "
            "ends on its line \xE2\x80\x94 use \"\"\"...\"\"\" for text that "
            "spans lines\n"
            "\t$s = \"abc\n"
            "\t     ^~~~\n"
            "t.guji:3:7: error: invalid number literal '1__0': '_' may only stand "
            "between two digits\n"
            "\t$n = 1__0 @\n"
            "\t     ^~~~\n"
            "t.guji:3:12: error: unexpected character '@'\n"
            "\t$n = 1__0 @\n"
            "\t          ^\n"
            "3 errors generated.\n");
}

TEST_F(Lex, ErrorsDoNotStopLexing) {
  EXPECT_EQ(kinds("@ $a\n` $b"), "ERROR BIND NL ERROR BIND");
  EXPECT_EQ(messages().size(), 2u);
}

static double thread_cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// CPU time, not wall time: a loaded test machine must not make this flaky.
// The best of five runs, each in a fresh session (the first runs of a
// process pay for fresh pages, which a sandbox can make slow).
TEST_F(Lex, FiveThousandLinesAreFast) {
  std::string src;
  for (int i = 0; i < 5000; i++)
    src += i % 2 ? "    $total_" + std::to_string(i) +
                       " = f($x, \"n=${$p.name:>8} $q\", [1, 2.5])  # note\n"
                 : "    if $line =~ /a+b/i { print($a / 2) }\n";
  double best = 1e9;
  size_t ntoks = 0;
  for (int run = 0; run < 5; run++) {
    Session *fresh = session_new();
    SrcFile *f = src_add(fresh->sm, "big.guji", src.data(), src.size());
    double t0 = thread_cpu_ms();
    TokenList tl = lex_file(fresh, f);
    best = std::min(best, thread_cpu_ms() - t0);
    ntoks = tl.len;
    EXPECT_EQ(fresh->diag->items.len, 0u);
    session_free(fresh);
  }
  EXPECT_GT(ntoks, 5000u * 12);
  RecordProperty("lex_ms", std::to_string(best));
#if !defined(__SANITIZE_ADDRESS__) && !defined(__OPTIMIZE__)
  EXPECT_LT(best, 20.0) << "unoptimized build";
#elif !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(best, 10.0);
#endif
}

}  // namespace
