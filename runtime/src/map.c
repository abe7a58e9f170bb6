/* map.c — Map[K, V] and Set[T] (§15): CHAMP tries (Steindorfer & Vinju,
 * "Optimizing Hash-Array Mapped Tries for Fast and Lean Immutable JVM
 * Collections", OOPSLA 2015).
 *
 * A node is a counted object (GJ_KIND_MAP_NODE): the header, `datamap`
 * and `nodemap` (32-bit: which of the 32 slots of this level hold an entry
 * inline, which a child), then the entries (key, then value at `voff`,
 * each entry `esz` bytes, a multiple of 8), then the child pointers, both
 * in slot order; an entry's index is the popcount of the bitmap below its
 * bit. Level L uses hash bits 5L..5L+4 (the 13th level, shift 60, has 4);
 * keys whose whole 64-bit hashes agree meet in a collision node (flag
 * NODE_COLL, `datamap` holding its entry count) below shift 60, searched
 * linearly with kt->eq.
 *
 * Canonical form: after a removal a node left with one entry and no
 * children (or a collision node with one entry) is inlined into its
 * parent, so a trie's shape depends only on its keys' hashes, never on
 * the history (what makes the structural walks cheap and repeatable).
 *
 * Updates follow list.c: an operation consumes the map; the map object and
 * every node on the path that is uniquely owned (rc 1) is mutated in
 * place, anything else copied, so old versions never change. A copy
 * borrows its children from the node it copies (node_own): a borrowed
 * edge is a child pointer with its low bit set, and the node then ends
 * with one more pointer, `src`, after its children. A node's block is its byte size rounded up to a power of two
 * (block_size), so unique inserts grow a node in place most of the time
 * and realloc only when the size doubles; the free size is computed the
 * same way from the bitmaps.
 *
 * Int and Str keys (the common cases) take an inlined hash and compare
 * instead of the descriptor's function pointers.
 */
#define _GNU_SOURCE
#include "rt_internal.h"

#include <stdlib.h>
#include <string.h>

enum { MAP_SET = 1 };   /* GjMap flags: a Set (prints as set([...])) */
/* Node flags. Bits 8..12 hold the node's chain depth (see node_own). */
enum {
  NODE_COLL = 1, /* a collision node */
  NODE_SRC = 2,  /* a src slot follows the children (NULL once unused) */
  DEPTH_SHIFT = 8,
  DEPTH_MASK = 31 << DEPTH_SHIFT,
};
enum { MAX_ELEM = 64 }; /* the largest key or value size handled */

struct GjMap {
  GjHeader h;
  int64_t len;
  const GjType *kt, *vt;
  struct Node *root; /* NULL when empty */
  uint32_t esz;      /* entry size: key + value, padded to 8 */
  uint32_t voff;     /* the value's offset in an entry */
};

typedef struct Node {
  GjHeader h;
  uint32_t datamap; /* a collision node: its entry count */
  uint32_t nodemap; /* a collision node: 0 */
} Node;

/* ---- layout ---------------------------------------------------------------- */

/* Without -mpopcnt __builtin_popcount is a libgcc call, which on the
 * lookup path costs more than a SWAR count in registers. Every x86-64
 * made since 2008 has POPCNT, but Debian's baseline target does not
 * promise it, so the instruction is used when the CPU says it has it (a
 * flag read once at start-up, as Go does): one predictable branch. */
#if defined(__x86_64__) && !defined(__POPCNT__)
static bool has_popcnt;
__attribute__((constructor)) static void detect_popcnt(void) {
  __builtin_cpu_init();
  has_popcnt = __builtin_cpu_supports("popcnt");
}
#endif

static inline uint32_t popc(uint32_t x) {
#if defined(__POPCNT__) || !defined(__x86_64__)
  return (uint32_t)__builtin_popcount(x);
#else
  if (__builtin_expect(has_popcnt, 1)) {
    uint32_t r;
    __asm__("popcntl %1, %0" : "=r"(r) : "rm"(x) : "cc");
    return r;
  }
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (x * 0x01010101u) >> 24;
#endif
}

static inline uint32_t ndata(const Node *n) {
  return n->h.flags & NODE_COLL ? n->datamap : popc(n->datamap);
}
static inline uint32_t nnodes(const Node *n) { return popc(n->nodemap); }
static inline char *entries(const Node *n) { return (char *)(n + 1); }
static inline Node **children(const Node *n, uint32_t esz) {
  return (Node **)(entries(n) + (size_t)ndata(n) * esz);
}
static inline size_t node_bytes(uint32_t nd, uint32_t nn, uint32_t esz) {
  return sizeof(Node) + (size_t)nd * esz + (size_t)nn * sizeof(Node *);
}
/* The pointer slots after the entries: the children, then src if any. */
static inline uint32_t nslots(const Node *n) {
  return nnodes(n) + ((n->h.flags & NODE_SRC) != 0);
}
static inline size_t bytes_of(const Node *n, uint32_t esz) {
  return node_bytes(ndata(n), nslots(n), esz);
}

/* A child pointer's low bit (nodes are at least 16-byte aligned) says the
 * edge is borrowed: it holds no count of its own (see node_own). Every
 * reader of a child goes through untag. */
enum { BORROWED = 1 };
static inline bool is_borrowed(const Node *c) {
  return ((uintptr_t)c & BORROWED) != 0;
}
static inline Node *untag(const Node *c) {
  return (Node *)((uintptr_t)c & ~(uintptr_t)BORROWED);
}
static inline Node *tag(const Node *c) {
  return (Node *)((uintptr_t)c | BORROWED);
}
static inline Node **src_ref(const Node *n, uint32_t esz) {
  return children(n, esz) + nnodes(n);
}
static inline Node *src_of(const Node *n, uint32_t esz) {
  return n->h.flags & NODE_SRC ? *src_ref(n, esz) : NULL;
}
static inline uint32_t depth_of(const Node *n) {
  return (n->h.flags & DEPTH_MASK) >> DEPTH_SHIFT;
}
static inline void set_depth(Node *n, uint32_t d) {
  n->h.flags = (uint16_t)((n->h.flags & ~DEPTH_MASK) | d << DEPTH_SHIFT);
}
/* A node's block: its bytes rounded up to 32, so a unique node with
 * 16-byte entries grows in place every other insert (8-byte entries: three
 * in four) while a node wastes at most 16 bytes over the allocator's own
 * rounding. Doubling (tried) saved reallocs but cost more in cache misses
 * than it saved: lookups are bound by memory latency. */
