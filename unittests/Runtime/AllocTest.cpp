// AllocTest.cpp — the object allocator (size classes, per-thread free
// lists), the per-kind live counts and GUJI_LEAKCHECK (§16).
#include "RuntimeTestUtil.h"
#include "../../runtime/src/rt_internal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

using gujitest::capture;

namespace {

TEST(Alloc, ManySizesDoNotOverlapAndKeepTheirBytes) {
  std::vector<std::pair<unsigned char *, size_t>> blocks;
  for (size_t round = 0; round < 4; round++)
    for (size_t size = 1; size <= 1200; size += 7) {
      auto *p = (unsigned char *)gj_alloc(size);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ((uintptr_t)p % 16, 0u) << size;
      memset(p, (int)(size & 0xFF), size);
      blocks.push_back({p, size});
    }
  for (auto &[p, size] : blocks)
    for (size_t i = 0; i < size; i++)
      ASSERT_EQ(p[i], (unsigned char)(size & 0xFF)) << size;
  for (auto &[p, size] : blocks)
    gj_free(p, size);
}

TEST(Alloc, FreedBlockIsReusedLifoWithinItsClass) {
  if (gj_rt_objects_use_malloc())
    GTEST_SKIP() << "built with GUJI_MALLOC_OBJECTS";
  void *a = gj_alloc(40);
  void *b = gj_alloc(40);
  gj_free(a, 40);
  gj_free(b, 40);
  // 33..48 bytes share the 48-byte class; the last freed comes back first.
  EXPECT_EQ(gj_alloc(48), b);
  EXPECT_EQ(gj_alloc(33), a);
  gj_free(a, 33);
  gj_free(b, 48);
}

TEST(Alloc, SmallAllocationsDoNotCallMallocEachTime) {
  if (gj_rt_objects_use_malloc())
    GTEST_SKIP() << "built with GUJI_MALLOC_OBJECTS";
  // 1000 blocks of 64 bytes from 64 KiB chunks: consecutive addresses
  // mostly 64 apart (a bump pointer), not malloc's 80.
  std::vector<char *> ps;
  for (int i = 0; i < 1000; i++)
    ps.push_back((char *)gj_alloc(64));
  int adjacent = 0;
  for (size_t i = 1; i < ps.size(); i++)
    adjacent += ps[i] - ps[i - 1] == 64;
  EXPECT_GT(adjacent, 900);
  for (char *p : ps)
    gj_free(p, 64);
}

// A heap that outgrows its first megabytes takes its 2 MiB chunks from a
// reserve that a background thread faults in ahead of need (alloc.c).
// The thread runs at idle priority: this test sleeps to give it a core.
TEST(Alloc, BigHeapTakesPrefaultedChunksFromTheReserve) {
  if (gj_rt_objects_use_malloc())
    GTEST_SKIP() << "built with GUJI_MALLOC_OBJECTS";
  std::thread([] {
    // A fresh thread: its heap has taken nothing yet.
    const size_t size = 256, per_mb = (1 << 20) / size;
    std::vector<unsigned char *> blocks;
    auto take = [&](size_t mb) {
      for (size_t i = 0; i < mb * per_mb; i++) {
        auto *p = (unsigned char *)gj_alloc(size);
        memset(p, (int)(blocks.size() & 0xFF), size);
        blocks.push_back(p);
      }
    };
    take(3); // past the point where the reserve starts
    for (int i = 0; i < 1000 && gj_rt_reserve_ready() == 0; i++)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GT(gj_rt_reserve_ready(), 0u) << "the filler never ran";
    int64_t before = gj_rt_reserve_taken();
    take(8);
    EXPECT_GT(gj_rt_reserve_taken(), before);
    for (size_t i = 0; i < blocks.size(); i++)
      for (size_t j = 0; j < size; j += 37)
        ASSERT_EQ(blocks[i][j], (unsigned char)(i & 0xFF)) << i;
    for (auto *p : blocks)
      gj_free(p, size);
  }).join();
}

// Blocks of a class that is a multiple of 64 bytes start on a cache line,
// of 32 on half a line; the bytes skipped are blocks of a smaller class.
TEST(Alloc, LineSizedBlocksStartOnALine) {
  if (gj_rt_objects_use_malloc())
    GTEST_SKIP() << "built with GUJI_MALLOC_OBJECTS";
  std::thread([] {
    std::vector<std::pair<void *, size_t>> blocks;
    for (int round = 0; round < 200; round++)
      for (size_t size : {16, 64, 48, 192, 32, 96, 320, 160, 16, 128}) {
        void *p = gj_alloc(size);
        size_t want = size % 64 == 0 ? 64 : size % 32 == 0 ? 32 : 16;
        ASSERT_EQ((uintptr_t)p % want, 0u) << size;
        memset(p, 0x5a, size);
        blocks.push_back({p, size});
      }
    std::set<uintptr_t> seen;
    for (auto &[p, size] : blocks)
      for (size_t off = 0; off < size; off += 16)
        ASSERT_TRUE(seen.insert((uintptr_t)p + off).second) << "overlap";
    for (auto &[p, size] : blocks)
      gj_free(p, size);
  }).join();
}

TEST(Alloc, ObjectsAreCountedPerKind) {
  int64_t all = gj_rt_live_objects();
  int64_t strs = gj_rt_live_objects_of(GJ_KIND_STR);
  int64_t lists = gj_rt_live_objects_of(GJ_KIND_LIST);
  int64_t allocs = gj_rt_alloc_count();
  GjStr *s = gj_str_from_int(12345);
  GjList *l = gj_list_new(&gj_type_int);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR), strs + 1);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_LIST), lists + 1);
  EXPECT_EQ(gj_rt_live_objects(), all + 2);
  EXPECT_EQ(gj_rt_alloc_count(), allocs + 2);
  gj_dec(s);
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects(), all);
}

