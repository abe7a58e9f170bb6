/* list.c — List[T] (§15): a persistent vector, after Clojure's
 * PersistentVector: a 32-way trie of leaves plus a tail leaf.
 *
 * Elements are stored unboxed, elem->size bytes each (a leaf of Ints is
 * 32 * 8 bytes, of Bools 32 bytes). The last 1..32 elements live in the
 * tail; the first tail_off(len) = (len - 1) & ~31 in the trie, whose
 * leaves are always full. The root is NULL while the trie is empty, a leaf
 * (shift 0) while it holds one, and an inner node of level shift/5
 * otherwise; element i is found by (i >> shift) & 31, (i >> shift-5) & 31,
 * ... down to a leaf, then i & 31. An inner node's unused slots are NULL
 * (only the rightmost path is partial).
 *
 * Nodes are counted objects (GJ_KIND_LIST_NODE) with their own rc, so
 * versions share structure: an update mutates in place whatever it
 * reaches that is uniquely owned (rc 1: the list object, then each node on
 * the path) and copies the rest (a node with rc != 1 — shared, or
 * immortal — is copied, its children incremented). So `$xs =
 * $xs.push($x)` on a unique list writes one slot; a shared list costs a
 * path copy, and the old version never changes.
 *
 * A leaf's header flags hold its capacity in elements: trie leaves have
 * 32; a tail may start smaller (4, 8, 16) so a list of three Ints is not
 * 264 bytes, and grows by doubling while unique. A node's size at free
 * time follows: 8 + cap * elem->size for a leaf, INNER_BYTES for an inner
 * node. How many elements of a leaf are live is known from the list
 * (32 in the trie, len - tail_off(len) in the tail); a tail shared by
 * several lists is shared only by lists of the same length (every
 * operation that changes the length copies a shared tail), so that count
 * is the same from every owner, and releasing it decs the right elements.
 *
 * Concatenation and slices copy (O(n)); relaxed (RRB) nodes will make them
 * O(log n).
 */
#include "rt_internal.h"

#include <stdlib.h>
#include <string.h>

#define BITS 5
#define WIDTH 32
#define MASK 31
#define MIN_TAIL 4

typedef struct Node {
  GjHeader h; /* leaf: flags = capacity in elements; inner: flags = 0 */
  _Alignas(8) unsigned char data[]; /* leaf: elements; inner: Node *[32] */
} Node;

struct GjList {
  GjHeader h;
  uint32_t shift; /* level of the root * BITS */
  uint32_t esize; /* elem->size, at hand for the fast paths */
  int64_t len;
  const GjType *elem;
  Node *root; /* NULL while len <= 32 */
  Node *tail; /* NULL while len == 0 (unless gj_list_with_cap made one) */
};

#define INNER_BYTES (sizeof(GjHeader) + WIDTH * sizeof(Node *))

static inline Node **kids(const Node *n) {
  return (Node **)(void *)n->data;
}
static inline int64_t tail_off(int64_t len) {
  return len ? (len - 1) & ~(int64_t)MASK : 0;
}
static inline size_t leaf_bytes(uint32_t cap, uint32_t es) {
  return sizeof(GjHeader) + (size_t)cap * es;
}

static inline void copy_elem(void *dst, const void *src, uint32_t es) {
  switch (es) {
  case 8:
    memcpy(dst, src, 8);
    break;
  case 4:
    memcpy(dst, src, 4);
    break;
  case 1:
    memcpy(dst, src, 1);
    break;
  case 0:
    break;
  default:
    memcpy(dst, src, es);
  }
}

static void inc_elems(const GjType *t, const unsigned char *p, int64_t n) {
  if (t->inc)
    for (int64_t i = 0; i < n; i++)
      t->inc(p + (size_t)i * t->size);
}

static void dec_elems(const GjType *t, const unsigned char *p, int64_t n) {
  if (t->dec)
    for (int64_t i = 0; i < n; i++)
      t->dec(p + (size_t)i * t->size);
}

/* ---- nodes ---------------------------------------------------------------- */

