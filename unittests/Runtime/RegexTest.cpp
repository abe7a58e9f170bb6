// RegexTest.cpp — Regex and Match (§14; runtime/src/regex.c): literals
// compiled once, regex() and its errors, the flags, UTF-8 and Unicode
// classes, captures, match / match_all offsets, group / named, replace
// templates (and their panics), replace_with, split and count with empty
// matches (expected values from python3's re), the match-limit panic
// (§12), no allocation per match, and sharing between threads (§16).
// Every test checks that the live-object count returns to where it
// started.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

extern "C" bool gj_rt_regex_uses_jit(const GjRegex *re); // rt_internal.h
extern "C" bool gj_rt_regex_is_class_run(const GjRegex *re);

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using gujitest::lit_re;
using gujitest::str;
using ::testing::ExitedWithCode;

namespace {

const GjLoc kLoc = {"re.guji", 5, 9};

GjStr lit(const char *text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)strlen(text), text, 0, nullptr};
}

GjStr *heap(const std::string &text) {
  return gj_str_from_bytes(text.data(), (int64_t)text.size());
}

// A counted regex from regex(); the test fails on an error.
GjRegex *re(const std::string &pat) {
  GjStr *p = heap(pat);
  GjStr *err = nullptr;
  GjRegex *r = gj_regex_new(p, &err);
  gj_dec(p);
  EXPECT_NE(r, nullptr) << pat << ": " << (err ? str(err) : "");
  if (err)
    gj_dec(err);
  return r;
}

// Fixture: the live-object count is the same after the test as before.
class Regex : public ::testing::Test {
protected:
  int64_t live0 = 0;
  void SetUp() override { live0 = gj_rt_live_objects(); }
  void TearDown() override { EXPECT_EQ(gj_rt_live_objects(), live0); }
};
// Panics (§12): gtest runs *DeathTest suites first, before other tests
// start threads.
class RegexDeathTest : public Regex {};

std::vector<std::string> strs(GjList *l) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < gj_list_len(l); i++) {
    GjStr *s;
    gj_list_get(l, i, &s, &kLoc);
    out.push_back(str(s));
  }
  return out;
}

using Strs = std::vector<std::string>;

Strs split(const std::string &pat, const std::string &in) {
  GjRegex *r = re(pat);
  GjStr *s = heap(in);
  GjList *l = gj_regex_split(s, r, &kLoc);
  EXPECT_EQ(gj_list_elem_type(l), &gj_type_str);
  Strs out = strs(l);
  gj_dec(l);
  gj_dec(s);
  gj_dec(r);
  return out;
}

int64_t count(const std::string &pat, const std::string &in) {
  GjRegex *r = re(pat);
  GjStr *s = heap(in);
  int64_t n = gj_regex_count(s, r, &kLoc);
  gj_dec(s);
  gj_dec(r);
  return n;
}

std::string replace(const std::string &pat, const std::string &in,
                    const std::string &with, bool all = true) {
  GjRegex *r = re(pat);
  GjStr *s = heap(in);
  GjStr *t = heap(with);
  GjStr *o = gj_regex_replace(s, r, t, all, &kLoc);
  std::string out = str(o);
  gj_dec(o);
  gj_dec(t);
  gj_dec(s);
  gj_dec(r);
  return out;
}

bool test(const std::string &pat, const std::string &in) {
  GjRegex *r = re(pat);
  GjStr *s = heap(in);
  bool b = gj_regex_test(s, r, &kLoc);
  gj_dec(s);
  gj_dec(r);
  return b;
}

// (start, end) of every match of match_all.
std::vector<std::pair<int64_t, int64_t>> spans(const std::string &pat,
                                               const std::string &in) {
  GjRegex *r = re(pat);
  GjStr *s = heap(in);
  GjList *l = gj_regex_match_all(s, r, &kLoc);
  EXPECT_EQ(gj_list_elem_type(l), &gj_type_match);
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t i = 0; i < gj_list_len(l); i++) {
    GjMatch *m;
    gj_list_get(l, i, &m, &kLoc);
    out.push_back({gj_match_start(m), gj_match_end(m)});
  }
  gj_dec(l);
  gj_dec(s);
  gj_dec(r);
  return out;
}

std::string text_of(GjStr *s) {
  std::string out = str(s);
  gj_dec(s);
  return out;
}

