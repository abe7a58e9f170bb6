/* alloc.c — the object allocator, live-object counts and GUJI_LEAKCHECK.
 *
 * Small blocks (up to 512 bytes) come from size classes: multiples of 16
 * up to 128, then 160..256 by 32, 272 (a list node: an 8-byte header and
 * 32 eight-byte slots), 320, 384, 448, 512. Each thread has its own free
 * list per class (LIFO, so the block freed last, still in cache, is the
 * next one handed out) and a bump region carved from 64 KiB chunks taken
 * from malloc. No lock and no atomic operation on either path. Larger
 * blocks go to malloc. A block is never returned to the OS; a block freed
 * on another thread joins that thread's list.
 *
 * The caller says the size at free time (each kind's free routine computes
 * it from the object: sizeof(GjStr) + cap, a node's capacity), so blocks
 * carry no size field and the header's flags stay free for the kinds.
 *
 * Chunks are linked from a global list, so memory on a free list (or the
 * free lists of a thread that exited) stays reachable and LeakSanitizer
 * sees no leak there — and, by the same token, cannot see a leaked object.
 * Hence the counts: every object made by gj_rt_alloc is counted live under
 * its kind until gj_rt_free. Counters are per thread (plain loads and
 * stores, no lock prefix) in a block that outlives the thread; a sum over
 * all blocks is the live count. GUJI_LEAKCHECK=1 makes gj_rt_start check
 * at exit that the sum is zero. With GUJI_MALLOC_OBJECTS (a CMake option)
 * every block is its own malloc, so ASan and LSan see each object.
 */
#define _GNU_SOURCE
#include "rt_internal.h"

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef GUJI_MALLOC_OBJECTS
#define GUJI_MALLOC_OBJECTS 0
#endif

#define MAX_SMALL 512
#define CHUNK_SIZE ((size_t)64 * 1024)
#define CHUNK_HEAD 16 /* the link to the next chunk, keeping 16-byte alignment */

static const uint16_t class_size[] = {16,  32,  48,  64,  80,  96,
                                      112, 128, 160, 192, 224, 256,
                                      272, 320, 384, 448, 512};
enum { NCLASSES = sizeof class_size / sizeof class_size[0] };

/* class_of[(size + 15) / 16]: the smallest class that holds size bytes. */
static const uint8_t class_of[MAX_SMALL / 16 + 1] = {
    0,  0,  1,  2,  3,  4,  5,  6,  7,  /* 0..128 */
    8,  8,  9,  9,  10, 10, 11, 11,     /* ..256 */
    12,                                 /* 272 */
    13, 13, 13, 14, 14, 14, 14,         /* 320, 384 */
    15, 15, 15, 15, 16, 16, 16, 16};    /* 448, 512 */

typedef struct FreeBlock {
  struct FreeBlock *next;
} FreeBlock;

typedef struct ThreadHeap {
  FreeBlock *free[NCLASSES];
  char *bump, *bump_end;
  size_t chunk_bytes;  /* taken from the system so far */
  /* Written only by the owning thread; read by anyone summing. */
  _Atomic int64_t live[GJ_KIND__COUNT];
  _Atomic int64_t allocs;
  struct ThreadHeap *next;
} ThreadHeap;

static _Thread_local ThreadHeap *tl_heap
    __attribute__((tls_model("initial-exec")));
static _Atomic(ThreadHeap *) all_heaps;
static _Atomic(void *) all_chunks;

static const char *const kind_names[GJ_KIND__COUNT] = {
    [GJ_KIND_STR] = "Str",
    [GJ_KIND_LIST] = "List",
    [GJ_KIND_LIST_NODE] = "ListNode",
    [GJ_KIND_MAP] = "Map",
    [GJ_KIND_MAP_NODE] = "MapNode",
    [GJ_KIND_OBJ] = "Obj",
    [GJ_KIND_CLOSURE] = "closure",
    [GJ_KIND_TASK] = "Task",
    [GJ_KIND_CHAN] = "Chan",
    [GJ_KIND_REGEX] = "Regex",
    [GJ_KIND_MATCH] = "Match",
    [GJ_KIND_LINES] = "Lines",
    [GJ_KIND_MATCH_ITER] = "MatchIter",
};

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    gj_rt_fatal("out of memory");
  return p;
}

/* A thread's first allocation or free makes its heap block; the block is
 * never freed (its counts must survive the thread). */