static Node *new_leaf(uint32_t cap, uint32_t es) {
  Node *n = gj_rt_alloc(leaf_bytes(cap, es), GJ_KIND_LIST_NODE);
  n->h.flags = (uint16_t)cap;
  return n;
}

static Node *new_inner(void) {
  Node *n = gj_rt_alloc(INNER_BYTES, GJ_KIND_LIST_NODE);
  memset(n->data, 0, WIDTH * sizeof(Node *));
  return n;
}

/* The smallest tail capacity for n elements: 4, 8, 16 or 32. */
static uint32_t cap_for(int64_t n) {
  uint32_t c = MIN_TAIL;
  while (c < WIDTH && c < n)
    c *= 2;
  return c;
}

/* Drops a reference to a leaf with `count` live elements. */
static void leaf_release(Node *n, int64_t count, const GjType *t) {
  if (gj_rt_rc_dec(&n->h)) {
    dec_elems(t, n->data, count);
    gj_rt_free(n, leaf_bytes(n->h.flags, t->size));
  }
}

/* Drops a reference to a trie node of level shift/BITS. */
static void node_release(Node *n, uint32_t shift, const GjType *t) {
  if (shift == 0) {
    leaf_release(n, WIDTH, t);
    return;
  }
  if (gj_rt_rc_dec(&n->h)) {
    Node **k = kids(n);
    for (int i = 0; i < WIDTH && k[i]; i++)
      node_release(k[i], shift - BITS, t);
    gj_rt_free(n, INNER_BYTES);
  }
}

/* Consumes a reference to leaf n (count live elements); returns a unique
 * leaf with the same elements and room for at least cap. */
static Node *leaf_unique(Node *n, uint32_t count, uint32_t cap,
                         const GjType *t) {
  uint32_t es = t->size;
  if (n->h.rc == 1) {
    if (n->h.flags >= cap)
      return n;
    n = gj_rt_realloc(n, leaf_bytes(n->h.flags, es), leaf_bytes(cap, es));
    n->h.flags = (uint16_t)cap;
    return n;
  }
  if (cap < n->h.flags)
    cap = n->h.flags;
  Node *m = new_leaf(cap, es);
  memcpy(m->data, n->data, (size_t)count * es);
  inc_elems(t, m->data, count);
  leaf_release(n, count, t);
  return m;
}

/* Consumes a reference to inner node n; returns a unique one with the
 * same children. */
static Node *inner_unique(Node *n, uint32_t shift, const GjType *t) {
  if (n->h.rc == 1)
    return n;
  Node *m = gj_rt_alloc(INNER_BYTES, GJ_KIND_LIST_NODE);
  memcpy(m->data, n->data, WIDTH * sizeof(Node *));
  Node **k = kids(m);
  for (int i = 0; i < WIDTH && k[i]; i++)
    gj_rt_rc_inc(&k[i]->h);
  node_release(n, shift, t);
  return m;
}

/* Inner nodes from level shift down to 1 above `leaf`, each the first
 * child of the one above. */
static Node *new_path(uint32_t shift, Node *leaf) {
  Node *n = leaf;
  for (uint32_t s = BITS; s <= shift; s += BITS) {
    Node *p = new_inner();
    kids(p)[0] = n;
    n = p;
  }
  return n;
}

static Node *push_leaf(Node *n, uint32_t shift, int64_t idx, Node *leaf,
                       const GjType *t) {
  n = inner_unique(n, shift, t);
  Node **k = kids(n) + ((idx >> shift) & MASK);
  if (shift == BITS)
    *k = leaf;
  else
    *k = *k ? push_leaf(*k, shift - BITS, idx, leaf, t)
            : new_path(shift - BITS, leaf);
  return n;
}