// §14: a literal is compiled once per run: the second call gives the same
// immortal object.
TEST_F(Regex, LiteralCompiledOnce) {
  static GjRegex *slot;
  GjRegex *a = gj_regex_literal(&slot, "b(a)t", 5, 0, &kLoc);
  GjRegex *b = gj_regex_literal(&slot, "b(a)t", 5, 0, &kLoc);
  EXPECT_EQ(a, b);
  EXPECT_EQ(slot, a);
  EXPECT_EQ(((GjHeader *)a)->rc, 0);
  EXPECT_EQ(((GjHeader *)a)->kind, GJ_KIND_REGEX);
  gj_inc(a); // immortal: inc and dec leave it alone
  gj_dec(a);
  EXPECT_EQ(((GjHeader *)a)->rc, 0);
  EXPECT_EQ(text_of(gj_regex_pattern(a)), "b(a)t");
  EXPECT_TRUE(gj_rt_regex_uses_jit(a)); // PCRE2 here has its JIT
  GjStr s = lit("the bat");
  EXPECT_TRUE(gj_regex_test(&s, a, &kLoc));
  static GjRegex *flagged;
  GjRegex *f = gj_regex_literal(
      &flagged, "a/b", 3,
      GJ_RE_CASELESS | GJ_RE_DOTALL | GJ_RE_EXTENDED | GJ_RE_MULTILINE, &kLoc);
  EXPECT_EQ(text_of(gj_regex_append_text(gj_str_with_cap(0), f)), "/a/b/imsx");
  EXPECT_EQ(text_of(gj_regex_append_text(gj_str_with_cap(0), a)), "/b(a)t/");
}

// Two threads racing on one literal's first use get the same object.
TEST_F(Regex, LiteralRaceHasOneWinner) {
  for (int round = 0; round < 20; round++) {
    static GjRegex *slots[20];
    GjRegex **slot = &slots[round];
    std::atomic<int> ready{0};
    GjRegex *got[2] = {nullptr, nullptr};
    auto run = [&](int i) {
      ready++;
      while (ready.load() < 2) {
      }
      got[i] = gj_regex_literal(slot, "(\\w+)@(\\w+)", 11, 0, &kLoc);
    };
    std::thread t0(run, 0), t1(run, 1);
    t0.join();
    t1.join();
    EXPECT_EQ(got[0], got[1]);
    EXPECT_EQ(*slot, got[0]);
  }
}

TEST_F(RegexDeathTest, LiteralBadPatternPanics) {
  static GjRegex *slot;
  EXPECT_EXIT(gj_regex_literal(&slot, "(a", 2, 0, &kLoc), ExitedWithCode(101),
              lit_re("guji: panic: invalid regex /(a/: missing closing "
                     "parenthesis at offset 2\n  at re.guji:5:9\n"));
}

// §14 regex(s): Err carries PCRE2's message and the offset.
TEST_F(Regex, NewAndErrors) {
  GjRegex *r = re("(?<y>\\d{4})-(\\d\\d)");
  EXPECT_EQ(((GjHeader *)r)->rc, 1);
  EXPECT_EQ(text_of(gj_regex_pattern(r)), "(?<y>\\d{4})-(\\d\\d)");
  EXPECT_EQ(text_of(gj_regex_append_text(gj_str_with_cap(0), r)),
            "/(?<y>\\d{4})-(\\d\\d)/");
  gj_dec(r);

  auto error = [](const std::string &pat) {
    GjStr *p = heap(pat);
    GjStr *err = nullptr;
    GjRegex *bad = gj_regex_new(p, &err);
    gj_dec(p);
    EXPECT_EQ(bad, nullptr);
    return err ? text_of(err) : std::string("(no error)");
  };
  EXPECT_EQ(error("(abc"), "missing closing parenthesis at offset 4");
  EXPECT_EQ(error("a)"), "unmatched closing parenthesis at offset 1");
  EXPECT_EQ(error("[a"),
            "missing terminating ] for character class at offset 2");
  EXPECT_EQ(error("a{2,1}"),
            "numbers out of order in {} quantifier at offset 5");
  // \C could split a character: refused (GJ_RE_PCRE2_OPTIONS)
  EXPECT_EQ(error("a\\C"), "\\C (one code unit) is not allowed (patterns are "
                            "UTF: use . for one character) at offset 3");
}

