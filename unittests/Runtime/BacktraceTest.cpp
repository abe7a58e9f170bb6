// BacktraceTest.cpp — §12: the code tables a panic's backtrace reads
// (gujirt.h's GjCodeTable): a code address maps to its sub and the line of
// the last call site at or before it; code outside every table, and code
// that is no sub, maps to nothing.
#include "gujirt.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

// Fake code: three functions in a buffer, registered out of address order
// to check the sort: f at [0, 100), helper (no name) at [100, 200), g at
// [200, 300), the end marker at 300.
alignas(16) char code[400];
GjCodeFn fns[4];
uint32_t order[4];
GjCodeSite sites[4];
GjCodeTable table;

void site(int i, int off, int line, int fn) {
  sites[i].rel = (int32_t)((intptr_t)(code + off) - (intptr_t)&sites[i].rel);
  sites[i].line = line;
  sites[i].fn = fn;
}

void setup() {
  static bool done;
  if (done)
    return;
  done = true;
  fns[0] = {code + 200, "g", "b.guji", 20, 0};
  fns[1] = {code + 0, "f", "a.guji", 1, 0};
  fns[2] = {code + 100, nullptr, nullptr, 0, 0};
  fns[3] = {code + 300, nullptr, nullptr, 0, 0};
  site(0, 10, 3, 1);  // f's call at line 3
  site(1, 50, 5, 0);  // g's code inlined into f, line 22 of g
  sites[1].line = 22;
  site(2, 120, 9, 1); // f inlined into the helper (gj_program_main, say)
  site(3, 250, 24, 0);
  table = {fns, 4, order, sites, sites + 4, nullptr, 0};
  gj_rt_register_code_table(&table);
  gj_rt_register_code_table(&table); // again: no effect
}

uintptr_t at(int off) { return (uintptr_t)(code + off); }

TEST(CodeTable, CallSiteLine) {
  setup();
  GjCodeFrame f;
  ASSERT_TRUE(gj_rt_code_lookup(at(12), &f));
  EXPECT_STREQ(f.name, "f");
  EXPECT_STREQ(f.file, "a.guji");
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.inlined_into, nullptr);
  ASSERT_TRUE(gj_rt_code_lookup(at(260), &f));
  EXPECT_STREQ(f.name, "g");
  EXPECT_EQ(f.line, 24);
}

TEST(CodeTable, InlinedCodeNamesBothSubs) {
  setup();
  GjCodeFrame f;
  ASSERT_TRUE(gj_rt_code_lookup(at(60), &f));
  EXPECT_STREQ(f.name, "g");
  EXPECT_EQ(f.line, 22);
  EXPECT_STREQ(f.inlined_into, "f");
}

TEST(CodeTable, BeforeTheFirstSiteIsTheDefinition) {
  setup();
  GjCodeFrame f;
  ASSERT_TRUE(gj_rt_code_lookup(at(210), &f)); // g's site 2 is f's, before g
  EXPECT_STREQ(f.name, "g");
  EXPECT_EQ(f.line, 20);
  ASSERT_TRUE(gj_rt_code_lookup(at(2), &f));
  EXPECT_STREQ(f.name, "f");
  EXPECT_EQ(f.line, 1);
}

TEST(CodeTable, SubInlinedIntoAHelperIsTheSub) {
  setup();
  GjCodeFrame f;
  ASSERT_TRUE(gj_rt_code_lookup(at(150), &f));
  EXPECT_STREQ(f.name, "f");
  EXPECT_EQ(f.line, 9);
  EXPECT_EQ(f.inlined_into, nullptr);
}

TEST(CodeTable, NotASubOrOutsideIsNothing) {
  setup();
  GjCodeFrame f;
  EXPECT_FALSE(gj_rt_code_lookup(at(105), &f)); // the helper's own code
  EXPECT_FALSE(gj_rt_code_lookup(at(300), &f)); // the end marker
  EXPECT_FALSE(gj_rt_code_lookup(at(399), &f));
  EXPECT_FALSE(gj_rt_code_lookup((uintptr_t)&f, &f));
}

} // namespace