static inline size_t block_size(size_t bytes) {
  return (bytes + 31) & ~(size_t)31;
}

static inline uint32_t align_of_size(uint32_t s) {
  return s >= 8 ? 8 : s >= 4 ? 4 : s >= 2 ? 2 : 1;
}
static inline uint32_t align_up(uint32_t x, uint32_t a) {
  return (x + a - 1) & ~(a - 1);
}

static Node *node_alloc(size_t bytes) {
  return gj_rt_alloc(block_size(bytes), GJ_KIND_MAP_NODE);
}
static Node *node_resize(Node *n, size_t old_bytes, size_t new_bytes) {
  size_t a = block_size(old_bytes), b = block_size(new_bytes);
  return a == b ? n : gj_rt_realloc(n, a, b);
}

/* ---- keys, values, entries ------------------------------------------------- */

static inline uint64_t key_hash(const GjMap *m, const void *k) {
  if (m->kt == &gj_type_int) {
    int64_t v;
    memcpy(&v, k, 8);
    return gj_rt_hash_int(v, gj_hash_seed);
  }
  if (m->kt == &gj_type_str) {
    const GjStr *s;
    memcpy(&s, k, sizeof s);
    return gj_rt_hash_bytes(s->ptr, s->len, gj_hash_seed);
  }
  return m->kt->hash(k, gj_hash_seed);
}

/* Str keys compare here. x is the entry's key, y the one looked up: the
 * length is taken from y, known before x's header arrives from memory, so
 * the branches below resolve early. Up to 16 bytes are compared as two
 * words each (overlapping, as the hash reads them; a word is a few bytes
 * and memcmp's call and dispatch cost more), without a loop. */
static inline bool str_key_eq(const GjStr *x, const GjStr *y) {
  int64_t n = y->len;
  if (x == y)
    return true;
  if (x->len != n)
    return false;
  const unsigned char *p = (const unsigned char *)x->ptr,
                      *q = (const unsigned char *)y->ptr;
  if (n > 16)
    return memcmp(p, q, (size_t)n) == 0;
  if (n >= 8)
    return ((gj_rt_load_u64(p) ^ gj_rt_load_u64(q)) |
            (gj_rt_load_u64(p + n - 8) ^ gj_rt_load_u64(q + n - 8))) == 0;
  if (n >= 4)
    return ((gj_rt_load_u32(p) ^ gj_rt_load_u32(q)) |
            (gj_rt_load_u32(p + n - 4) ^ gj_rt_load_u32(q + n - 4))) == 0;
  if (n == 0)
    return true;
  return ((p[0] ^ q[0]) | (p[n >> 1] ^ q[n >> 1]) | (p[n - 1] ^ q[n - 1])) == 0;
}

static inline bool key_eq(const GjType *kt, const void *a, const void *b) {
  if (kt == &gj_type_int) {
    int64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    return x == y;
  }
  if (kt == &gj_type_str) {
    const GjStr *x, *y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return str_key_eq(x, y);
  }
  return kt->eq(a, b);
}

static inline void key_dec(const GjMap *m, const void *k) {
  if (m->kt->flags & GJ_TYPE_HEAP)
    m->kt->dec(k);
}
static inline void val_dec(const GjMap *m, const void *v) {
  if (m->vt->flags & GJ_TYPE_HEAP)
    m->vt->dec(v);
}
static inline void entry_inc(const GjMap *m, const char *e) {
  if (m->kt->flags & GJ_TYPE_HEAP)
    m->kt->inc(e);
  if (m->vt->flags & GJ_TYPE_HEAP)
    m->vt->inc(e + m->voff);
}
static inline void entry_dec(const GjMap *m, const char *e) {
  key_dec(m, e);
  val_dec(m, e + m->voff);
}

/* ---- node ownership ---------------------------------------------------------- */

/* Copying a shared node used to increment each child's count and freeing
 * it to decrement them: up to 32 headers scattered in memory, a cache
 * miss each, on every path copy and again at teardown (mapversions spent
 * 70% of its time there). Instead a copy *borrows* its children: it holds
 * one reference to the node it was copied from (its src, in the slot
 * after its children, flag NODE_SRC) and none to the children, whose
 * pointers it tags (BORROWED); src, which never changes while shared,
 * keeps them alive. So a child edge is either owned (counted in the
 * child) or borrowed, and a borrowed child is shared whatever its count
 * says: a walk that updates through a borrowed edge copies the child, and
 * the edge becomes owned; when no borrowed edge is left the node drops its
 * src (the slot stays, NULL). A borrowed edge at a bit points at the very
 * child its src has at that bit. Freeing a node releases its owned
 * children and its src. Only thread-local nodes (count > 0) are borrowed
 * from: a node shared between threads is copied as before, so no thread
 * changes another's counts without atomics.
 *
 * The bookkeeping lives where a map nobody shares does not pay for it: a
 * tag bit in the pointers a walk loads anyway, the depth in the header's
 * flags, and src only in the nodes that borrow. (A 32-byte header with a
 * borrow bitmap, a depth and src in every node, tried first, cost mapint
 * 15%: bigger nodes, and the parent's bitmap to test at every level.)
 *
 * A chain of copies (a node borrowing from a node that borrows...) would
 * keep every old version of a node alive while the newest lives, even
 * after the versions that needed them are gone. Two limits: collapse()
 * cuts the link below the node being copied when nothing but the chain
 * holds it, and a chain stops at CHAIN_MAX links: the copy of a node that
 * deep counts its children instead of borrowing them and starts a new
 * chain, so the old one goes with the versions that hold it. An old
 * version thus pins at most CHAIN_MAX old copies of a node after it is
 * gone, and a history of versions all kept alive (mapversions) pays the
 * children's counts on one copy in CHAIN_MAX. (Walking the chain to cut
 * every dead link, tried, cost a dependent miss a link: more than the
 * counts it saved.) The depth (depth_of) is an upper bound of a chain's
 * length. */
enum { CHAIN_MAX = 16 };
_Static_assert(CHAIN_MAX <= DEPTH_MASK >> DEPTH_SHIFT, "depth bits");

/* Asking for all the children's counts first lets their misses overlap
 * instead of coming one after another. */
static inline void prefetch_counts(Node *const *c, uint32_t nn) {
  for (uint32_t i = 0; i < nn; i++)
    __builtin_prefetch(c[i], 1);
}