// §14 flags i m s x, and PCRE2's inline flags.
TEST_F(Regex, Flags) {
  static GjRegex *i_slot, *m_slot, *s_slot, *x_slot, *plain_slot;
  GjRegex *ri = gj_regex_literal(&i_slot, "^abc$", 5, GJ_RE_CASELESS, &kLoc);
  GjRegex *rm = gj_regex_literal(&m_slot, "^b$", 3, GJ_RE_MULTILINE, &kLoc);
  GjRegex *rs = gj_regex_literal(&s_slot, "a.b", 3, GJ_RE_DOTALL, &kLoc);
  GjRegex *rx = gj_regex_literal(&x_slot, "a b # c", 7, GJ_RE_EXTENDED, &kLoc);
  GjRegex *rp = gj_regex_literal(&plain_slot, "a.b", 3, 0, &kLoc);
  GjStr up = lit("ABC"), lines = lit("a\nb\nc"), nl = lit("a\nb"),
        ab = lit("ab");
  EXPECT_TRUE(gj_regex_test(&up, ri, &kLoc));
  EXPECT_TRUE(gj_regex_test(&lines, rm, &kLoc));
  EXPECT_TRUE(gj_regex_test(&nl, rs, &kLoc));
  EXPECT_FALSE(gj_regex_test(&nl, rp, &kLoc));
  EXPECT_TRUE(gj_regex_test(&ab, rx, &kLoc));
  EXPECT_EQ(text_of(gj_regex_append_text(gj_str_with_cap(0), rm)), "/^b$/m");

  EXPECT_FALSE(test("^b$", "a\nb\nc"));
  EXPECT_FALSE(test("^abc$", "ABC"));
  EXPECT_TRUE(test("(?i)^abc$", "ABC"));
  EXPECT_TRUE(test("(?m)^b$", "a\nb\nc"));
  EXPECT_TRUE(test("(?s)a.b", "a\nb"));
  EXPECT_TRUE(test("(?x) a b ", "ab"));
}

// §14: patterns are always in UTF mode; \w \d \b are Unicode's (UCP).
TEST_F(Regex, Utf8) {
  EXPECT_TRUE(test("^.$", "\xC3\xA9")); // é is one character
  EXPECT_FALSE(test("^..$", "\xC3\xA9"));
  EXPECT_TRUE(test("^.$", "\xF0\x9F\x98\x80"));            // 😀
  EXPECT_TRUE(test("^\\w+$", "h\xC3\xA9llo"));             // héllo
  EXPECT_TRUE(test("^\\w+$", "\xD0\xBF\xD1\x80\xD0\xB8")); // при
  EXPECT_TRUE(test("^\\d$", "\xD9\xA3"));          // ٣ ARABIC-INDIC THREE
  EXPECT_TRUE(test("(?i)^\xC3\xA9$", "\xC3\x89")); // é ~ É
  EXPECT_TRUE(test("^\\p{Greek}+$", "\xCE\xB1\xCE\xB2"));
  EXPECT_FALSE(test("\\bn", "\xC3\xA9n")); // no boundary inside "én"
  EXPECT_EQ(count(".", "a\xC3\xA9\xE2\x82\xAC"), 3);
}

// §14 `if $s =~ /(?<key>…)/`: the named groups' text, "" when unset.
TEST_F(Regex, Captures) {
  GjRegex *r = re("(?<key>\\w+)=(?<val>\\d*)(?<bang>!)?");
  GjStr *s = heap("  answer_to_the_question=42;");
  int32_t groups[3] = {1, 2, 3};
  GjStr *out[3] = {nullptr, nullptr, nullptr};
  ASSERT_TRUE(gj_regex_captures(s, r, groups, 3, out, &kLoc));
  EXPECT_EQ(str(out[0]), "answer_to_the_question");
  EXPECT_EQ(out[0]->owner, s); // longer than PIECE_COPY_MAX: shared
  EXPECT_EQ(str(out[1]), "42");
  EXPECT_EQ(out[1]->owner, nullptr); // short: copied
  EXPECT_EQ(str(out[2]), "");
  EXPECT_EQ(((GjHeader *)out[2])->rc, 0); // the immortal empty string
  EXPECT_FALSE(gj_str_is_none(out[2]));
  for (GjStr *o : out)
    gj_dec(o);

  GjStr *none = heap("no equals sign");
  GjStr *untouched[1] = {nullptr};
  EXPECT_FALSE(gj_regex_captures(none, r, groups, 1, untouched, &kLoc));
  EXPECT_EQ(untouched[0], nullptr);
  gj_dec(none);
  gj_dec(s);
  gj_dec(r);
}