/* Adds full leaf `leaf` (its reference moves) as elements idx..idx+31. */
static void trie_append(GjList *l, Node *leaf, int64_t idx) {
  if (!l->root) {
    l->root = leaf;
    l->shift = 0;
  } else if (idx == (int64_t)1 << (l->shift + BITS)) { /* full: grow */
    Node *r = new_inner();
    kids(r)[0] = l->root;
    kids(r)[1] = new_path(l->shift, leaf);
    l->root = r;
    l->shift += BITS;
  } else {
    l->root = push_leaf(l->root, l->shift, idx, leaf, l->elem);
  }
}

/* Takes the last leaf (elements idx..idx+31) out of the trie into *leaf;
 * returns the node, or NULL when it became empty. */
static Node *pop_leaf(Node *n, uint32_t shift, int64_t idx, const GjType *t,
                      Node **leaf) {
  n = inner_unique(n, shift, t);
  Node **k = kids(n);
  unsigned sub = (unsigned)(idx >> shift) & MASK;
  if (shift == BITS) {
    *leaf = k[sub];
    k[sub] = NULL;
  } else {
    k[sub] = pop_leaf(k[sub], shift - BITS, idx, t, leaf);
  }
  if (sub == 0 && k[0] == NULL) {
    gj_rt_free(n, INNER_BYTES);
    return NULL;
  }
  return n;
}

static Node *set_path(Node *n, uint32_t shift, int64_t i, const GjType *t,
                      unsigned char **slot) {
  if (shift == 0) {
    n = leaf_unique(n, WIDTH, WIDTH, t);
    *slot = n->data + (size_t)(i & MASK) * t->size;
    return n;
  }
  n = inner_unique(n, shift, t);
  Node **k = kids(n) + ((i >> shift) & MASK);
  *k = set_path(*k, shift - BITS, i, t, slot);
  return n;
}

/* ---- list objects ---------------------------------------------------------- */

static GjList *list_alloc(const GjType *t) {
  GjList *l = gj_rt_alloc(sizeof(GjList), GJ_KIND_LIST);
  l->shift = 0;
  l->esize = t->size;
  l->len = 0;
  l->elem = t;
  l->root = NULL;
  l->tail = NULL;
  return l;
}

void gj_rt_list_free(GjList *l) {
  const GjType *t = l->elem;
  if (l->tail)
    leaf_release(l->tail, l->len - tail_off(l->len), t);
  if (l->root)
    node_release(l->root, l->shift, t);
  gj_rt_free(l, sizeof(GjList));
}

/* Consumes l; returns a uniquely owned list object with its contents (the
 * nodes shared with l when l was shared). */
static GjList *list_unique(GjList *l) {
  if (l->h.rc == 1)
    return l;
  GjList *c = gj_rt_alloc(sizeof(GjList), GJ_KIND_LIST);
  c->shift = l->shift;
  c->esize = l->esize;
  c->len = l->len;
  c->elem = l->elem;
  c->root = l->root;
  c->tail = l->tail;
  if (c->root)
    gj_rt_rc_inc(&c->root->h);
  if (c->tail)
    gj_rt_rc_inc(&c->tail->h);
  gj_dec(l);
  return c;
}

GjList *gj_list_new(const GjType *elem) { return list_alloc(elem); }

GjList *gj_list_with_cap(const GjType *elem, int64_t n) {
  GjList *l = list_alloc(elem);
  if (n > 0)
    l->tail = new_leaf(cap_for(n), elem->size);
  return l;
}

int64_t gj_list_len(const GjList *l) { return l->len; }

const GjType *gj_list_elem_type(const GjList *l) { return l->elem; }

/* Address of element i (in range). */
static inline const unsigned char *elem_at(const GjList *l, int64_t i) {
  int64_t off = tail_off(l->len);
  if (i >= off)
    return l->tail->data + (size_t)(i - off) * l->esize;
  const Node *n = l->root;
  for (uint32_t s = l->shift; s; s -= BITS)
    n = kids(n)[(i >> s) & MASK];
  return n->data + (size_t)(i & MASK) * l->esize;
}

/* ---- panics ---------------------------------------------------------------- */

static size_t put(char *buf, size_t len, const char *s) {
  size_t n = strlen(s);
  memcpy(buf + len, s, n);
  return len + n;
}