static void node_free(const GjMap *m, Node *n);

static inline void node_release(const GjMap *m, Node *n) {
  if (gj_rt_rc_dec(&n->h))
    node_free(m, n);
}

static inline bool any_borrowed(const Node *n, uint32_t esz) {
  Node *const *c = children(n, esz);
  for (uint32_t i = 0, nn = nnodes(n); i < nn; i++)
    if (is_borrowed(c[i]))
      return true;
  return false;
}

/* An edge of n (unique) has just become owned: n lets go of its src when
 * that was the last borrowed one. */
static void unborrow(const GjMap *m, Node *n) {
  uint32_t esz = m->esz;
  if (any_borrowed(n, esz))
    return;
  Node **s = src_ref(n, esz), *src = *s;
  *s = NULL;
  set_depth(n, 0);
  if (src)
    node_release(m, src);
}

/* Freeing a version walks cold memory: each node it drops is a cache
 * miss on the node's count, and depth first each miss would wait for the
 * one before. So the references to drop go on a stack, and from there
 * through a short FIFO: prefetched as they enter it, dropped DROP_AHEAD
 * drops later, so that many misses are in flight at once (buffered
 * prefetching, as in Cher, Hosking and Vijaykumar's mark-sweep GC,
 * ASPLOS 2004). */
enum { DROP_AHEAD = 8, DROP_LOCAL = 64 };

typedef struct DropStack {
  Node **v;
  size_t len, cap;
  Node *local[DROP_LOCAL];
} DropStack;

__attribute__((noinline, cold)) static void drop_grow(DropStack *st) {
  size_t cap = st->cap * 2;
  Node **v = malloc(cap * sizeof *v);
  if (!v)
    gj_rt_fatal("out of memory");
  memcpy(v, st->v, st->len * sizeof *v);
  if (st->v != st->local)
    free(st->v);
  st->v = v;
  st->cap = cap;
}

static inline void drop_push(DropStack *st, Node *n) {
  if (__builtin_expect(st->len == st->cap, 0))
    drop_grow(st);
  st->v[st->len++] = n;
}

/* n's count reached zero: its entries go, its src and owned children are
 * pushed (the children last, so they go first and the stack stays
 * short), then its block. */
static void node_free_one(const GjMap *m, Node *n, DropStack *st) {
  uint32_t nd = ndata(n), nn = nnodes(n), esz = m->esz;
  if ((m->kt->flags | m->vt->flags) & GJ_TYPE_HEAP)
    for (uint32_t i = 0; i < nd; i++)
      entry_dec(m, entries(n) + (size_t)i * esz);
  Node **c = children(n, esz);
  if (n->h.flags & NODE_SRC && c[nn])
    drop_push(st, c[nn]);
  for (uint32_t i = 0; i < nn; i++)
    if (!is_borrowed(c[i]))
      drop_push(st, c[i]);
  gj_rt_free(n, block_size(bytes_of(n, esz)));
}

static void node_free(const GjMap *m, Node *n) {
  DropStack st = {.len = 0, .cap = DROP_LOCAL};
  st.v = st.local;
  Node *ring[DROP_AHEAD];
  unsigned head = 0, count = 0;
  node_free_one(m, n, &st);
  for (;;) {
    while (count < DROP_AHEAD && st.len > 0) {
      Node *x = st.v[--st.len];
      __builtin_prefetch(x, 1);
      ring[(head + count++) % DROP_AHEAD] = x;
    }
    if (count == 0)
      break;
    Node *y = ring[head];
    head = (head + 1) % DROP_AHEAD;
    count--;
    if (gj_rt_rc_dec(&y->h))
      node_free_one(m, y, &st);
  }
  if (st.v != st.local)
    free(st.v);
}

/* s (thread-local) borrows from a node only it holds: s takes over the
 * references that node has for the children s borrows, and the node
 * goes with its other children. Repeated down the chain. */
static void collapse(const GjMap *m, Node *s) {
  uint32_t esz = m->esz;
  Node *t;
  while ((t = src_of(s, esz)) != NULL && t->h.rc == 1) {
    uint32_t nd = ndata(t);
    if ((m->kt->flags | m->vt->flags) & GJ_TYPE_HEAP)
      for (uint32_t j = 0; j < nd; j++)
        entry_dec(m, entries(t) + (size_t)j * esz);
    Node **tc = children(t, esz), **sc = children(s, esz);
    uint32_t i = 0;
    for (uint32_t bits = t->nodemap; bits; bits &= bits - 1, i++) {
      uint32_t bit = bits & -bits;
      if (is_borrowed(tc[i])) /* s's edge, if borrowed, now is from t's src */
        continue;
      Node **e = s->nodemap & bit ? sc + popc(s->nodemap & (bit - 1)) : NULL;
      if (e && is_borrowed(*e))
        *e = untag(*e); /* t's reference is now s's */
      else
        node_release(m, tc[i]);
    }
    Node *next = src_of(t, esz);
    set_depth(s, depth_of(t));
    *src_ref(s, esz) = next; /* t's reference to its src */
    gj_rt_free(t, block_size(bytes_of(t, esz)));
    if (!any_borrowed(s, esz)) {
      *src_ref(s, esz) = NULL;
      set_depth(s, 0);
      if (next)
        node_release(m, next);
    }
  }
}

/* Returns a uniquely owned node with n's contents (n itself when it is
 * unique). The edge n came through holds a reference, which is consumed,
 * or is `borrowed` (then n is shared whatever its count). */
static Node *node_own(const GjMap *m, Node *n, bool borrowed) {
  if (__builtin_expect(!borrowed && n->h.rc == 1, 1))
    return n;
  uint32_t esz = m->esz, nd = ndata(n), nn = nnodes(n);
  Node *src = src_of(n, esz);
  if (src) /* collapse's first question, asked while n is copied */
    __builtin_prefetch(src);
  bool borrow = nn && n->h.rc > 0 && depth_of(n) < CHAIN_MAX - 1;
  size_t bytes = node_bytes(nd, nn, esz);
  Node *c = node_alloc(bytes + (borrow ? sizeof(Node *) : 0));
  memcpy(&c->datamap, &n->datamap, bytes - sizeof(GjHeader));
  if ((m->kt->flags | m->vt->flags) & GJ_TYPE_HEAP)
    for (uint32_t i = 0; i < nd; i++)
      entry_inc(m, entries(c) + (size_t)i * esz);
  Node **k = children(c, esz);
  if (borrow) {
    if (src)
      collapse(m, n); /* only n's bookkeeping changes, not what it holds */
    for (uint32_t i = 0; i < nn; i++)
      k[i] = tag(k[i]);
    k[nn] = n; /* the edge's reference, or a new one */
    c->h.flags = NODE_SRC;
    set_depth(c, depth_of(n) + 1);
    if (borrowed)
      n->h.rc++;
    return c;
  }
  c->h.flags = n->h.flags & NODE_COLL;
  for (uint32_t i = 0; i < nn; i++)
    k[i] = untag(k[i]);
  prefetch_counts(k, nn);
  for (uint32_t i = 0; i < nn; i++)
    gj_rt_rc_inc(&k[i]->h);
  if (!borrowed)
    node_release(m, n);
  return c;
}