// §14 match / match_all: offsets in bytes, text shares the subject.
TEST_F(Regex, MatchOffsetsInBytes) {
  GjRegex *r = re("w\\S+");
  GjStr *s = heap("h\xC3\xA9llo w\xC3\xB6rld!"); // héllo wörld!
  GjMatch *m = gj_regex_match(s, r, &kLoc);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(((GjHeader *)m)->kind, GJ_KIND_MATCH);
  EXPECT_EQ(gj_match_start(m), 7);
  EXPECT_EQ(gj_match_end(m), 14);
  GjStr *t = gj_match_text(m);
  EXPECT_EQ(str(t), "w\xC3\xB6rld!");
  // a piece (strmeth.c's rule): a copy this short (a Map key made of it
  // keeps its bytes beside its header and does not pin the subject)...
  EXPECT_EQ(t->owner, nullptr);
  gj_dec(t);
  gj_dec(m);
  // ...and a slice of the subject when longer
  GjStr *longer = heap("see w" + std::string(40, 'x') + " end");
  m = gj_regex_match(longer, r, &kLoc);
  ASSERT_NE(m, nullptr);
  t = gj_match_text(m);
  EXPECT_EQ(t->owner, longer);
  EXPECT_EQ(t->ptr, longer->ptr + 4);
  gj_dec(t);
  gj_dec(m);
  gj_dec(longer);
  GjStr *nope = heap("hello");
  EXPECT_EQ(gj_regex_match(nope, r, &kLoc), nullptr);
  gj_dec(nope);
  gj_dec(s);
  gj_dec(r);

  using Spans = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(spans("\\w+", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC x"), // été € x
            (Spans{{0, 5}, {10, 11}}));
  // python3: [(m.start(), m.end()) for m in re.finditer('x*', 'aé€b')],
  // in bytes
  EXPECT_EQ(spans("x*", "a\xC3\xA9\xE2\x82\xAC"
                        "b"),
            (Spans{{0, 0}, {1, 1}, {3, 3}, {6, 6}, {7, 7}}));
  EXPECT_EQ(spans("\\d", "abc"), Spans{});
}

// §14 group / named: Option[Str]: none for unset, out of range, unknown.
TEST_F(Regex, GroupAndNamed) {
  GjRegex *r = re("(?<word>[a-z]+)(?<num>\\d+)?(x)?");
  GjStr *s = heap("--abc--");
  GjMatch *m = gj_regex_match(s, r, &kLoc);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(text_of(gj_match_group(m, 0)), "abc");
  EXPECT_EQ(text_of(gj_match_group(m, 1)), "abc");
  EXPECT_TRUE(gj_str_is_none(gj_match_group(m, 2))); // took no part
  EXPECT_TRUE(gj_str_is_none(gj_match_group(m, 3)));
  EXPECT_TRUE(gj_str_is_none(gj_match_group(m, 4))); // no such group
  EXPECT_TRUE(gj_str_is_none(gj_match_group(m, -1)));
  EXPECT_TRUE(gj_str_is_none(gj_match_group(m, 1000)));
  GjStr word = lit("word"), num = lit("num"), other = lit("wor");
  EXPECT_EQ(text_of(gj_match_named(m, &word)), "abc");
  EXPECT_TRUE(gj_str_is_none(gj_match_named(m, &num)));
  EXPECT_TRUE(gj_str_is_none(gj_match_named(m, &other)));
  gj_dec(m);
  gj_dec(s);
  gj_dec(r);

  // duplicate names (?J): the one that took part
  GjRegex *dup = re("(?J)(?<n>a)|(?<n>b)");
  GjStr *b = heap("b");
  GjMatch *mb = gj_regex_match(b, dup, &kLoc);
  GjStr n = lit("n");
  EXPECT_EQ(text_of(gj_match_named(mb, &n)), "b");
  gj_dec(mb);
  gj_dec(b);
  gj_dec(dup);
}

// The nested text form, through gj_type_match (a List[Match] prints).
TEST_F(Regex, MatchText) {
  GjRegex *r = re("b\\w+");
  GjStr *s = heap("the bat, a \"bee\"");
  GjList *l = gj_regex_match_all(s, r, &kLoc);
  EXPECT_EQ(text_of(gj_list_append_text(gj_str_with_cap(0), l)),
            "[Match { text: \"bat\", start: 4, end: 7 }, "
            "Match { text: \"bee\", start: 12, end: 15 }]");
  gj_dec(l);
  gj_dec(s);
  GjRegex *q = re("\".*\"");
  GjStr *t = heap("say \"hi\"\n");
  GjMatch *m = gj_regex_match(t, q, &kLoc);
  EXPECT_EQ(text_of(gj_match_append_text(gj_str_with_cap(0), m)),
            "Match { text: \"\\\"hi\\\"\", start: 4, end: 8 }");
  GjRegex *rv = r;
  EXPECT_EQ(text_of(gj_type_regex.append_text(gj_str_with_cap(0), &rv)),
            "/b\\w+/");
  gj_dec(m);
  gj_dec(t);
  gj_dec(q);
  gj_dec(r);
}

// §14 replace: $N ${N} ${name} $$; other $ literal; Perl/Python's empty
// matches (python3 re.sub).
TEST_F(Regex, Replace) {
  EXPECT_EQ(replace("(\\w+)=(\\w+)", "a=1, b=2", "$2=$1"), "1=a, 2=b");
  EXPECT_EQ(replace("(\\w+)=(\\w+)", "a=1", "${2}0${1}"), "10a");
  EXPECT_EQ(replace("(?<k>\\w+)=(?<v>\\w+)", "a=1", "${v}:${k}"), "1:a");
  EXPECT_EQ(replace("\\d+", "a1b22", "$$"), "a$b$");
  EXPECT_EQ(replace("\\d+", "a1", "$x $ ${ ${} ${1a} $"),
            "a$x $ ${ ${} ${1a} $");
  EXPECT_EQ(replace("(\\w)(\\d)?", "a1b", "<$1|$2>"), "<a|1><b|>"); // unset: ""
  EXPECT_EQ(replace("x*", "abc", "-"), "-a-b-c-");
  EXPECT_EQ(replace("x*", "abxd", "-"), "-a-b--d-");
  EXPECT_EQ(replace("x*", "", "-"), "-");
  EXPECT_EQ(replace("x*",
                    "a\xC3\xA9\xE2\x82\xAC"
                    "b",
                    "-"),
            "-a-\xC3\xA9-\xE2\x82\xAC-b-");
  EXPECT_EQ(replace("\\b", "ab cd", "-"), "-ab- -cd-");
  EXPECT_EQ(replace("(?=b)", "abab", "-"), "a-ba-b");
  EXPECT_EQ(replace("^", "a\nb", "-"), "-a\nb");
  EXPECT_EQ(replace("\xC3\xA9|",
                    "a\xC3\xA9"
                    "b",
                    "-"),
            "-a--b-");
  EXPECT_EQ(replace("a", "aaa", "bb"), "bbbbbb");
  // replace_first
  EXPECT_EQ(replace("\\d", "a1b2", "#", false), "a#b2");
  EXPECT_EQ(replace("x*", "abc", "-", false), "-abc");

  // nothing matched: s itself
  GjRegex *r = re("z");
  GjStr *s = heap("abc");
  GjStr *t = heap("$$");
  GjStr *o = gj_regex_replace(s, r, t, true, &kLoc);
  EXPECT_EQ(o, s);
  EXPECT_EQ(((GjHeader *)s)->rc, 2);
  gj_dec(o);
  gj_dec(t);
  gj_dec(s);
  gj_dec(r);
}

TEST_F(RegexDeathTest, BadGroupPanics) {
  EXPECT_EXIT(replace("(a)(b)", "ab", "x$3"), ExitedWithCode(101),
              lit_re("guji: panic: replacement \"x$3\" refers to group 3, but "
                     "/(a)(b)/ has 2 groups\n  at re.guji:5:9\n"));
  EXPECT_EXIT(replace("(a)", "zzz", "${2}"), ExitedWithCode(101), // no match
              lit_re("replacement \"${2}\" refers to group 2, but /(a)/ has "
                     "1 group\n"));
  EXPECT_EXIT(replace("(a)", "a", "$10"), ExitedWithCode(101),
              lit_re("refers to group 10, but /(a)/ has 1 group"));
  EXPECT_EXIT(replace("(?<k>a)", "a", "${x}"), ExitedWithCode(101),
              lit_re("replacement \"${x}\" refers to group \"x\", but "
                     "/(?<k>a)/ has no group named \"x\"\n"));
}

// replace_with's closure, as a C thunk: the closure counts calls and runs
// a regex itself (the runtime's per-thread match data is reused inside).
struct Upper {
  int calls = 0;
  GjRegex *inner = nullptr;
};

void upper_thunk(void *closure, void *const *args, void *out) {
  Upper *u = (Upper *)closure;
  u->calls++;
  GjMatch *m = *(GjMatch *const *)args[0]; // consumed here
  GjStr *t = gj_match_text(m);
  std::string text = str(t);
  gj_dec(t);
  for (char &c : text)
    c = (char)toupper((unsigned char)c);
  GjStr *probe = heap(text + "1" + text);
  EXPECT_EQ(gj_regex_count(probe, u->inner, &kLoc), 2); // reentrant use
  gj_dec(probe);
  std::string r = "<" + text + "@" + std::to_string(gj_match_start(m)) + ">";
  gj_dec(m);
  *(GjStr **)out = heap(r);
}

TEST_F(Regex, ReplaceWith) {
  GjRegex *r = re("[a-z]+");
  Upper u;
  u.inner = re("[A-Z]+");
  GjStr *s = heap("ab 12 cd");
  GjStr *o = gj_regex_replace_with(s, r, &u, upper_thunk, &kLoc);
  EXPECT_EQ(str(o), "<AB@0> 12 <CD@6>");
  EXPECT_EQ(u.calls, 2);
  gj_dec(o);
  GjStr *digits = heap("123");
  o = gj_regex_replace_with(digits, r, &u, upper_thunk, &kLoc);
  EXPECT_EQ(o, digits); // no match: itself, no call
  EXPECT_EQ(u.calls, 2);
  gj_dec(o);
  gj_dec(digits);
  gj_dec(s);
  gj_dec(u.inner);
  gj_dec(r);
}

// §13/§14 split(Regex): python3's re.split; count: len(re.findall).
TEST_F(Regex, SplitAndCount) {
  EXPECT_EQ(split("\\d", "a1b2c3d"), (Strs{"a", "b", "c", "d"}));
  EXPECT_EQ(split("x*", "abc"), (Strs{"", "a", "b", "c", ""}));
  EXPECT_EQ(split("x*", "abxd"), (Strs{"", "a", "b", "", "d", ""}));
  EXPECT_EQ(split(",", "a,,b"), (Strs{"a", "", "b"}));
  EXPECT_EQ(split("\\d", ""), (Strs{""}));
  EXPECT_EQ(split("x*", ""), (Strs{"", ""}));
  EXPECT_EQ(split("\\b", "ab cd"), (Strs{"", "ab", " ", "cd", ""}));
  EXPECT_EQ(split("^", "a\nb"), (Strs{"", "a\nb"}));
  EXPECT_EQ(split("a", "aaa"), (Strs{"", "", "", ""}));
  EXPECT_EQ(split("\\s+", " a  b "), (Strs{"", "a", "b", ""}));
  EXPECT_EQ(split("\xC3\xA9|", "a\xC3\xA9"
                               "b"),
            (Strs{"", "a", "", "b", ""}));
  EXPECT_EQ(split("(?=b)", "abab"), (Strs{"a", "ba", "b"}));

  EXPECT_EQ(count("\\d", "a1b2c3d"), 3);
  EXPECT_EQ(count("x*", "abc"), 4);
  EXPECT_EQ(count("x*", "abxd"), 5);
  EXPECT_EQ(count(",", "a,,b"), 2);
  EXPECT_EQ(count("\\d", ""), 0);
  EXPECT_EQ(count("x*", ""), 1);
  EXPECT_EQ(count("\\b", "ab cd"), 4);
  EXPECT_EQ(count("aa", "aaaaa"), 2); // non-overlapping
  EXPECT_EQ(count("\xC3\xA9|", "a\xC3\xA9"
                               "b"),
            4);

  // pieces: long ones share the subject, short ones are copies
  GjRegex *r = re(",");
  GjStr *s = heap("a-rather-long-first-piece,b");
  GjList *l = gj_regex_split(s, r, &kLoc);
  GjStr *p0, *p1;
  gj_list_get(l, 0, &p0, &kLoc);
  gj_list_get(l, 1, &p1, &kLoc);
  EXPECT_EQ(p0->owner, s);
  EXPECT_EQ(p1->owner, nullptr);
  gj_dec(l);
  GjStr *whole = heap("no commas");
  l = gj_regex_split(whole, r, &kLoc);
  gj_list_get(l, 0, &p0, &kLoc);
  EXPECT_EQ(p0, whole); // the whole subject: itself
  gj_dec(l);
  gj_dec(whole);
  gj_dec(s);
  gj_dec(r);
}

// §12, §14: catastrophic backtracking panics naming the pattern.
TEST_F(RegexDeathTest, MatchLimitPanics) {
  EXPECT_EXIT(test("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
              ExitedWithCode(101),
              lit_re("guji: panic: regex match limit exceeded: /(a+)+$/ "
                     "(catastrophic backtracking)\n  at re.guji:5:9\n"));
  static GjRegex *slot;
  EXPECT_EXIT(
      {
        GjRegex *r =
            gj_regex_literal(&slot, "(x+x+)+[yz]", 11, GJ_RE_CASELESS, &kLoc);
        GjStr s = lit("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        gj_regex_count(&s, r, &kLoc);
      },
      ExitedWithCode(101),
      lit_re("regex match limit exceeded: /(x+x+)+[yz]/i (catastrophic "
             "backtracking)"));
}

// No allocation per match: the match data, context and JIT stack are the
// thread's, made once.
TEST_F(Regex, NoAllocationPerMatch) {
  static GjRegex *slot;
  GjRegex *r = gj_regex_literal(&slot, "(\\w+)@(\\w+)\\.com", 16, 0, &kLoc);
  GjRegex *many =
      re("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)(n)(o)(p)(q)(r)(s)");
  GjStr s = lit("write to someone@example.com today");
  GjStr abc = lit("abcdefghijklmnopqrs");
  EXPECT_TRUE(gj_regex_test(&s, r, &kLoc));      // warm up this thread
  EXPECT_TRUE(gj_regex_test(&abc, many, &kLoc)); // grows the match data
  int64_t before = gj_rt_alloc_count();
  int hits = 0;
  for (int i = 0; i < 1000; i++) {
    hits += gj_regex_test(&s, r, &kLoc);
    hits += gj_regex_test(&abc, many, &kLoc);
  }
  EXPECT_EQ(gj_regex_count(&s, r, &kLoc), 1);
  EXPECT_EQ(gj_rt_alloc_count(), before);
  EXPECT_EQ(hits, 2000);
  gj_dec(many);
}

// §16: a shared Regex serves several threads at once; marking a Match
// shared marks its subject and its regex.
TEST_F(Regex, SharedBetweenThreads) {
  GjRegex *r = re("\\d+");
  gj_mark_shared(r);
  EXPECT_LT(((GjHeader *)r)->rc, 0);
  GjStr *pat = gj_regex_pattern(r);
  EXPECT_LT(((GjHeader *)pat)->rc, 0);
  gj_dec(pat);
  std::string text;
  for (int i = 0; i < 200; i++)
    text += "n" + std::to_string(i) + " ";
  std::atomic<int> bad{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; t++)
    ts.emplace_back([&] {
      gj_inc(r);
      for (int k = 0; k < 50; k++) {
        GjStr *s = heap(text);
        if (gj_regex_count(s, r, &kLoc) != 200)
          bad++;
        gj_dec(s);
      }
      gj_dec(r);
    });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(bad.load(), 0);

  GjStr *s = heap("abc 123");
  GjMatch *m = gj_regex_match(s, r, &kLoc);
  gj_mark_shared(m);
  EXPECT_LT(((GjHeader *)m)->rc, 0);
  EXPECT_LT(((GjHeader *)s)->rc, 0);
  EXPECT_EQ(((GjHeader *)s)->rc, -2); // ours and the match's
  GjMatch *mv = m;
  gj_type_match.inc(&mv);
  gj_type_match.dec(&mv);
  gj_dec(m);
  gj_dec(s);
  gj_dec(r);
}

TEST_F(Regex, KindNames) {
  EXPECT_EQ(GJ_KIND_REGEX, 12);
  EXPECT_EQ(GJ_KIND_MATCH, 13);
  GjRegex *r = re("a");
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_REGEX), 1);
  GjStr *s = heap("a");
  GjMatch *m = gj_regex_match(s, r, &kLoc);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_MATCH), 1);
  std::string report =
      gujitest::capture({2}, [] { EXPECT_EQ(gj_rt_leakcheck_report(0), 98); });
  EXPECT_NE(report.find("Regex: 1"), std::string::npos) << report;
  EXPECT_NE(report.find("Match: 1"), std::string::npos) << report;
  gj_dec(m);
  gj_dec(s);
  gj_dec(r);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_REGEX), 0);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_MATCH), 0);
  EXPECT_EQ(std::string(gj_type_regex.name), "Regex");
  EXPECT_EQ(std::string(gj_type_match.name), "Match");
  EXPECT_EQ(gj_type_match.size, 8u);
  EXPECT_EQ(gj_type_match.eq, nullptr);
}

