/* stack.c — task stacks: carved from slabs, pooled, reused.
 *
 * A slab is one anonymous mapping holding STACKS_PER_SLAB stacks back to
 * back: no guard page between them, because Linux allows 65,530 mappings
 * per process by default and a guard page per stack would split the
 * mapping in two per task (stopping near 32,000 tasks). Overflow is
 * instead caught by the stack-limit check every guji sub makes on entry
 * (gj_task_stack_limit, a margin above the stack's low end). The mapping
 * is MAP_NORESERVE and never touched here, so a stack costs memory only
 * for the pages its task actually uses; transparent huge pages are off
 * for slabs (a 2 MiB page would commit 32 stacks at once).
 *
 * A slab's fiber records are one array beside it, one cache line each,
 * not on the stacks: a spawn writes only the record, and the stack's
 * first page is first touched — and faulted in, zeroed by the kernel —
 * by the worker that first runs the task (sched.c makes the initial frame
 * there). A million spawns from one task would otherwise take a million
 * page faults on the spawner's worker while the others wait for work.
 *
 * Each worker has its own pool (no lock): dead fibers are pushed on its
 * free list and reused LIFO, the most recently used stack being warm in
 * cache and already committed. A pool holding more than POOL_MAX moves
 * POOL_MOVE of them to the shared pool, and an empty one refills from
 * there before carving more of its slab, so stacks freed on one worker
 * serve spawns on another. Threads outside the pool use the shared pool
 * under its lock. Stacks are never unmapped.
 *
 * Size: GUJI_STACK_KB (KiB, at least 16), default 64 (256 in sanitizer
 * builds, whose frames are larger).
 */
#include "task_internal.h"

#include <stdlib.h>
#include <sys/mman.h>

enum { STACKS_PER_SLAB = 256, POOL_MAX = 256, POOL_MOVE = 128,
       POOL_REFILL = 64 };
/* a record's share of its array: whole cache lines, so that records of
 * tasks on different workers never share one */
#define REC_STRIDE ((sizeof(GjRtFiber) + 63) & ~(size_t)63)

#if GJ_RT_ASAN || GJ_RT_TSAN
#define DEFAULT_STACK_KB 256
#else
#define DEFAULT_STACK_KB 64
#endif
#define MAX_MARGIN ((size_t)64 * 1024)

static _Atomic size_t stack_size; /* 0 until first use */
static _Atomic int64_t slabs;
static GjRtLock shared_lock;
static GjRtStackPool shared_pool;

#if GJ_RT_ASAN
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif

/* GUJI_STACK_KB, validated: rounded up to whole pages, at least 16 KiB. */
static size_t read_stack_size(void) {
  size_t kb = DEFAULT_STACK_KB;
  const char *env = getenv("GUJI_STACK_KB");
  if (env && *env) {
    char *end;
    long long v = strtoll(env, &end, 10);
    if (*end || v < 16 || v > 1024 * 1024)
      gj_rt_fatal("GUJI_STACK_KB must be a number of KiB from 16 to 1048576");
    kb = (size_t)v;
  }
  return (kb * 1024 + 4095) & ~(size_t)4095;
}

size_t gj_rt_stack_size(void) {
  size_t s = atomic_load_explicit(&stack_size, memory_order_relaxed);
  if (__builtin_expect(s == 0, 0)) {
    s = read_stack_size(); /* racing first callers compute the same */
    atomic_store_explicit(&stack_size, s, memory_order_relaxed);
  }
  return s;
}

size_t gj_rt_stack_margin(void) {
  size_t m = gj_rt_stack_size() / 4;
  return m < MAX_MARGIN ? m : MAX_MARGIN;
}

int64_t gj_rt_stack_slabs(void) {
  return atomic_load_explicit(&slabs, memory_order_relaxed);
}

static void new_slab(GjRtStackPool *p) {
  size_t len = gj_rt_stack_size() * STACKS_PER_SLAB;
  char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED)
    gj_rt_fatal("out of memory for task stacks (mmap failed)");
  madvise(m, len, MADV_NOHUGEPAGE);
  char *recs = aligned_alloc(64, REC_STRIDE * STACKS_PER_SLAB);
  if (!recs)
    gj_rt_fatal("out of memory for task records");
  atomic_fetch_add_explicit(&slabs, 1, memory_order_relaxed);
  p->slab_next = m;
  p->slab_end = m + len;
  p->rec_next = recs;
}