static GjMap *map_alloc(const GjType *kt, const GjType *vt, uint16_t flags) {
  if (kt->size > MAX_ELEM || vt->size > MAX_ELEM)
    gj_rt_fatal("map: key or value type too large");
  GjMap *m = gj_rt_alloc(sizeof *m, GJ_KIND_MAP);
  m->h.flags = flags;
  m->len = 0;
  m->kt = kt;
  m->vt = vt;
  m->root = NULL;
  m->voff = vt->size ? align_up(kt->size, align_of_size(vt->size)) : kt->size;
  m->esz = align_up(m->voff + vt->size, 8);
  return m;
}

/* Consumes m; returns a uniquely owned map object with its contents. */
static GjMap *map_own(GjMap *m) {
  if (__builtin_expect(m->h.rc == 1, 1))
    return m;
  GjMap *c = gj_rt_alloc(sizeof *c, GJ_KIND_MAP);
  GjHeader h = c->h;
  *c = *m;
  c->h = h;
  c->h.flags = m->h.flags;
  if (c->root)
    gj_rt_rc_inc(&c->root->h);
  gj_dec(m);
  return c;
}

void gj_rt_map_free(GjMap *m) {
  if (m->root)
    node_release(m, m->root);
  gj_rt_free(m, sizeof *m);
}

/* ---- lookup ------------------------------------------------------------------ */

/* A node's header and the slots after it lie in different cache lines
 * once it holds more than a few entries, and the slot's index needs the
 * header's bitmaps: without help that is two misses, one after the other,
 * at every level. Asking for the first lines at once, as soon as the
 * node's address is known, overlaps them. */
static inline void prefetch_node(const Node *n) {
  __builtin_prefetch((const char *)n + 64);
  __builtin_prefetch((const char *)n + 128);
  __builtin_prefetch((const char *)n + 192);
}

/* The lookups' walks (find, upsert) are compiled twice: with POPCNT,
 * chosen at load time on every x86-64 CPU since 2008, and without (an
 * ifunc, as glibc's string functions are chosen); inside them popc_w is
 * the plain builtin. Below shift 64 no node is a collision node, so a
 * node's child pointers start after popcount(datamap) entries. */
#if defined(__x86_64__) && !defined(__POPCNT__) && defined(__GNUC__) &&      \
    !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) &&                  \
    !defined(__SANITIZE_THREAD__)
#define WALKER __attribute__((target_clones("popcnt", "default")))
#else
#define WALKER
#endif
#define popc_w(x) ((uint32_t)__builtin_popcount(x))

static inline Node **child_ref(const Node *n, uint32_t esz, uint32_t bit) {
  return (Node **)(entries(n) + (size_t)popc_w(n->datamap) * esz) +
         popc_w(n->nodemap & (bit - 1));
}

/* The entry holding key, or NULL. */
WALKER static const char *find(const GjMap *m, const void *key) {
  const Node *n = m->root;
  if (!n)
    return NULL;
  uint64_t h = key_hash(m, key);
  const GjType *kt = m->kt;
  uint32_t esz = m->esz;
  for (unsigned shift = 0;; shift += 5) {
    if (shift >= 64) { /* a collision node */
      for (uint32_t i = 0; i < n->datamap; i++) {
        const char *e = entries(n) + (size_t)i * esz;
        if (key_eq(kt, e, key))
          return e;
      }
      return NULL;
    }
    uint32_t bit = 1u << ((h >> shift) & 31);
    if (n->datamap & bit) {
      const char *e =
          entries(n) + (size_t)popc_w(n->datamap & (bit - 1)) * esz;
      return key_eq(kt, e, key) ? e : NULL;
    }
    if (!(n->nodemap & bit))
      return NULL;
    n = untag(*child_ref(n, esz, bit));
    prefetch_node(n);
  }
}

/* ---- insertion ------------------------------------------------------------- */

/* A new subtree at `shift` holding entry e1 (moved, hash h1) and the key
 * k2 (moved, hash h2 != h1 or a full collision); *slot gets k2's value
 * storage. */
static Node *pair_node(const GjMap *m, const char *e1, uint64_t h1,
                       const void *k2, uint64_t h2, unsigned shift,
                       char **slot) {
  uint32_t esz = m->esz, ks = m->kt->size;
  if (shift >= 64) {
    Node *c = node_alloc(node_bytes(2, 0, esz));
    c->h.flags = NODE_COLL;
    c->datamap = 2;
    c->nodemap = 0;
    memcpy(entries(c), e1, esz);
    memcpy(entries(c) + esz, k2, ks);
    *slot = entries(c) + esz + m->voff;
    return c;
  }
  uint32_t b1 = (uint32_t)(h1 >> shift) & 31, b2 = (uint32_t)(h2 >> shift) & 31;
  if (b1 == b2) {
    Node *n = node_alloc(node_bytes(0, 1, esz));
    n->datamap = 0;
    n->nodemap = 1u << b1;
    children(n, esz)[0] = pair_node(m, e1, h1, k2, h2, shift + 5, slot);
    return n;
  }
  Node *n = node_alloc(node_bytes(2, 0, esz));
  n->datamap = (1u << b1) | (1u << b2);
  n->nodemap = 0;
  char *a = entries(n) + (b1 < b2 ? 0 : esz);
  char *b = entries(n) + (b1 < b2 ? esz : 0);
  memcpy(a, e1, esz);
  gj_rt_copy_elem(b, k2, ks);
  *slot = b + m->voff;
  return n;
}