// ---- class runs ------------------------------------------------------------

// (start, end) of every match of r in s.
std::vector<std::pair<int64_t, int64_t>> spans(GjRegex *r, GjStr *s) {
  GjList *l = gj_regex_match_all(s, r, &kLoc);
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t i = 0; i < gj_list_len(l); i++) {
    GjMatch *m;
    gj_list_get(l, i, &m, &kLoc);
    out.emplace_back(gj_match_start(m), gj_match_end(m));
  }
  gj_dec(l);
  return out;
}

// `[…]+` of ASCII members is scanned byte by byte, not run by PCRE2; its
// matches are PCRE2's for `(?:[…])+`, which takes PCRE2's path, on
// subjects mixing every ASCII byte with 2-, 3- and 4-byte characters.
TEST_F(Regex, ClassRunsMatchAsPcre2Does) {
  const char *runs[] = {"[a-z]+", "[^,]+", "[A-Za-z0-9_]+", "[-a]+", "[a-]+",
                        "[]a]+", "[^]a]+", "[\\]\\-]+", "[\\t ]+",
                        "[^\\n\\t ,;]+", "[!-/]+", "[\\x41]+",
                        // 8 row forms (the nibble tables' most), then 9
                        // (negated: all of 0x80.. too; the byte loop)
                        "[\t\x1b!2CTev]+", "[^\t\x1b!2CTev]+"};
  const char *not_runs[] = {"[a-z]*", "[a-z]+?", "[a-z]++", "[\\w]+",
                            "[\\d]+", "[[:alpha:]]+", "[é]+", "[a-z]",
                            "[!-]]+", "x[a-z]+", "[a-z]+x"};
  for (const char *p : not_runs) {
    GjRegex *r = re(p);
    EXPECT_FALSE(gj_rt_regex_is_class_run(r)) << p;
    gj_dec(r);
  }
  std::string pieces[] = {"a", "z", "A", "Z", "_", "0", "9", ",", "-", "]",
                          "\\", "\t", "\n", " ", ";", "!", "/", "é", "€",
                          "𝄞", "\x7f", "\x01", "\x1b", "2", "C", "T", "e", "v",
                          "abcdefghijklmnopqrstu", "veT!2"};
  uint64_t seed = 42;
  for (const char *p : runs) {
    GjRegex *fast = re(p);
    EXPECT_EQ(gj_rt_regex_is_class_run(fast), std::string(p) != "[\\x41]+")
        << p;
    std::string q(p);
    GjRegex *slow = re("(?:" + q.substr(0, q.size() - 1) + ")+");
    EXPECT_FALSE(gj_rt_regex_is_class_run(slow));
    for (int t = 0; t < 300; t++) {
      std::string in;
      int len = t % 41; // subjects past 16 bytes take the 16-byte steps
      for (int i = 0; i < len; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        in += pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])];
      }
      GjStr *s = heap(in);
      EXPECT_EQ(spans(fast, s), spans(slow, s)) << p << " on " << in;
      gj_dec(s);
    }
    gj_dec(fast);
    gj_dec(slow);
  }
}