static size_t put_int(char *buf, size_t len, int64_t v) {
  return len + (size_t)gj_rt_fmt_int(v, buf + len);
}

/* §15: "index out of range: 5 (length 3)" */
static _Noreturn __attribute__((cold)) void panic_index(int64_t i, int64_t len,
                                                        const GjLoc *loc) {
  char msg[96];
  size_t n = put(msg, 0, "index out of range: ");
  n = put_int(msg, n, i);
  n = put(msg, n, " (length ");
  n = put_int(msg, n, len);
  n = put(msg, n, ")");
  const char *parts[1] = {msg};
  gj_rt_panic_parts(parts, &n, 1, loc);
}

/* §15: "slice out of range: 2..7 (length 3)" */
static _Noreturn __attribute__((cold)) void
panic_slice(int64_t a, int64_t b, int64_t len, const GjLoc *loc) {
  char msg[128];
  size_t n = put(msg, 0, "slice out of range: ");
  n = put_int(msg, n, a);
  n = put(msg, n, "..");
  n = put_int(msg, n, b);
  n = put(msg, n, " (length ");
  n = put_int(msg, n, len);
  n = put(msg, n, ")");
  const char *parts[1] = {msg};
  gj_rt_panic_parts(parts, &n, 1, loc);
}

/* ---- access ---------------------------------------------------------------- */

void gj_list_get(const GjList *l, int64_t i, void *out, const GjLoc *loc) {
  if (__builtin_expect((uint64_t)i >= (uint64_t)l->len, 0))
    panic_index(i, l->len, loc);
  copy_elem(out, elem_at(l, i), l->esize);
}

bool gj_list_try_get(const GjList *l, int64_t i, void *out) {
  if ((uint64_t)i >= (uint64_t)l->len)
    return false;
  copy_elem(out, elem_at(l, i), l->esize);
  return true;
}

const void *gj_list_chunk(const GjList *l, int64_t i, int64_t *n) {
  if ((uint64_t)i >= (uint64_t)l->len) {
    *n = 0;
    return NULL;
  }
  int64_t off = tail_off(l->len);
  *n = i >= off ? l->len - i : WIDTH - (i & MASK);
  return elem_at(l, i);
}

/* ---- updates ---------------------------------------------------------------- */

static __attribute__((noinline)) GjList *push_slow(GjList *l,
                                                   const void *elem) {
  l = list_unique(l);
  const GjType *t = l->elem;
  uint32_t es = l->esize;
  int64_t n = l->len, off = tail_off(n);
  uint32_t k = (uint32_t)(n - off);
  if (k == WIDTH) { /* the full tail becomes the trie's last leaf */
    trie_append(l, l->tail, off);
    l->tail = new_leaf(WIDTH, es);
    k = 0;
  } else if (!l->tail) {
    l->tail = new_leaf(MIN_TAIL, es);
  } else {
    uint32_t cap = l->tail->h.flags;
    if (k >= cap)
      cap = cap * 2 > WIDTH ? WIDTH : cap * 2;
    l->tail = leaf_unique(l->tail, k, cap, t);
  }
  copy_elem(l->tail->data + (size_t)k * es, elem, es);
  l->len = n + 1;
  return l;
}

/* §15: push is amortized O(1) and in place when l is unique. */
GjList *gj_list_push(GjList *l, const void *elem) {
  Node *t = l->tail;
  int64_t n = l->len;
  if (__builtin_expect(l->h.rc == 1 && t && t->h.rc == 1, 1)) {
    uint32_t k = (uint32_t)(n - tail_off(n));
    if (__builtin_expect(k < t->h.flags, 1)) {
      copy_elem(t->data + (size_t)k * l->esize, elem, l->esize);
      l->len = n + 1;
      return l;
    }
  }
  return push_slow(l, elem);
}

/* The slot of element i when l and every node on its path are unique
 * (the in-place case), else NULL. */