static __attribute__((noinline)) ThreadHeap *heap_init(void) {
  ThreadHeap *th = calloc(1, sizeof *th);
  if (!th)
    gj_rt_fatal("out of memory");
  ThreadHeap *head = atomic_load_explicit(&all_heaps, memory_order_relaxed);
  do
    th->next = head;
  while (!atomic_compare_exchange_weak_explicit(
      &all_heaps, &head, th, memory_order_release, memory_order_relaxed));
  tl_heap = th;
  return th;
}

static inline ThreadHeap *heap(void) {
  ThreadHeap *th = tl_heap;
  return __builtin_expect(th != NULL, 1) ? th : heap_init();
}

/* Owner-only increment without a locked instruction. */
static inline void bump_counter(_Atomic int64_t *c, int64_t d) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                        memory_order_relaxed);
}

/* A chunk for the bump region: 64 KiB from malloc while the thread has
 * taken less than SMALL_CHUNKS_UPTO (a small program touches few pages),
 * then 2 MiB mapped 2 MiB-aligned (one mapping, no malloc header). */
#define SMALL_CHUNKS_UPTO ((size_t)4 << 20)
#define HUGE_CHUNK ((size_t)2 << 20)

static char *huge_chunk(void) {
  size_t span = 2 * HUGE_CHUNK;
  char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  char *a = (char *)(((uintptr_t)p + HUGE_CHUNK - 1) & ~(uintptr_t)(HUGE_CHUNK - 1));
  if (a > p)
    munmap(p, (size_t)(a - p));
  if (a + HUGE_CHUNK < p + span)
    munmap(a + HUGE_CHUNK, (size_t)(p + span - (a + HUGE_CHUNK)));
  return a;
}

/* ---- the reserve of pre-faulted huge pages ------------------------------- *
 *
 * A program that holds tens of megabytes in a trie walks it with a TLB
 * miss at nearly every node below the first levels: with 4 KiB pages,
 * mapint's lookups and inserts took 27% and 21% longer than in memory
 * backed by 2 MiB pages. But a huge page costs its first toucher 4-8 ms
 * on this kind of VM (the host backs 2 MiB of fresh guest memory; mapping
 * them on the allocating thread, tried before, made mapversions 1.3 s
 * slower). So the faulting is done ahead of need by a thread of its own,
 * at SCHED_IDLE priority: it keeps RESERVE chunks mapped with
 * MADV_HUGEPAGE and touched, and a thread whose heap outgrows
 * SMALL_CHUNKS_UPTO takes one when there is one. It runs only on a core
 * nothing else wants, so when every core is busy the reserve stays empty
 * and chunks come as before: ordinary pages, faulted by their user. It
 * starts once some heap has taken RESERVE_FROM, so small programs never
 * have it. Slots are handed over by atomic exchange, the filler sleeps on
 * a semaphore: no lock a preempted idle thread could hold. Where the
 * kernel gives no huge pages (THP off) the reserve still saves the
 * allocating thread its 4 KiB faults. */
enum { RESERVE = 4 };
#define RESERVE_FROM ((size_t)2 << 20)

static _Atomic(char *) reserve[RESERVE];
static sem_t reserve_wanted;
static atomic_bool reserve_started;
static _Atomic int64_t reserve_taken;

static void *reserve_filler(void *arg) {
  (void)arg;
  struct sched_param sp = {0};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
  for (;;) {
    for (unsigned i = 0; i < RESERVE; i++) {
      if (atomic_load_explicit(&reserve[i], memory_order_relaxed))
        continue;
      char *c = huge_chunk();
      if (!c)
        return NULL;
#ifdef MADV_HUGEPAGE
      madvise(c, HUGE_CHUNK, MADV_HUGEPAGE);
#endif
      for (size_t off = 0; off < HUGE_CHUNK; off += 4096)
        ((volatile char *)c)[off] = 0;
      atomic_store_explicit(&reserve[i], c, memory_order_release);
    }
    while (sem_wait(&reserve_wanted) != 0) /* EINTR */
      ;
  }
}

static void reserve_start(void) {
  if (atomic_exchange_explicit(&reserve_started, true, memory_order_relaxed))
    return;
  pthread_t th;
  pthread_attr_t attr;
  if (sem_init(&reserve_wanted, 0, 0) != 0 || pthread_attr_init(&attr) != 0)
    return;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  if (pthread_create(&th, &attr, reserve_filler, NULL) == 0)
    pthread_setname_np(th, "guji-mem");
  pthread_attr_destroy(&attr);
}