// `for $m in s.match_all(re)`: a class run's iterator writes each match
// into the Match the loop let go of, so the loop allocates nothing per
// match; a Match the loop kept is left alone.
TEST_F(Regex, MatchIterReusesTheMatchTheLoopDropped) {
  GjRegex *r = re("[a-z]+");
  GjStr *s = heap("one two three four five six");
  GjMatchIter *it = gj_regex_iter(s, r, &kLoc);
  std::vector<std::string> words;
  int64_t live = -1;
  GjMatch *kept = nullptr;
  for (GjMatch *m; (m = gj_match_iter_next(it));) {
    GjStr *t = gj_match_text(m);
    words.push_back(str(t));
    gj_dec(t);
    if (words.size() == 2) {
      kept = m; // the loop keeps this one: the next match is a new Match
      continue;
    }
    gj_dec(m);
    if (words.size() == 3) {
      live = gj_rt_live_objects();
    } else if (words.size() > 3) {
      EXPECT_EQ(gj_rt_live_objects(), live) << words.size();
    }
  }
  EXPECT_EQ(words, (Strs{"one", "two", "three", "four", "five", "six"}));
  EXPECT_EQ(gj_match_start(kept), 4);
  EXPECT_EQ(gj_match_end(kept), 7);
  gj_dec(kept);
  gj_dec(it);
  gj_dec(s);
  gj_dec(r);
}