static inline unsigned char *unique_slot(GjList *l, int64_t i) {
  if (l->h.rc != 1)
    return NULL;
  int64_t off = tail_off(l->len);
  Node *n;
  if (i >= off) {
    n = l->tail;
    i -= off;
  } else {
    n = l->root;
    for (uint32_t s = l->shift; n->h.rc == 1 && s; s -= BITS)
      n = kids(n)[(i >> s) & MASK];
  }
  return n->h.rc == 1 ? n->data + (size_t)(i & MASK) * l->esize : NULL;
}

GjList *gj_list_set(GjList *l, int64_t i, const void *elem, const GjLoc *loc) {
  if (__builtin_expect((uint64_t)i >= (uint64_t)l->len, 0))
    panic_index(i, l->len, loc);
  unsigned char *fast = unique_slot(l, i);
  if (fast) {
    if (l->elem->dec)
      l->elem->dec(fast);
    copy_elem(fast, elem, l->esize);
    return l;
  }
  l = list_unique(l);
  const GjType *t = l->elem;
  int64_t off = tail_off(l->len);
  unsigned char *slot;
  if (i >= off) {
    uint32_t k = (uint32_t)(l->len - off);
    l->tail = leaf_unique(l->tail, k, k, t);
    slot = l->tail->data + (size_t)(i - off) * l->esize;
  } else {
    l->root = set_path(l->root, l->shift, i, t, &slot);
  }
  if (t->dec)
    t->dec(slot);
  copy_elem(slot, elem, l->esize);
  return l;
}

GjList *gj_list_pop(GjList *l, void *out_last) {
  if (l->len <= 0)
    gj_rt_fatal("gj_list_pop on an empty list");
  l = list_unique(l);
  const GjType *t = l->elem;
  uint32_t es = l->esize;
  int64_t n = l->len, off = tail_off(n);
  uint32_t k = (uint32_t)(n - off);
  Node *tl = l->tail;
  copy_elem(out_last, tl->data + (size_t)(k - 1) * es, es);
  l->len = n - 1;
  if (tl->h.rc == 1) { /* the element moves out */
    if (k > 1)
      return l;
    gj_rt_free(tl, leaf_bytes(tl->h.flags, es));
  } else { /* shared: the caller's copy is a new reference */
    if (t->inc)
      t->inc(out_last);
    if (k > 1) {
      Node *m = new_leaf(tl->h.flags, es);
      memcpy(m->data, tl->data, (size_t)(k - 1) * es);
      inc_elems(t, m->data, k - 1);
      leaf_release(tl, k, t);
      l->tail = m;
      return l;
    }
    leaf_release(tl, k, t);
  }
  /* The tail is gone: the trie's last leaf becomes the tail. */
  l->tail = NULL;
  if (n == 1)
    return l;
  if (l->shift == 0) {
    l->tail = l->root;
    l->root = NULL;
    return l;
  }
  l->root = pop_leaf(l->root, l->shift, off - WIDTH, t, &l->tail);
  Node *r = l->root; /* unique now; at least one child left */
  if (kids(r)[1] == NULL) { /* one child: drop a level */
    l->root = kids(r)[0];
    gj_rt_free(r, INNER_BYTES);
    l->shift -= BITS;
  }
  return l;
}

/* Consumes l; appends m contiguous elements from p, incrementing them when
 * `inc` (else their references move in). Whole runs go by memcpy. */
static GjList *append_elems(GjList *l, const unsigned char *p, int64_t m,
                            bool inc) {
  if (m <= 0)
    return l;
  l = list_unique(l);
  const GjType *t = l->elem;
  uint32_t es = l->esize;
  while (m > 0) {
    int64_t n = l->len, off = tail_off(n);
    uint32_t k = (uint32_t)(n - off);
    if (k == WIDTH) {
      trie_append(l, l->tail, off);
      l->tail = NULL;
      k = 0;
    }
    uint32_t take = WIDTH - k;
    if (take > m)
      take = (uint32_t)m;
    uint32_t need = k + take;
    if (!l->tail)
      l->tail = new_leaf(m > take ? WIDTH : cap_for(need), es);
    else
      l->tail = leaf_unique(l->tail, k, need > l->tail->h.flags
                                            ? cap_for(need)
                                            : l->tail->h.flags,
                            t);
    unsigned char *dst = l->tail->data + (size_t)k * es;
    memcpy(dst, p, (size_t)take * es);
    if (inc)
      inc_elems(t, dst, take);
    l->len = n + take;
    p += (size_t)take * es;
    m -= take;
  }
  return l;
}