static char *reserve_take(void) {
  for (unsigned i = 0; i < RESERVE; i++) {
    if (!atomic_load_explicit(&reserve[i], memory_order_relaxed))
      continue;
    char *c = atomic_exchange_explicit(&reserve[i], NULL, memory_order_acquire);
    if (c) {
      atomic_fetch_add_explicit(&reserve_taken, 1, memory_order_relaxed);
      sem_post(&reserve_wanted);
      return c;
    }
  }
  return NULL;
}

unsigned gj_rt_reserve_ready(void) {
  unsigned n = 0;
  for (unsigned i = 0; i < RESERVE; i++)
    n += atomic_load_explicit(&reserve[i], memory_order_relaxed) != NULL;
  return n;
}

int64_t gj_rt_reserve_taken(void) {
  return atomic_load_explicit(&reserve_taken, memory_order_relaxed);
}

static char *new_chunk(ThreadHeap *th, size_t *size) {
  char *chunk = NULL;
  *size = CHUNK_SIZE;
  if (th->chunk_bytes >= RESERVE_FROM)
    reserve_start();
  if (th->chunk_bytes >= SMALL_CHUNKS_UPTO &&
      ((chunk = reserve_take()) || (chunk = huge_chunk())))
    *size = HUGE_CHUNK;
  if (!chunk)
    chunk = xmalloc(CHUNK_SIZE);
  th->chunk_bytes += *size;
  return chunk;
}

/* A block of a class that is a multiple of 64 bytes is carved on a cache
 * line (of 32, on half a line), so an object that fits in a line is one
 * miss, never two: a 64-byte Str (a map's key, its bytes inline after the
 * 40-byte struct) used to straddle two lines, chunks starting at 16 mod
 * 64. The bytes skipped to get there (16, 32 or 48) go on the free list of
 * their own class. */
static inline size_t block_align(size_t csize) {
  size_t a = csize & (~csize + 1); /* the largest power of two dividing it */
  return a > 64 ? 64 : a;
}

static __attribute__((noinline)) void *refill(ThreadHeap *th, size_t csize) {
  size_t pad = (size_t)(-(uintptr_t)th->bump) & (block_align(csize) - 1);
  if ((size_t)(th->bump_end - th->bump) < pad + csize) {
    size_t size;
    char *chunk = new_chunk(th, &size);
    void *head = atomic_load_explicit(&all_chunks, memory_order_relaxed);
    do
      *(void **)chunk = head;
    while (!atomic_compare_exchange_weak_explicit(
        &all_chunks, &head, chunk, memory_order_release, memory_order_relaxed));
    th->bump = chunk + CHUNK_HEAD;
    th->bump_end = chunk + size;
    pad = (size_t)(-(uintptr_t)th->bump) & (block_align(csize) - 1);
  }
  if (pad) {
    FreeBlock *b = (FreeBlock *)th->bump;
    unsigned c = class_of[pad >> 4];
    b->next = th->free[c];
    th->free[c] = b;
    th->bump += pad;
  }
  void *p = th->bump;
  th->bump += csize;
  return p;
}

static inline void *alloc_block(ThreadHeap *th, size_t size) {
  bump_counter(&th->allocs, 1);
  /* rounded up to 16, as a size class would be: compiled code may build
   * an object of another size in the same class in this block (GIR.h's
   * REUSE, gir_ctor_reuse_class) */
  if (GUJI_MALLOC_OBJECTS || size > MAX_SMALL)
    return xmalloc((size + 15) & ~(size_t)15);
  unsigned c = class_of[(size + 15) >> 4];
  FreeBlock *b = th->free[c];
  if (__builtin_expect(b != NULL, 1)) {
    th->free[c] = b->next;
    return b;
  }
  return refill(th, class_size[c]);
}

static inline void free_block(ThreadHeap *th, void *p, size_t size) {
  if (GUJI_MALLOC_OBJECTS || size > MAX_SMALL) {
    free(p);
    return;
  }
  unsigned c = class_of[(size + 15) >> 4];
  FreeBlock *b = p;
  b->next = th->free[c];
  th->free[c] = b;
}

void *gj_alloc(size_t size) { return alloc_block(heap(), size); }

void gj_free(void *p, size_t size) {
  if (p)
    free_block(heap(), p, size);
}

void *gj_obj_alloc(size_t size, uint32_t kind) {
  ThreadHeap *th = heap();
  GjHeader *h = alloc_block(th, size);
  h->rc = 1;
  h->kind = (uint16_t)kind;
  h->flags = 0;
  if (kind < GJ_KIND__COUNT)
    bump_counter(&th->live[kind], 1);
  return h;
}