/* n (unique) with the key (moved) as a new entry at `bit`. Here and below
 * nn counts the pointer slots, src included: it moves with the children. */
static Node *insert_data(const GjMap *m, Node *n, uint32_t bit,
                         const void *key, char **slot) {
  uint32_t esz = m->esz, nd = popc(n->datamap), nn = nslots(n);
  uint32_t idx = popc(n->datamap & (bit - 1));
  size_t old = node_bytes(nd, nn, esz);
  n = node_resize(n, old, old + esz);
  char *e = entries(n);
  /* the entries from idx on and the pointer slots after them all move up
   * by one entry: one move */
  memmove(e + (size_t)(idx + 1) * esz, e + (size_t)idx * esz,
          (size_t)(nd - idx) * esz + (size_t)nn * sizeof(Node *));
  gj_rt_copy_elem(e + (size_t)idx * esz, key, m->kt->size);
  n->datamap |= bit;
  *slot = e + (size_t)idx * esz + m->voff;
  return n;
}

/* n (unique) with the entry at `bit` replaced by the child sub. */
static Node *data_to_node(const GjMap *m, Node *n, uint32_t bit, Node *sub) {
  uint32_t esz = m->esz, nd = popc(n->datamap), nn = nslots(n);
  uint32_t idx = popc(n->datamap & (bit - 1));
  uint32_t cidx = popc(n->nodemap & (bit - 1));
  Node *kids[33];
  memcpy(kids, children(n, esz), (size_t)nn * sizeof(Node *));
  char *e = entries(n);
  memmove(e + (size_t)idx * esz, e + (size_t)(idx + 1) * esz,
          (size_t)(nd - idx - 1) * esz);
  n = node_resize(n, node_bytes(nd, nn, esz), node_bytes(nd - 1, nn + 1, esz));
  n->datamap &= ~bit;
  n->nodemap |= bit;
  Node **c = children(n, esz);
  memcpy(c, kids, (size_t)cidx * sizeof(Node *));
  c[cidx] = sub;
  memcpy(c + cidx + 1, kids + cidx, (size_t)(nn - cidx) * sizeof(Node *));
  return n;
}

/* n (unique) with the child at `bit` replaced by the entry e (esz bytes,
 * moved). */
static Node *node_to_data(const GjMap *m, Node *n, uint32_t bit,
                          const char *ent) {
  uint32_t esz = m->esz, nd = popc(n->datamap), nn = nslots(n);
  uint32_t idx = popc(n->datamap & (bit - 1));
  uint32_t cidx = popc(n->nodemap & (bit - 1));
  Node *kids[33];
  memcpy(kids, children(n, esz), (size_t)nn * sizeof(Node *));
  n = node_resize(n, node_bytes(nd, nn, esz), node_bytes(nd + 1, nn - 1, esz));
  char *e = entries(n);
  memmove(e + (size_t)(idx + 1) * esz, e + (size_t)idx * esz,
          (size_t)(nd - idx) * esz);
  memcpy(e + (size_t)idx * esz, ent, esz);
  n->datamap |= bit;
  n->nodemap &= ~bit;
  Node **c = children(n, esz);
  memcpy(c, kids, (size_t)cidx * sizeof(Node *));
  memcpy(c + cidx, kids + cidx + 1, (size_t)(nn - cidx - 1) * sizeof(Node *));
  return n;
}

/* The borrowed edge *ref of n (unique) becomes owned: a copy of its
 * child. Out of line: a walk of a map nobody shares never comes here. */
__attribute__((noinline)) static Node *own_borrowed(const GjMap *m, Node *n,
                                                    Node **ref) {
  Node *c = *ref = node_own(m, untag(*ref), true);
  unborrow(m, n);
  return c;
}

/* The value storage of key in m (unique), owning the path. When absent
 * (*found false) the key's bytes are moved into a new entry whose value
 * the caller must store; when present the key is left to the caller. */
WALKER static char *upsert(GjMap *m, const void *key, bool *found) {
  uint64_t h = key_hash(m, key);
  uint32_t esz = m->esz;
  const GjType *kt = m->kt;
  char *slot;
  *found = false;
  if (!m->root) {
    Node *n = node_alloc(node_bytes(1, 0, esz));
    n->datamap = 1u << (h & 31);
    n->nodemap = 0;
    gj_rt_copy_elem(entries(n), key, kt->size);
    m->root = n;
    m->len++;
    return entries(n) + m->voff;
  }
  Node **ref = &m->root, *n = *ref; /* *ref, owned: the root's edge is */
  for (unsigned shift = 0;; shift += 5) {
    if (__builtin_expect(n->h.rc != 1, 0))
      *ref = n = node_own(m, n, false);
    if (shift >= 64) {
      uint32_t cnt = n->datamap;
      for (uint32_t i = 0; i < cnt; i++) {
        char *e = entries(n) + (size_t)i * esz;
        if (key_eq(kt, e, key)) {
          *found = true;
          return e + m->voff;
        }
      }
      n = node_resize(n, node_bytes(cnt, 0, esz), node_bytes(cnt + 1, 0, esz));
      n->datamap = cnt + 1;
      char *e = entries(n) + (size_t)cnt * esz;
      gj_rt_copy_elem(e, key, kt->size);
      *ref = n;
      m->len++;
      return e + m->voff;
    }
    uint32_t bit = 1u << ((h >> shift) & 31);
    if (n->datamap & bit) {
      char *e = entries(n) + (size_t)popc_w(n->datamap & (bit - 1)) * esz;
      if (key_eq(kt, e, key)) {
        *found = true;
        return e + m->voff;
      }
      Node *sub = pair_node(m, e, key_hash(m, e), key, h, shift + 5, &slot);
      *ref = data_to_node(m, n, bit, sub);
      m->len++;
      return slot;
    }
    if (n->nodemap & bit) {
      ref = child_ref(n, esz, bit);
      Node *c = *ref;
      if (__builtin_expect(is_borrowed(c), 0))
        c = own_borrowed(m, n, ref);
      prefetch_node(c);
      n = c;
      continue;
    }
    *ref = insert_data(m, n, bit, key, &slot);
    m->len++;
    return slot;
  }
}

/* ---- removal ------------------------------------------------------------- */

static inline bool singleton(const Node *n) {
  return n->nodemap == 0 && ndata(n) == 1;
}

/* Consumes n (or, when `borrowed`, n's edge holds no reference); the key
 * is in its subtree. Returns the owned result, which may be left a
 * singleton for the parent to inline. */