/* Consumes l; appends src[from..to), incremented. */
static GjList *append_from(GjList *l, const GjList *src, int64_t from,
                           int64_t to) {
  for (int64_t i = from; i < to;) {
    int64_t c;
    const unsigned char *p = gj_list_chunk(src, i, &c);
    if (c > to - i)
      c = to - i;
    l = append_elems(l, p, c, true);
    i += c;
  }
  return l;
}

static GjList *share(const GjList *l) {
  gj_inc((void *)l);
  return (GjList *)l;
}

/* §15: a ++ b */
GjList *gj_list_concat(const GjList *a, const GjList *b) {
  if (b->len == 0)
    return share(a);
  if (a->len == 0)
    return share(b);
  /* a's nodes stay shared with a: the appends path-copy them once. */
  return append_from(share(a), b, 0, b->len);
}

/* §15: $xs[a..b] */
GjList *gj_list_slice(const GjList *l, int64_t a, int64_t b,
                      const GjLoc *loc) {
  if (a < 0 || a > b || b > l->len)
    panic_slice(a, b, l->len, loc);
  if (a == 0 && b == l->len)
    return share(l);
  return append_from(gj_list_with_cap(l->elem, b - a), l, a, b);
}

GjList *gj_list_take(const GjList *l, int64_t n) {
  if (n >= l->len)
    return share(l);
  return gj_list_slice(l, 0, n < 0 ? 0 : n, NULL);
}

GjList *gj_list_drop(const GjList *l, int64_t n) {
  if (n <= 0)
    return share(l);
  return gj_list_slice(l, n < l->len ? n : l->len, l->len, NULL);
}

/* ---- whole-list operations ------------------------------------------------- */

/* The elements' bytes, flat, in a malloc'd buffer (not incremented). */
static unsigned char *flatten(const GjList *l) {
  size_t bytes = (size_t)l->len * l->esize;
  unsigned char *buf = malloc(bytes ? bytes : 1);
  if (!buf)
    gj_rt_fatal("out of memory");
  unsigned char *d = buf;
  for (int64_t i = 0; i < l->len;) {
    int64_t c;
    const unsigned char *p = gj_list_chunk(l, i, &c);
    memcpy(d, p, (size_t)c * l->esize);
    d += (size_t)c * l->esize;
    i += c;
  }
  return buf;
}

/* Stable merge sort: insertion sort below 17, a merge skipped when the
 * halves are already in order (so sorted input is linear). */
#define DEFINE_MSORT(NAME, T, LESS)                                           \
  static void NAME(T *a, T *tmp, size_t n, const GjType *t) {                 \
    (void)t;                                                                  \
    if (n <= 16) {                                                            \
      for (size_t i = 1; i < n; i++) {                                        \
        T x = a[i];                                                           \
        size_t j = i;                                                         \
        for (; j > 0 && LESS(x, a[j - 1]); j--)                               \
          a[j] = a[j - 1];                                                    \
        a[j] = x;                                                             \
      }                                                                       \
      return;                                                                 \
    }                                                                         \
    size_t h = n / 2;                                                         \
    NAME(a, tmp, h, t);                                                       \
    NAME(a + h, tmp, n - h, t);                                               \
    if (!LESS(a[h], a[h - 1]))                                                \
      return;                                                                 \
    memcpy(tmp, a, h * sizeof(T));                                            \
    size_t i = 0, j = h, k = 0;                                               \
    while (i < h && j < n)                                                    \
      a[k++] = LESS(a[j], tmp[i]) ? a[j++] : tmp[i++];                        \
    while (i < h)                                                             \
      a[k++] = tmp[i++];                                                      \
  }

