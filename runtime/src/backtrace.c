/* backtrace.c — the guji frames of a panicking task (§12).
 *
 * Takes the code tables modules register (gujirt.h's GjCodeTable) and a
 * frame pointer; gives the text panic.c prints after the panic's location:
 *     backtrace:
 *       get_third  prog.guji:4
 *       main       prog.guji:13
 * Generated code keeps frame pointers and so does the runtime (its
 * CMake flags), so the frame records form a chain: fp[0] is the caller's
 * frame pointer, fp[1] the return address (x86-64 and AArch64 alike).
 * The walk follows it only while each record lies on the task's stack,
 * above the previous one, and 8-byte aligned: a broken chain ends the
 * backtrace, it never faults. Return addresses outside every table
 * (runtime C code) and in code that is not a sub are skipped.
 *
 * A panic may run at the end of a stack or in the SIGSEGV handler: no
 * malloc, no stdio, no locks; the text goes to a static buffer (only one
 * panic formats at a time, panic.c). Registration happens at start-up and
 * sorts each table's `order` once, so lookups are binary searches.
 */
#include "task_internal.h"

#include <stdatomic.h>

enum { MAX_SHOWN = 64, MAX_WALK = 1 << 20 };

static _Atomic(GjCodeTable *) tables;

static uintptr_t fn_start(const GjCodeTable *t, uint32_t i) {
  return (uintptr_t)t->fns[t->order[i]].start;
}

static uintptr_t site_addr(const GjCodeSite *s) {
  return (uintptr_t)&s->rel + (uintptr_t)(intptr_t)s->rel;
}

/* Insertion sort: module order is (nearly always) address order. */
static void sort_order(GjCodeTable *t) {
  for (uint32_t i = 0; i < (uint32_t)t->nfns; i++) {
    uint32_t k = i;
    t->order[i] = i;
    while (k > 0 && fn_start(t, k - 1) > (uintptr_t)t->fns[i].start) {
      t->order[k] = t->order[k - 1];
      k--;
    }
    t->order[k] = i;
  }
}

static bool sites_sorted(const GjCodeTable *t) {
  for (const GjCodeSite *s = t->sites; s + 1 < t->sites_end; s++)
    if (site_addr(s) > site_addr(s + 1))
      return false;
  return true;
}

enum { TABLE_REGISTERED = 1, TABLE_SITES_SORTED = 2 };

void gj_rt_register_code_table(GjCodeTable *t) {
  if (!t || t->state || t->nfns < 2)
    return;
  sort_order(t);
  t->state = TABLE_REGISTERED | (sites_sorted(t) ? TABLE_SITES_SORTED : 0);
  GjCodeTable *head = atomic_load(&tables);
  do
    t->next = head;
  while (!atomic_compare_exchange_weak(&tables, &head, t));
}

/* The index (in order) of the function holding pc, or -1. The last
 * function (the module's end marker) holds nothing. */
static int64_t find_fn(const GjCodeTable *t, uintptr_t pc) {
  int64_t n = t->nfns;
  if (pc < fn_start(t, 0) || pc >= fn_start(t, (uint32_t)n - 1))
    return -1;
  int64_t lo = 0, hi = n - 1; /* fn_start(lo) <= pc < fn_start(hi) */
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (fn_start(t, (uint32_t)mid) <= pc)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* The last site at or before pc, or NULL. */
static const GjCodeSite *find_site(const GjCodeTable *t, uintptr_t pc) {
  const GjCodeSite *best = NULL;
  if (!(t->state & TABLE_SITES_SORTED)) {
    for (const GjCodeSite *s = t->sites; s < t->sites_end; s++)
      if (site_addr(s) <= pc && (!best || site_addr(s) > site_addr(best)))
        best = s;
    return best;
  }
  const GjCodeSite *lo = t->sites, *hi = t->sites_end;
  while (lo < hi) { /* the first site after pc */
    const GjCodeSite *mid = lo + (hi - lo) / 2;
    if (site_addr(mid) <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo > t->sites ? lo - 1 : NULL;
}

bool gj_rt_code_lookup(uintptr_t pc, GjCodeFrame *out) {
  for (GjCodeTable *t = atomic_load(&tables); t; t = t->next) {
    int64_t i = find_fn(t, pc);
    if (i < 0)
      continue;
    const GjCodeFn *phys = &t->fns[t->order[i]];
    const GjCodeSite *s = find_site(t, pc);
    if (s && site_addr(s) >= (uintptr_t)phys->start && s->fn >= 0 &&
        s->fn < t->nfns && t->fns[s->fn].name) {
      const GjCodeFn *code = &t->fns[s->fn];
      *out = (GjCodeFrame){code->name, code->file, s->line,
                           code != phys ? phys->name : NULL};
      return true;
    }
    if (!phys->name)
      return false;
    *out = (GjCodeFrame){phys->name, phys->file, phys->line, NULL};
    return true;
  }
  return false;
}

/* ---- the walk and the text ------------------------------------------------ */

static GjCodeFrame shown[MAX_SHOWN];
static char text[MAX_SHOWN * 160 + 64];

typedef struct Out {
  char *p, *end;
} Out;

static void put(Out *o, const char *s, size_t n) {
  while (n-- > 0 && o->p < o->end)
    *o->p++ = *s++;
}

static void put_str(Out *o, const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  put(o, s, n);
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

static void put_int(Out *o, int64_t v) {
  char num[24];
  put(o, num, (size_t)gj_rt_fmt_int(v, num));
}

static bool frame_ok(void **fp, char *lo, char *hi, void **prev) {
  return ((uintptr_t)fp & 7) == 0 && (char *)fp >= lo &&
         (char *)(fp + 2) <= hi && (!prev || fp > prev);
}

size_t gj_rt_backtrace(void *start_fp, const char **out) {
  char *lo, *hi;
  if (!atomic_load(&tables) || !gj_rt_task_stack(&lo, &hi))
    return 0;
  int n = 0;
  int64_t more = 0;
  void **prev = NULL;
  for (void **fp = start_fp; fp && frame_ok(fp, lo, hi, prev) &&
                             n + more < MAX_WALK;
       prev = fp, fp = fp[0]) {
    uintptr_t ret = (uintptr_t)fp[1];
    GjCodeFrame f;
    if (!ret || !gj_rt_code_lookup(ret - 1, &f))
      continue;
    if (n < MAX_SHOWN)
      shown[n++] = f;
    else
      more++;
  }
  if (n == 0)
    return 0;
  size_t width = 0;
  for (int i = 0; i < n; i++)
    if (str_len(shown[i].name) > width)
      width = str_len(shown[i].name);
  Out o = {text, text + sizeof text};
  put_str(&o, "backtrace:\n");
  for (int i = 0; i < n; i++) {
    put_str(&o, "  ");
    put_str(&o, shown[i].name);
    for (size_t k = str_len(shown[i].name); k < width + 2; k++)
      put(&o, " ", 1);
    put_str(&o, shown[i].file ? shown[i].file : "?");
    put(&o, ":", 1);
    put_int(&o, shown[i].line);
    if (shown[i].inlined_into) {
      put_str(&o, " (inlined into ");
      put_str(&o, shown[i].inlined_into);
      put(&o, ")", 1);
    }
    put(&o, "\n", 1);
  }
  if (more) {
    put_str(&o, "  ... ");
    put_int(&o, more);
    put_str(&o, " more frames\n");
  }
  *out = text;
  return (size_t)(o.p - text);
}