void gj_obj_free(void *obj, size_t size) {
  ThreadHeap *th = heap();
  uint16_t kind = ((GjHeader *)obj)->kind;
  if (kind < GJ_KIND__COUNT)
    bump_counter(&th->live[kind], -1);
  free_block(th, obj, size);
}

void *gj_rt_alloc(size_t size, GjKind kind) {
  return gj_obj_alloc(size, (uint32_t)kind);
}

void gj_rt_free(void *obj, size_t size) { gj_obj_free(obj, size); }

void *gj_rt_realloc(void *obj, size_t old_size, size_t new_size) {
  if (GUJI_MALLOC_OBJECTS || (old_size > MAX_SMALL && new_size > MAX_SMALL)) {
    void *p = realloc(obj, (new_size + 15) & ~(size_t)15);
    if (!p)
      gj_rt_fatal("out of memory");
    bump_counter(&heap()->allocs, 1);
    return p;
  }
  if (old_size <= MAX_SMALL && new_size <= MAX_SMALL &&
      class_of[(old_size + 15) >> 4] == class_of[(new_size + 15) >> 4])
    return obj; /* same class: the block already has the room */
  ThreadHeap *th = heap();
  void *p = alloc_block(th, new_size);
  memcpy(p, obj, old_size < new_size ? old_size : new_size);
  free_block(th, obj, old_size);
  return p;
}

/* ---- counts -------------------------------------------------------------- */

static int64_t sum_live(unsigned kind) {
  int64_t n = 0;
  for (ThreadHeap *th = atomic_load_explicit(&all_heaps, memory_order_acquire);
       th; th = th->next)
    n += atomic_load_explicit(&th->live[kind], memory_order_relaxed);
  return n;
}

int64_t gj_rt_live_objects_of(GjKind kind) {
  return (unsigned)kind < GJ_KIND__COUNT ? sum_live((unsigned)kind) : 0;
}

int64_t gj_rt_live_objects(void) {
  int64_t n = 0;
  for (unsigned k = 0; k < GJ_KIND__COUNT; k++)
    n += sum_live(k);
  return n;
}

int64_t gj_rt_alloc_count(void) {
  int64_t n = 0;
  for (ThreadHeap *th = atomic_load_explicit(&all_heaps, memory_order_acquire);
       th; th = th->next)
    n += atomic_load_explicit(&th->allocs, memory_order_relaxed);
  return n;
}

bool gj_rt_objects_use_malloc(void) { return GUJI_MALLOC_OBJECTS; }

void gj_rt_allocstats_report(void) {
  char msg[128];
  int n = snprintf(msg, sizeof msg,
                   "guji: allocstats: %lld blocks allocated, %lld objects "
                   "still live\n",
                   (long long)gj_rt_alloc_count(),
                   (long long)gj_rt_live_objects());
  if (n > 0)
    gj_rt_write_fd(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* GUJI_LEAKCHECK: "guji: leakcheck: 3 objects still live (Str: 2, List: 1)"
 * and status GJ_LEAKCHECK_STATUS when anything is live. */
int gj_rt_leakcheck_report(int status) {
  int64_t total = gj_rt_live_objects();
  if (total == 0)
    return status;
  char msg[256];
  char num[24];
  size_t len = 0;
#define PUT(p, n)                                                             \
  do {                                                                        \
    size_t n_ = (n);                                                          \
    if (len + n_ < sizeof msg) {                                              \
      memcpy(msg + len, (p), n_);                                             \
      len += n_;                                                              \
    }                                                                         \
  } while (0)
  PUT("guji: leakcheck: ", 17);
  PUT(num, (size_t)gj_rt_fmt_int(total, num));
  PUT(" objects still live (", 21);
  const char *sep = "";
  for (unsigned k = 0; k < GJ_KIND__COUNT; k++) {
    int64_t n = sum_live(k);
    if (n == 0)
      continue;
    const char *name = kind_names[k] ? kind_names[k] : "?";
    PUT(sep, strlen(sep));
    PUT(name, strlen(name));
    PUT(": ", 2);
    PUT(num, (size_t)gj_rt_fmt_int(n, num));
    sep = ", ";
  }
  PUT(")\n", 2);
#undef PUT
  gj_flush();
  gj_rt_write_fd(2, msg, len);
  return GJ_LEAKCHECK_STATUS;
}