// Match.text(): a short text dropped by its user (a Map lookup that found
// the key) is refilled with the next one instead of a new Str; a text
// someone kept (an inserted key) is never written again. A long text is a
// slice of the subject, as before.
TEST_F(Regex, MatchTextRefillsTheCopyOnlyItHolds) {
  GjRegex *r = re("[a-z]+");
  GjStr *s = heap("ab cdefgh ijklmnopq xy ab rstuvwxyzabcdefghij z");
  GjMatchIter *it = gj_regex_iter(s, r, &kLoc);
  std::vector<GjStr *> kept;
  std::vector<std::string> words;
  GjStr *prev = nullptr;
  int n = 0;
  for (GjMatch *m; (m = gj_match_iter_next(it)); n++) {
    GjStr *t = gj_match_text(m);
    words.push_back(str(t));
    if (n == 1 || n == 2) { // a dropped short text is refilled in place
      EXPECT_EQ(t, prev) << n;
    }
    if (n == 3) {
      kept.push_back(t); // kept: the next text is a new Str
    } else if (n == 4) {
      EXPECT_NE(t, kept[0]);
      gj_dec(t);
    } else if (n == 5) {
      EXPECT_GT(t->len, 16); // PIECE_COPY_MAX
      EXPECT_EQ(t->owner, s); // a long piece: a slice, as before
      gj_dec(t);
    } else {
      gj_dec(t);
    }
    prev = t;
    gj_dec(m);
  }
  EXPECT_EQ(words, (Strs{"ab", "cdefgh", "ijklmnopq", "xy", "ab",
                         "rstuvwxyzabcdefghij", "z"}));
  EXPECT_EQ(str(kept[0]), "xy"); // unchanged by the texts after it
  gj_dec(kept[0]);
  gj_dec(it);
  gj_dec(s);
  gj_dec(r);
}

} // namespace