TEST(Alloc, RawBlocksAreNotObjects) {
  int64_t all = gj_rt_live_objects();
  void *p = gj_alloc(100);
  EXPECT_EQ(gj_rt_live_objects(), all);
  gj_free(p, 100);
  void *o = gj_obj_alloc(24, GJ_KIND_STR);
  EXPECT_EQ(((GjHeader *)o)->rc, 1);
  EXPECT_EQ(((GjHeader *)o)->kind, GJ_KIND_STR);
  EXPECT_EQ(gj_rt_live_objects(), all + 1);
  gj_obj_free(o, 24);
  EXPECT_EQ(gj_rt_live_objects(), all);
}

// An object made on one thread and freed on another: the sum over the
// per-thread counters still comes back to the start.
TEST(Alloc, CrossThreadFreeKeepsCountsRight) {
  int64_t all = gj_rt_live_objects();
  std::vector<GjStr *> made(1000);
  std::thread maker([&] {
    for (auto &s : made)
      s = gj_str_from_int(7);
  });
  maker.join();
  EXPECT_EQ(gj_rt_live_objects(), all + 1000);
  std::thread freer([&] {
    for (auto *s : made)
      gj_dec(s);
  });
  freer.join();
  EXPECT_EQ(gj_rt_live_objects(), all);
}

TEST(Alloc, StrGrowsAcrossClassesAndIntoMalloc) {
  int64_t all = gj_rt_live_objects();
  GjStr *s = gj_str_with_cap(0);
  std::string want;
  for (int i = 0; i < 2000; i++) {
    s = gj_str_append_int(s, i);
    want += std::to_string(i);
  }
  EXPECT_EQ(gujitest::str(s), want);
  gj_dec(s);
  EXPECT_EQ(gj_rt_live_objects(), all);
}

// ---- GUJI_LEAKCHECK -------------------------------------------------------

TEST(LeakCheck, CleanRunKeepsStatusAndPrintsNothing) {
  ASSERT_EQ(gj_rt_live_objects(), 0) << "an earlier test leaked";
  int status = -1;
  std::string err = capture({2}, [&] { status = gj_rt_leakcheck_report(7); });
  EXPECT_EQ(status, 7);
  EXPECT_EQ(err, "");
}

TEST(LeakCheck, LeakedObjectsAreReportedAndChangeTheStatus) {
  ASSERT_EQ(gj_rt_live_objects(), 0) << "an earlier test leaked";
  GjStr *a = gj_str_from_int(1), *b = gj_str_from_int(2);
  GjList *l = gj_list_new(&gj_type_int);
  int status = -1;
  std::string err = capture({2}, [&] { status = gj_rt_leakcheck_report(0); });
  EXPECT_EQ(status, GJ_LEAKCHECK_STATUS);
  EXPECT_EQ(status, 98);
  EXPECT_EQ(err, "guji: leakcheck: 3 objects still live (Str: 2, List: 1)\n");
  gj_dec(a);
  gj_dec(b);
  gj_dec(l);
  EXPECT_EQ(gj_rt_leakcheck_report(0), 0);
}

TEST(LeakCheck, LeakedListNodesAreCaught) {
  GjList *l = gj_list_new(&gj_type_int);
  for (int64_t i = 0; i < 100; i++)
    l = gj_list_push(l, &i);
  EXPECT_GT(gj_rt_live_objects_of(GJ_KIND_LIST_NODE), 0);
  std::string err = capture({2}, [&] { gj_rt_leakcheck_report(0); });
  EXPECT_NE(err.find("ListNode: "), std::string::npos) << err;
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_LIST_NODE), 0);
}

// Kept in a volatile global so that LeakSanitizer (in a GUJI_MALLOC_OBJECTS
// build) still finds it reachable: only the runtime's own count sees it.
GjStr *volatile leaked;

int64_t leaky_main() {
  leaked = gj_str_from_int(42); // never released
  return 0;
}

int64_t clean_main() {
  gj_dec(gj_str_from_int(42));
  return 3;
}

TEST(LeakCheckDeathTest, ProgramThatLeaksExits98) {
  EXPECT_EXIT(
      {
        setenv("GUJI_LEAKCHECK", "1", 1);
        exit(gj_rt_start(0, nullptr, leaky_main));
      },
      testing::ExitedWithCode(98),
      "guji: leakcheck: [0-9]+ objects still live \\(Str: [0-9]+\\)");
}

TEST(LeakCheckDeathTest, CleanProgramKeepsItsStatus) {
  EXPECT_EXIT(
      {
        setenv("GUJI_LEAKCHECK", "1", 1);
        exit(gj_rt_start(0, nullptr, clean_main));
      },
      testing::ExitedWithCode(3), "^$");
}

TEST(LeakCheckDeathTest, WithoutTheVariableNothingIsChecked) {
  EXPECT_EXIT(
      {
        unsetenv("GUJI_LEAKCHECK");
        exit(gj_rt_start(0, nullptr, leaky_main));
      },
      testing::ExitedWithCode(0), "^$");
}

} // namespace