/* A fresh stack from p's slab, with its record. */
static GjRtFiber *carve(GjRtStackPool *p) {
  size_t size = gj_rt_stack_size();
  if (p->slab_next == p->slab_end)
    new_slab(p);
  char *lo = p->slab_next;
  p->slab_next += size;
  GjRtFiber *f = (GjRtFiber *)p->rec_next;
  p->rec_next += REC_STRIDE;
  f->ctx.stack_lo = lo;
  f->ctx.stack_size = size;
  f->own_base = NULL;
  f->own_len = 0;
  return f;
}

enum { MAIN_GUARD = 64 * 1024 };

GjRtFiber *gj_rt_stack_own(size_t size) {
  size = (size + 4095) & ~(size_t)4095;
  char *lo = mmap(NULL, size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (lo == MAP_FAILED)
    gj_rt_fatal("out of memory for main's stack (mmap failed)");
  /* one stack, so one guard is affordable: C code that runs past the
   * end faults there, and start.c reports a stack overflow */
  mprotect(lo, MAIN_GUARD, PROT_NONE);
  uintptr_t rec = ((uintptr_t)(lo + size) - sizeof(GjRtFiber)) & ~(uintptr_t)63;
  GjRtFiber *f = (GjRtFiber *)rec;
  f->ctx.stack_lo = lo + MAIN_GUARD;
  f->ctx.stack_size = (size_t)((char *)f - (lo + MAIN_GUARD));
  f->own_base = lo;
  f->own_len = size;
  return f;
}

/* Moves up to n fibers from the shared pool to p. */
static void refill(GjRtStackPool *p, int n) {
  gj_rt_lock(&shared_lock);
  while (n-- > 0 && shared_pool.free) {
    GjRtFiber *f = shared_pool.free;
    shared_pool.free = f->next;
    shared_pool.nfree--;
    f->next = p->free;
    p->free = f;
    p->nfree++;
  }
  gj_rt_unlock(&shared_lock);
}

static GjRtFiber *pool_pop(GjRtStackPool *p) {
  GjRtFiber *f = p->free;
  if (f) {
    p->free = f->next;
    p->nfree--;
#if GJ_RT_ASAN
    /* the dead task's frames never returned: clear their redzones */
    __asan_unpoison_memory_region(f->ctx.stack_lo, f->ctx.stack_size);
#endif
  }
  return f;
}

GjRtFiber *gj_rt_stack_get(GjRtStackPool *p) {
  if (!p) {
    gj_rt_lock(&shared_lock);
    GjRtFiber *f = pool_pop(&shared_pool);
    if (!f)
      f = carve(&shared_pool);
    gj_rt_unlock(&shared_lock);
    return f;
  }
  if (!p->free && p->slab_next == p->slab_end)
    refill(p, POOL_REFILL); /* once per slab's worth of carving */
  GjRtFiber *f = pool_pop(p);
  return f ? f : carve(p);
}

/* Hands POOL_MOVE of p's fibers to the shared pool. */
static void spill(GjRtStackPool *p) {
  GjRtFiber *first = p->free, *last = first;
  for (int i = 1; i < POOL_MOVE; i++)
    last = last->next;
  p->free = last->next;
  p->nfree -= POOL_MOVE;
  gj_rt_lock(&shared_lock);
  last->next = shared_pool.free;
  shared_pool.free = first;
  shared_pool.nfree += POOL_MOVE;
  gj_rt_unlock(&shared_lock);
}

void gj_rt_stack_put(GjRtStackPool *p, GjRtFiber *f) {
  if (f->own_base) {
#if GJ_RT_ASAN
    /* ASan keeps the shadow of unmapped memory: the dead task's redzones
     * (its last switch_out's frame never returned) would greet the next
     * mapping at this address, another main's or test's stack, as stack
     * errors in its uninstrumented JIT frames */
    __asan_unpoison_memory_region(f->ctx.stack_lo, f->ctx.stack_size);
#endif
    munmap(f->own_base, f->own_len);
    return;
  }
  if (!p) {
    gj_rt_lock(&shared_lock);
    f->next = shared_pool.free;
    shared_pool.free = f;
    shared_pool.nfree++;
    gj_rt_unlock(&shared_lock);
    return;
  }
  f->next = p->free;
  p->free = f;
  if (++p->nfree > POOL_MAX)
    spill(p);
}
