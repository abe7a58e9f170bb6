// TestRunnerTest.cpp — §20: `guji test`'s runtime half. With
// gj_rt_set_panic_ends_task(true) a panic in a task ends only that task
// (after the hook saw its text) and the program goes on; a panic outside
// a task still exits 101. gj_rt_test_main runs C test cases as tasks and
// prints their lines, the failures and the summary. Death tests, so each
// runs in a process of its own (the policy and main's thread are global).
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <unistd.h>

using ::testing::ExitedWithCode;

namespace {

std::atomic<int> g_panics;
char g_last[256];

void record(const char *text, size_t len) {
  size_t n = len < sizeof g_last - 1 ? len : sizeof g_last - 1;
  memcpy(g_last, text, n);
  g_last[n] = 0;
  g_panics.fetch_add(1);
}

void panicking_task(void *arg, void *result) {
  (void)result;
  gj_panic_cstr((const char *)arg, nullptr);
}

void seven(void *arg, void *result) {
  (void)arg;
  int64_t v = 7;
  memcpy(result, &v, sizeof v);
}

// Two tasks panic; each ends alone, the hook sees both, and a third task
// then runs and is joined as usual.
void panics_end_only_their_task() {
  gj_rt_set_panic_hook(record);
  gj_rt_set_panic_ends_task(true);
  gj_task_spawn(panicking_task, (void *)"first", nullptr);
  gj_task_spawn(panicking_task, (void *)"second", nullptr);
  for (int i = 0; i < 5000 && g_panics.load() < 2; i++)
    usleep(1000);
  if (g_panics.load() != 2)
    _exit(3);
  if (!strstr(g_last, "guji: panic: first") &&
      !strstr(g_last, "guji: panic: second"))
    _exit(4);
  GjTask *t = gj_task_spawn(seven, nullptr, &gj_type_int);
  int64_t v = 0;
  gj_task_join(t, &v);
  gj_dec(t);
  _exit(v == 7 ? 0 : 5);
}

TEST(TestRunnerDeathTest, PanicEndsOnlyItsTask) {
  EXPECT_EXIT(panics_end_only_their_task(), ExitedWithCode(0), "");
}

TEST(TestRunnerDeathTest, PanicOutsideATaskStillExits) {
  EXPECT_EXIT(
      {
        gj_rt_set_panic_ends_task(true);
        gj_panic_cstr("on the thread", nullptr);
      },
      ExitedWithCode(101), "guji: panic: on the thread");
}

const GjLoc kLocA = {"t.guji", 3, 1}, kLocB = {"t.guji", 4, 1},
            kPanicAt = {"t.guji", 4, 9}, kLocC = {"t.guji", 5, 1};
void passes() {}
void fails() { gj_panic_cstr("boom", &kPanicAt); }
void hatches() {
  GjTask *t = gj_task_spawn(seven, nullptr, &gj_type_int);
  int64_t v = 0;
  gj_task_join(t, &v);
  gj_dec(t);
  if (v != 7)
    gj_panic_cstr("bad join", nullptr);
}
const GjTestCase kCases[] = {{"passes", passes, &kLocA},
                             {"fails", fails, &kLocB},
                             {"hatches", hatches, &kLocC}};

// Runs kCases (filtered) with the report on stderr, where EXPECT_EXIT
// looks, and exits with gj_rt_test_main's status.
void run_cases(const char *filter) {
  dup2(2, 1);
  GjTestFile f = {kCases, 3, nullptr};
  char arg0[] = "t.guji";
  char *argv[] = {arg0, nullptr};
  exit(gj_rt_test_main(1, argv, &f, 1, filter));
}

TEST(TestRunnerDeathTest, RunsCasesAndReports) {
  EXPECT_EXIT(run_cases(nullptr), ExitedWithCode(1),
              gujitest::lit_re("test passes ... ok\ntest fails ... FAILED\n"
                               "test hatches ... ok\n\nfailures:\n"
                               "  fails: t.guji:4:9: boom\n\n"
                               "2 passed, 1 failed\n"));
}

TEST(TestRunnerDeathTest, FilterCountsTheRest) {
  EXPECT_EXIT(run_cases("pass"), ExitedWithCode(0),
              gujitest::lit_re("test passes ... ok\n\n1 passed, 0 failed, "
                               "2 filtered out\n"));
}

} // namespace