static Node *del(GjMap *m, Node *n, bool borrowed, const void *key,
                 uint64_t h, unsigned shift) {
  uint32_t esz = m->esz;
  n = node_own(m, n, borrowed);
  if (shift >= 64) {
    uint32_t cnt = n->datamap, i = 0;
    while (!key_eq(m->kt, entries(n) + (size_t)i * esz, key))
      i++;
    char *e = entries(n) + (size_t)i * esz;
    entry_dec(m, e);
    memmove(e, e + esz, (size_t)(cnt - i - 1) * esz);
    n = node_resize(n, node_bytes(cnt, 0, esz), node_bytes(cnt - 1, 0, esz));
    n->datamap = cnt - 1;
    return n;
  }
  uint32_t bit = 1u << ((h >> shift) & 31);
  uint32_t nd = popc(n->datamap), nn = nslots(n);
  if (n->datamap & bit) {
    uint32_t idx = popc(n->datamap & (bit - 1));
    char *e = entries(n);
    entry_dec(m, e + (size_t)idx * esz);
    memmove(e + (size_t)idx * esz, e + (size_t)(idx + 1) * esz,
            (size_t)(nd - idx - 1) * esz + (size_t)nn * sizeof(Node *));
    n = node_resize(n, node_bytes(nd, nn, esz), node_bytes(nd - 1, nn, esz));
    n->datamap &= ~bit;
    return n;
  }
  Node **slot = &children(n, esz)[popc(n->nodemap & (bit - 1))];
  bool cb = is_borrowed(*slot);
  Node *c = del(m, untag(*slot), cb, key, h, shift + 5);
  *slot = c;
  if (cb)
    unborrow(m, n);
  if (!singleton(c))
    return n;
  /* CHAMP's compaction: the lone entry moves up into this node. Without
   * children c borrows nothing: it has no src (a NULL slot at most). */
  _Alignas(8) char ent[2 * MAX_ELEM + 8];
  memcpy(ent, entries(c), esz);
  gj_rt_free(c, block_size(bytes_of(c, esz)));
  return node_to_data(m, n, bit, ent);
}

/* ---- the public operations ---------------------------------------------------- */

GjMap *gj_map_new(const GjType *kt, const GjType *vt) {
  return map_alloc(kt, vt, 0);
}

GjMap *gj_set_new(const GjType *t) {
  return map_alloc(t, &gj_type_unit, MAP_SET);
}

int64_t gj_map_len(const GjMap *m) { return m->len; }
const GjType *gj_map_key_type(const GjMap *m) { return m->kt; }
const GjType *gj_map_value_type(const GjMap *m) { return m->vt; }
bool gj_map_is_set(const GjMap *m) { return (m->h.flags & MAP_SET) != 0; }

bool gj_map_get(const GjMap *m, const void *key, void *out) {
  const char *e = find(m, key);
  if (!e)
    return false;
  gj_rt_copy_elem(out, e + m->voff, m->vt->size);
  return true;
}

/* §15: m[k] on a missing key panics "key not found: K". */
void gj_map_index(const GjMap *m, const void *key, void *out,
                  const GjLoc *loc) {
  const char *e = find(m, key);
  if (__builtin_expect(e != NULL, 1)) {
    gj_rt_copy_elem(out, e + m->voff, m->vt->size);
    return;
  }
  static const char prefix[] = "key not found: ";
  GjStr *msg = gj_str_with_cap(64);
  msg = gj_rt_str_append_bytes(msg, prefix, (int64_t)sizeof prefix - 1);
  msg = m->kt->append_text(msg, key);
  gj_panic(msg, loc);
}

bool gj_map_contains(const GjMap *m, const void *key) {
  return find(m, key) != NULL;
}

GjMap *gj_map_insert(GjMap *m, const void *key, const void *val) {
  m = map_own(m);
  bool found;
  char *slot = upsert(m, key, &found);
  if (found) {
    val_dec(m, slot);
    key_dec(m, key);
  }
  gj_rt_copy_elem(slot, val, m->vt->size);
  return m;
}

GjMap *gj_set_add(GjMap *s, const void *x) {
  if (s->h.rc != 1 && find(s, x)) { /* a shared set: no copy for nothing */
    key_dec(s, x);
    return s;
  }
  s = map_own(s);
  bool found;
  upsert(s, x, &found);
  if (found)
    key_dec(s, x);
  return s;
}

GjMap *gj_map_remove(GjMap *m, const void *key) {
  if (!find(m, key))
    return m;
  m = map_own(m);
  Node *r = del(m, m->root, false, key, key_hash(m, key), 0);
  if (r->datamap == 0 && r->nodemap == 0) {
    gj_rt_free(r, block_size(bytes_of(r, m->esz)));
    r = NULL;
  }
  m->root = r;
  m->len--;
  return m;
}

/* §15 update(k, default, f): one walk down; f's result goes straight into
 * the entry. */
GjMap *gj_map_update(GjMap *m, const void *key, const void *dflt,
                     void *closure, GjCallFn call) {
  m = map_own(m);
  bool found;
  char *slot = upsert(m, key, &found);
  if (found) {
    _Alignas(8) char old[MAX_ELEM];
    gj_rt_copy_elem(old, slot, m->vt->size);
    key_dec(m, key);
    val_dec(m, dflt);
    void *args[1] = {old};
    call(closure, args, slot);
  } else {
    void *args[1] = {(void *)dflt};
    call(closure, args, slot);
  }
  return m;
}

GjMap *gj_map_upsert(GjMap *m, const void *key, void **slot, bool *found) {
  m = map_own(m);
  *slot = upsert(m, key, found);
  return m;
}

/* ---- iteration ----------------------------------------------------------- */

void gj_map_iter_init(GjMapIter *it, const GjMap *m) {
  it->map = m;
  it->depth = m->root ? 0 : -1;
  it->coll_i = 0;
  it->stack[0] = m->root;
  it->pos[0] = 0;
}