static inline int64_t total_key(double v) {
  int64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return bits < 0 ? bits ^ INT64_MAX : bits;
}

#define INT_LESS(x, y) ((x) < (y))
#define FLOAT_LESS(x, y) (total_key(x) < total_key(y))
#define WORD_LESS(x, y) (t->cmp(&(x), &(y)) < 0)
#define PTR_LESS(x, y) (t->cmp((x), (y)) < 0)
DEFINE_MSORT(sort_int, int64_t, INT_LESS)
DEFINE_MSORT(sort_float, double, FLOAT_LESS)
DEFINE_MSORT(sort_word, uint64_t, WORD_LESS)
DEFINE_MSORT(sort_ptr, const unsigned char *, PTR_LESS)

static void sort_elems(unsigned char *buf, size_t n, const GjType *t) {
  size_t es = t->size;
  if (es == 8) {
    void *tmp = malloc(n / 2 * 8 + 8);
    if (!tmp)
      gj_rt_fatal("out of memory");
    if (t == &gj_type_int)
      sort_int((int64_t *)(void *)buf, tmp, n, t);
    else if (t == &gj_type_float)
      sort_float((double *)(void *)buf, tmp, n, t);
    else
      sort_word((uint64_t *)(void *)buf, tmp, n, t);
    free(tmp);
    return;
  }
  /* Any other size: sort pointers to the elements, then gather. */
  const unsigned char **ptrs = malloc(n * sizeof *ptrs);
  const unsigned char **tmp = malloc((n / 2 + 1) * sizeof *ptrs);
  unsigned char *out = malloc(n * es);
  if (!ptrs || !tmp || !out)
    gj_rt_fatal("out of memory");
  for (size_t i = 0; i < n; i++)
    ptrs[i] = buf + i * es;
  sort_ptr(ptrs, tmp, n, t);
  for (size_t i = 0; i < n; i++)
    memcpy(out + i * es, ptrs[i], es);
  memcpy(buf, out, n * es);
  free(out);
  free(tmp);
  free(ptrs);
}

/* §15: sorted() is stable, by §4's order (Float by totalOrder). */
GjList *gj_list_sorted(const GjList *l) {
  if (l->len < 2 || l->esize == 0)
    return share(l);
  unsigned char *buf = flatten(l);
  sort_elems(buf, (size_t)l->len, l->elem);
  GjList *r =
      append_elems(gj_list_with_cap(l->elem, l->len), buf, l->len, true);
  free(buf);
  return r;
}

GjList *gj_list_reversed(const GjList *l) {
  if (l->len < 2 || l->esize == 0)
    return share(l);
  unsigned char *buf = flatten(l);
  size_t es = l->esize;
  for (size_t i = 0, j = (size_t)l->len - 1; i < j; i++, j--)
    for (size_t b = 0; b < es; b++) {
      unsigned char c = buf[i * es + b];
      buf[i * es + b] = buf[j * es + b];
      buf[j * es + b] = c;
    }
  GjList *r =
      append_elems(gj_list_with_cap(l->elem, l->len), buf, l->len, true);
  free(buf);
  return r;
}

/* §4: lists are equal when their lengths and elements are. */
bool gj_list_eq(const GjList *a, const GjList *b) {
  if (a->len != b->len)
    return false;
  const GjType *t = a->elem;
  size_t es = t->size;
  for (int64_t i = 0; i < a->len;) {
    int64_t na, nb;
    const unsigned char *pa = gj_list_chunk(a, i, &na);
    const unsigned char *pb = gj_list_chunk(b, i, &nb);
    int64_t m = na < nb ? na : nb;
    if (t->flags & GJ_TYPE_BITWISE) {
      if (pa != pb && memcmp(pa, pb, (size_t)m * es) != 0)
        return false;
    } else {
      for (int64_t j = 0; j < m; j++)
        if (!t->eq(pa + (size_t)j * es, pb + (size_t)j * es))
          return false;
    }
    i += m;
  }
  return true;
}

