// RuntimeTestUtil.h — helpers shared by the runtime's unit tests: capture
// what the runtime writes to a file descriptor, and view a GjStr as a
// std::string.
#ifndef GUJI_UNITTESTS_RUNTIME_TESTUTIL_H
#define GUJI_UNITTESTS_RUNTIME_TESTUTIL_H

#include "gujirt.h"

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <unistd.h>

namespace gujitest {

// Sanitizer builds run the heavy tests smaller: TSan is 5-15x slower and
// counts every live task as a thread (at most 8128).
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif
// n, or n / div in a sanitizer build.
constexpr int64_t scaled(int64_t n, int64_t div) {
  return kSanitized ? n / div : n;
}

inline std::string str(const GjStr *s) {
  return s->len ? std::string(s->ptr, (size_t)s->len) : std::string();
}

// Runs fn with the descriptors in `fds` pointed at one temporary file, then
// flushes the runtime's stdout buffer and returns what arrived.
inline std::string capture(std::initializer_list<int> fds,
                           const std::function<void()> &fn) {
  fflush(stdout);
  fflush(stderr);
  FILE *tmp = tmpfile();
  int saved[3] = {-1, -1, -1};
  for (int fd : fds) {
    saved[fd] = dup(fd);
    dup2(fileno(tmp), fd);
  }
  fn();
  gj_flush();
  for (int fd : fds) {
    dup2(saved[fd], fd);
    close(saved[fd]);
  }
  std::string out;
  rewind(tmp);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, tmp)) > 0)
    out.append(buf, n);
  fclose(tmp);
  return out;
}

// A death-test pattern matching `text` literally (gtest uses POSIX
// extended regular expressions on Linux).
inline std::string lit_re(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (strchr(".[]{}()\\*+?|^$", c))
      out += '\\';
    out += c;
  }
  return out;
}

// The live object count once it reaches `want` (or after a second): a
// joined task's worker may still be dropping the task's own reference to
// its handle when join returns.
inline int64_t liveObjectsSettled(int64_t want) {
  int64_t n = gj_rt_live_objects();
  for (int i = 0; i < 1000 && n != want; i++) {
    usleep(1000);
    n = gj_rt_live_objects();
  }
  return n;
}

// The live object count once tasks of earlier tests have stopped changing
// it (two equal samples 2 ms apart): a baseline for liveObjectsSettled.
inline int64_t liveObjectsQuiet() {
  int64_t n = gj_rt_live_objects();
  for (int i = 0; i < 500; i++) {
    usleep(2000);
    int64_t m = gj_rt_live_objects();
    if (m == n)
      break;
    n = m;
  }
  return n;
}

inline std::string captureStdout(const std::function<void()> &fn) {
  return capture({1}, fn);
}

} // namespace gujitest

#endif