/* Depth first: a node's entries, then its children in slot order. */
bool gj_map_iter_next(GjMapIter *it, const void **key, const void **val) {
  const GjMap *m = it->map;
  uint32_t esz = m->esz;
  while (it->depth >= 0) {
    int d = it->depth;
    const Node *n = it->stack[d];
    uint32_t p = it->pos[d], nd = ndata(n);
    if (p < nd) {
      it->pos[d] = (uint8_t)(p + 1);
      const char *e = entries(n) + (size_t)p * esz;
      *key = e;
      *val = m->h.flags & MAP_SET ? NULL : e + m->voff;
      return true;
    }
    if (p < nd + nnodes(n)) {
      it->pos[d] = (uint8_t)(p + 1);
      it->stack[d + 1] = untag(children(n, esz)[p - nd]);
      it->pos[d + 1] = 0;
      it->depth = d + 1;
      continue;
    }
    it->depth = d - 1;
  }
  return false;
}

/* ---- bulk operations ----------------------------------------------------- */

/* a with every entry of b added; an entry of b whose key a has replaces
 * a's when `overwrite`, else is skipped (nothing is copied for it). */
static GjMap *add_all(const GjMap *a, const GjMap *b, bool overwrite) {
  GjMap *r = (GjMap *)a;
  gj_inc(r);
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, b);
  while (gj_map_iter_next(&it, &k, &v)) {
    if (!overwrite && find(r, k))
      continue;
    entry_inc(b, k);
    r = gj_map_insert(r, k, (const char *)k + b->voff);
  }
  return r;
}

GjMap *gj_map_merge(const GjMap *a, const GjMap *b) {
  return add_all(a, b, true);
}

/* map_values keeps the keys, hence the trie's shape: copy it node by node
 * with the new values. */
static Node *map_node(const GjMap *m, const GjMap *r, const Node *n,
                      void *closure, GjCallFn call) {
  uint32_t nd = ndata(n), nn = nnodes(n);
  Node *c = node_alloc(node_bytes(nd, nn, r->esz));
  c->h.flags = n->h.flags & NODE_COLL; /* a fresh tree: nothing borrowed */
  c->datamap = n->datamap;
  c->nodemap = n->nodemap;
  for (uint32_t i = 0; i < nd; i++) {
    const char *e = entries(n) + (size_t)i * m->esz;
    char *f = entries(c) + (size_t)i * r->esz;
    memcpy(f, e, m->kt->size);
    if (m->kt->flags & GJ_TYPE_HEAP)
      m->kt->inc(e);
    _Alignas(8) char v[MAX_ELEM];
    memcpy(v, e + m->voff, m->vt->size);
    if (m->vt->flags & GJ_TYPE_HEAP)
      m->vt->inc(v);
    void *args[1] = {v};
    call(closure, args, f + r->voff);
  }
  for (uint32_t i = 0; i < nn; i++)
    children(c, r->esz)[i] =
        map_node(m, r, untag(children(n, m->esz)[i]), closure, call);
  return c;
}

GjMap *gj_map_map_values(const GjMap *m, const GjType *vt2, void *closure,
                         GjCallFn call) {
  GjMap *r = map_alloc(m->kt, vt2, 0);
  if (m->root)
    r->root = map_node(m, r, m->root, closure, call);
  r->len = m->len;
  return r;
}

GjMap *gj_map_filter(const GjMap *m, void *closure, GjCallFn call) {
  GjMap *r = map_alloc(m->kt, m->vt, m->h.flags);
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    const char *val = (const char *)k + m->voff;
    _Alignas(8) char kc[MAX_ELEM], vc[MAX_ELEM];
    memcpy(kc, k, m->kt->size);
    memcpy(vc, val, m->vt->size);
    entry_inc(m, k);
    void *args[2] = {kc, vc};
    uint8_t keep = 0;
    call(closure, args, &keep);
    if (keep) {
      entry_inc(m, k);
      r = gj_map_insert(r, k, val);
    }
  }
  return r;
}

static GjList *collect(const GjMap *m, const GjType *t, bool values) {
  GjList *l = gj_list_with_cap(t, m->len);
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    const char *p = values ? (const char *)k + m->voff : k;
    if (t->flags & GJ_TYPE_HEAP)
      t->inc(p);
    l = gj_list_push(l, p);
  }
  return l;
}

GjList *gj_map_keys(const GjMap *m) { return collect(m, m->kt, false); }
GjList *gj_map_values(const GjMap *m) { return collect(m, m->vt, true); }
GjList *gj_set_to_list(const GjMap *s) { return collect(s, s->kt, false); }

/* A tuple ((), ()) has no stored fields: the compiler makes such values
 * immortal statics (rc 0) and never counts them, so the pairs of a
 * Map[Unit, Unit] all point at this one. */
static const GjHeader unit_pair = {0, GJ_KIND_OBJ, 0};

/* A tuple (K, V) as the compiler lays out a two-field record. */
GjList *gj_map_pairs(const GjMap *m, const GjType *pair_t) {
  uint32_t ks = m->kt->size, vs = m->vt->size;
  uint32_t ka = align_of_size(ks), va = align_of_size(vs);
  uint32_t koff = align_up(sizeof(GjHeader), ka);
  uint32_t voff = align_up(koff + ks, va);
  uint32_t maxa = ka > va ? ka : va;
  if (maxa < 4)
    maxa = 4;
  size_t size = align_up(voff + vs, maxa);
  GjList *l = gj_list_with_cap(pair_t, m->len);
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    if (ks == 0 && vs == 0) {
      const GjHeader *u = &unit_pair;
      l = gj_list_push(l, &u);
      continue;
    }
    char *t = gj_obj_alloc(size, GJ_KIND_OBJ);
    memcpy(t + koff, k, ks);
    memcpy(t + voff, (const char *)k + m->voff, vs);
    entry_inc(m, k);
    l = gj_list_push(l, &t);
  }
  return l;
}

/* ---- sets ---------------------------------------------------------------- */

GjMap *gj_set_from_list(const GjList *l) {
  const GjType *t = gj_list_elem_type(l);
  GjMap *s = gj_set_new(t);
  int64_t len = gj_list_len(l), n;
  for (int64_t i = 0; i < len; i += n) {
    const char *p = gj_list_chunk(l, i, &n);
    for (int64_t j = 0; j < n; j++) {
      const char *x = p + j * t->size;
      if (t->flags & GJ_TYPE_HEAP)
        t->inc(x);
      s = gj_set_add(s, x);
    }
  }
  return s;
}

/* Adds b's keys to a's (a fresh reference), the larger one kept whole. */
GjMap *gj_set_union(const GjMap *a, const GjMap *b) {
  /* add the smaller set's elements to the larger */
  return a->len < b->len ? add_all(b, a, false) : add_all(a, b, false);
}