/* §4: lexicographic; a proper prefix is smaller. */
int64_t gj_list_cmp(const GjList *a, const GjList *b) {
  const GjType *t = a->elem;
  size_t es = t->size;
  int64_t len = a->len < b->len ? a->len : b->len;
  for (int64_t i = 0; i < len;) {
    int64_t na, nb;
    const unsigned char *pa = gj_list_chunk(a, i, &na);
    const unsigned char *pb = gj_list_chunk(b, i, &nb);
    int64_t m = na < nb ? na : nb;
    if (m > len - i)
      m = len - i;
    if (pa != pb)
      for (int64_t j = 0; j < m; j++) {
        int64_t c = t->cmp(pa + (size_t)j * es, pb + (size_t)j * es);
        if (c)
          return c < 0 ? -1 : 1;
      }
    i += m;
  }
  return (a->len > b->len) - (a->len < b->len);
}

uint64_t gj_list_hash(const GjList *l, uint64_t seed) {
  const GjType *t = l->elem;
  uint64_t h = gj_hash_int(l->len, seed);
  for (int64_t i = 0; i < l->len;) {
    int64_t c;
    const unsigned char *p = gj_list_chunk(l, i, &c);
    for (int64_t j = 0; j < c; j++)
      h = t->hash(p + (size_t)j * t->size, h);
    i += c;
  }
  return h;
}

/* §13: [1, 2, 3], ["a", "b"], [] — elements in their nested forms. */
GjStr *gj_list_append_text(GjStr *buf, const GjList *l) {
  const GjType *t = l->elem;
  buf = gj_rt_str_append_bytes(buf, "[", 1);
  for (int64_t i = 0; i < l->len;) {
    int64_t c;
    const unsigned char *p = gj_list_chunk(l, i, &c);
    for (int64_t j = 0; j < c; j++) {
      if (i + j)
        buf = gj_rt_str_append_bytes(buf, ", ", 2);
      buf = t->append_text(buf, p + (size_t)j * t->size);
    }
    i += c;
  }
  return gj_rt_str_append_bytes(buf, "]", 1);
}

int64_t gj_list_index_of(const GjList *l, const void *x) {
  const GjType *t = l->elem;
  size_t es = t->size;
  bool bitwise = t->flags & GJ_TYPE_BITWISE;
  for (int64_t i = 0; i < l->len;) {
    int64_t c;
    const unsigned char *p = gj_list_chunk(l, i, &c);
    if (bitwise && es == 8) {
      uint64_t want;
      memcpy(&want, x, 8);
      for (int64_t j = 0; j < c; j++) {
        uint64_t v;
        memcpy(&v, p + (size_t)j * 8, 8);
        if (v == want)
          return i + j;
      }
    } else {
      for (int64_t j = 0; j < c; j++)
        if (bitwise ? memcmp(p + (size_t)j * es, x, es) == 0
                    : t->eq(p + (size_t)j * es, x))
          return i + j;
    }
    i += c;
  }
  return -1;
}

bool gj_list_contains(const GjList *l, const void *x) {
  return gj_list_index_of(l, x) >= 0;
}

/* §13: List[Str].join(sep), in one allocation. */
GjStr *gj_list_join(const GjList *strs, const GjStr *sep) {
  int64_t total = strs->len > 0 ? sep->len * (strs->len - 1) : 0;
  for (int64_t i = 0; i < strs->len;) {
    int64_t c;
    GjStr *const *p = gj_list_chunk(strs, i, &c);
    for (int64_t j = 0; j < c; j++)
      total += p[j]->len;
    i += c;
  }
  GjStr *r = gj_str_with_cap(total);
  for (int64_t i = 0; i < strs->len;) {
    int64_t c;
    GjStr *const *p = gj_list_chunk(strs, i, &c);
    for (int64_t j = 0; j < c; j++) {
      if (i + j)
        r = gj_str_append_str(r, sep);
      r = gj_str_append_str(r, p[j]);
    }
    i += c;
  }
  return r;
}
