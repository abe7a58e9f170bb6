// StartTest.cpp — §3 start-up (arguments, exit status) and §8 stack
// overflow: the stack limit generated code checks, and the SIGSEGV
// handler behind it.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <sys/resource.h>

using ::testing::ExitedWithCode;

namespace {

// Checks what gj_rt_start set up; the status says which check failed.
int64_t checkStartup() {
  char *sp = (char *)__builtin_frame_address(0);
  if (gj_rt_argc() != 2)
    return 10;
  char **argv = gj_rt_argv();
  if (std::string(argv[0]) != "a" || std::string(argv[1]) != "b c")
    return 11;
  // §17: main runs as a task, on a stack of its own, whose limit is the
  // thread-local one generated code checks
  if (!gj_task_in_task())
    return 12;
  if (!gj_task_stack_limit || gj_task_stack_limit >= sp)
    return 13;
  if (sp - gj_task_stack_limit < (intptr_t)1 << 20) // main's: 8 MiB or more
    return 14;
  if (sp - gj_task_stack_limit > (intptr_t)1 << 32) // but not absurdly
    return 15;
  GjStr s{{0, GJ_KIND_STR, 0}, 2, "hi", 0, nullptr};
  gj_write_str(&s, GJ_WRITE_NL); // flushed by gj_rt_start on return
  return 7;
}

[[noreturn]] void startWithArgs() {
  dup2(2, 1);
  char prog[] = "prog", a[] = "a", bc[] = "b c";
  char *argv[] = {prog, a, bc, nullptr};
  _exit(gj_rt_start(3, argv, checkStartup));
}

[[noreturn]] void startNoArgs(int64_t (*entry)(void)) {
  char *argv[] = {nullptr};
  _exit(gj_rt_start(0, argv, entry));
}

TEST(StartDeathTest, RunsEntryAndReturnsStatus) {
  EXPECT_EXIT(startWithArgs(), ExitedWithCode(7), "^hi\n$");
}

// What every generated sub does at entry (§8).
const GjLoc kLoc = {"deep.guji", 2, 5};
__attribute__((noinline)) int64_t recurseChecked(int64_t n) {
  volatile char pad[256];
  if (n < 0) // never: keeps the compiler from seeing endless recursion
    return 0;
  pad[0] = (char)n;
  if ((char *)__builtin_frame_address(0) < gj_task_stack_limit)
    gj_panic_stack_overflow(&kLoc);
  return recurseChecked(n + 1) + pad[0];
}
int64_t deepChecked() { return recurseChecked(0); }

TEST(StartDeathTest, StackLimitCheckPanics) {
  EXPECT_EXIT(startNoArgs(deepChecked), ExitedWithCode(101),
      gujitest::lit_re("guji: panic: stack overflow\n  at deep.guji:2:5\n"));
}

#if defined(__SANITIZE_ADDRESS__)
#define GUJI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GUJI_ASAN 1
#endif
#endif

#ifndef GUJI_ASAN // ASan reports these faults itself
// C code that runs off the stack without checking: the SIGSEGV handler
// still reports a stack overflow panic.
__attribute__((noinline)) int64_t recurseUnchecked(int64_t n) {
  volatile char pad[1024];
  if (n < 0)
    return 0;
  pad[n % 1024] = (char)n;
  return recurseUnchecked(n + 1) + pad[0];
}
int64_t deepUnchecked() { return recurseUnchecked(0); }

TEST(StartDeathTest, SegvNearStackEndIsStackOverflow) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY)
    GTEST_SKIP() << "unlimited stack: unchecked C recursion exhausts memory";
  EXPECT_EXIT(startNoArgs(deepUnchecked), ExitedWithCode(101), gujitest::lit_re("guji: panic: stack overflow\n"));
}

int64_t badPointer() {
  volatile uintptr_t addr = 16; // opaque to the compiler
  return *(volatile int *)addr;
}

TEST(StartDeathTest, OtherSegvIsFatal) {
  EXPECT_EXIT(startNoArgs(badPointer), ::testing::KilledBySignal(SIGSEGV),
      gujitest::lit_re("guji: fatal: segmentation fault\n"));
}
#endif

} // namespace