GjMap *gj_set_intersection(const GjMap *a, const GjMap *b) {
  const GjMap *small = a->len <= b->len ? a : b;
  const GjMap *big = small == a ? b : a;
  GjMap *r = map_alloc(a->kt, a->vt, a->h.flags);
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, small);
  while (gj_map_iter_next(&it, &k, &v))
    if (find(big, k)) {
      entry_inc(small, k);
      r = gj_set_add(r, k);
    }
  return r;
}

GjMap *gj_set_difference(const GjMap *a, const GjMap *b) {
  GjMapIter it;
  const void *k, *v;
  if (b->len < a->len) { /* a less b's keys */
    GjMap *r = (GjMap *)a;
    gj_inc(r);
    gj_map_iter_init(&it, b);
    while (gj_map_iter_next(&it, &k, &v))
      r = gj_map_remove(r, k);
    return r;
  }
  GjMap *r = map_alloc(a->kt, a->vt, a->h.flags);
  gj_map_iter_init(&it, a);
  while (gj_map_iter_next(&it, &k, &v))
    if (!find(b, k)) {
      entry_inc(a, k);
      r = gj_set_add(r, k);
    }
  return r;
}

/* ---- equality, order, hashing, text (§4, §13) ------------------------------ */

bool gj_map_eq(const GjMap *a, const GjMap *b) {
  if (a == b || (a->root == b->root && a->len == b->len))
    return true;
  if (a->len != b->len)
    return false;
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, a);
  while (gj_map_iter_next(&it, &k, &v)) {
    const char *e = find(b, k);
    if (!e || !a->vt->eq((const char *)k + a->voff, e + b->voff))
      return false;
  }
  return true;
}

/* Order-independent: the entries' hashes summed, then mixed with len. */
uint64_t gj_map_hash(const GjMap *m, uint64_t seed) {
  uint64_t sum = 0;
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    uint64_t h = m->kt->hash(k, seed);
    h = m->vt->hash((const char *)k + m->voff, h);
    sum += h;
  }
  return gj_rt_hash_int((int64_t)(sum ^ (uint64_t)m->len), seed);
}

static int cmp_keys(const void *x, const void *y, void *kt) {
  const char *a = *(const char *const *)x, *b = *(const char *const *)y;
  int64_t c = ((const GjType *)kt)->cmp(a, b);
  return (c > 0) - (c < 0);
}

/* The entries in key order (§4), malloc'd; NULL when empty. */
static const char **sorted_entries(const GjMap *m) {
  if (m->len == 0)
    return NULL;
  const char **v = malloc((size_t)m->len * sizeof *v);
  if (!v)
    gj_rt_fatal("out of memory");
  GjMapIter it;
  const void *k, *val;
  int64_t i = 0;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &val))
    v[i++] = k;
  qsort_r(v, (size_t)m->len, sizeof *v, cmp_keys, (void *)m->kt);
  return v;
}

int64_t gj_map_cmp(const GjMap *a, const GjMap *b) {
  if (a == b)
    return 0;
  const char **x = sorted_entries(a), **y = sorted_entries(b);
  int64_t n = a->len < b->len ? a->len : b->len, c = 0;
  for (int64_t i = 0; i < n && c == 0; i++) {
    c = a->kt->cmp(x[i], y[i]);
    if (c == 0)
      c = a->vt->cmp(x[i] + a->voff, y[i] + b->voff);
  }
  if (c == 0)
    c = (a->len > b->len) - (a->len < b->len);
  free(x);
  free(y);
  return c < 0 ? -1 : c > 0;
}

GjStr *gj_map_append_text(GjStr *buf, const GjMap *m) {
  bool set = m->h.flags & MAP_SET;
  if (m->len == 0)
    return gj_rt_str_append_bytes(buf, set ? "set([])" : "{:}", set ? 7 : 3);
  const char **v = sorted_entries(m);
  buf = gj_rt_str_append_bytes(buf, set ? "set([" : "{", set ? 5 : 1);
  for (int64_t i = 0; i < m->len; i++) {
    if (i)
      buf = gj_rt_str_append_bytes(buf, ", ", 2);
    buf = m->kt->append_text(buf, v[i]);
    if (!set) {
      buf = gj_rt_str_append_bytes(buf, ": ", 2);
      buf = m->vt->append_text(buf, v[i] + m->voff);
    }
  }
  free(v);
  return gj_rt_str_append_bytes(buf, set ? "])" : "}", set ? 2 : 1);
}

/* gj_type_map: an element is a GjMap pointer. */
static void map_elem_inc(const void *a) { gj_inc(*(GjMap *const *)a); }
static void map_elem_dec(const void *a) { gj_dec(*(GjMap *const *)a); }
static bool map_elem_eq(const void *a, const void *b) {
  return gj_map_eq(*(GjMap *const *)a, *(GjMap *const *)b);
}
static uint64_t map_elem_hash(const void *a, uint64_t seed) {
  return gj_map_hash(*(GjMap *const *)a, seed);
}
static int64_t map_elem_cmp(const void *a, const void *b) {
  return gj_map_cmp(*(GjMap *const *)a, *(GjMap *const *)b);
}
static GjStr *map_elem_text(GjStr *buf, const void *a) {
  return gj_map_append_text(buf, *(GjMap *const *)a);
}

const GjType gj_type_map = {8, GJ_TYPE_HEAP, map_elem_inc, map_elem_dec,
                            map_elem_eq, map_elem_hash, map_elem_cmp,
                            map_elem_text, "Map"};

/* ---- sharing (§16) ------------------------------------------------------- */

/* A node, its entries, its children and its src chain (whoever frees
 * the node releases its src). */
static void node_mark_shared(const GjMap *m, Node *n) {
  uint32_t esz = m->esz;
  for (; n && n->h.rc > 0; n = src_of(n, esz)) { /* else all below shared */
    n->h.rc = -n->h.rc;
    uint32_t nd = ndata(n), nn = nnodes(n);
    for (uint32_t i = 0; i < nd; i++) {
      char *e = entries(n) + (size_t)i * esz;
      gj_mark_shared_elem(m->kt, e);
      gj_mark_shared_elem(m->vt, e + m->voff);
    }
    Node **c = children(n, esz);
    for (uint32_t i = 0; i < nn; i++)
      node_mark_shared(m, untag(c[i]));
  }
}

void gj_rt_map_mark_shared(GjMap *m) {
  if (m->root)
    node_mark_shared(m, m->root);
}
