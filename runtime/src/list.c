/* list.c — List[T] (§15): a persistent vector, after Clojure's
 * PersistentVector (a 32-way trie of leaves plus a tail leaf), made a
 * relaxed radix balanced tree (RRB: Bagwell & Rompf 2011; Stucki et al.,
 * ICFP 2015) so that `++` and slices are O(log n) too.
 *
 * Elements are stored unboxed, elem->size bytes each (a leaf of Ints is
 * 32 * 8 bytes, of Bools 32 bytes). The last tail_len (1..32) elements live
 * in the tail, the others in the tree under `root`: NULL while the tree is
 * empty, a leaf (shift 0) while it holds one, otherwise an inner node of
 * level shift/5 with 2..32 children. The list's first element is the
 * tree's element `skip` (0..31, always inside the first leaf; see slices).
 *
 * Strict and relaxed nodes. An inner node is STRICT when every child but
 * the last holds exactly 32^level elements and every child is strict;
 * element i is then child (i >> shift) & 31, as in Clojure. A RELAXED node
 * (flag RELAXED) has, after its 32 child slots, a size table: the
 * cumulative element counts of its children (uint32_t, or int64_t at shift
 * >= 30, where the counts may pass 2^32). Lookup guesses child i >> shift,
 * which never overshoots (no child holds more than 32^level), and steps
 * right while the table says the index lies further; the concatenation
 * plan keeps the steps few. Since a relaxed child makes its parent relaxed,
 * a strict root means a strict tree: push, index, set, pop and iteration on
 * a list never concatenated or sliced at the front take the old radix paths
 * with one more test (the root's flag) and an add (skip). Only the
 * rightmost leaf of a strict
 * tree may be partial; in a relaxed tree any leaf may be (never empty).
 *
 * Sizes flow downwards: a node does not know how many elements it holds;
 * the list does (len - tail_len + skip), and each level computes its
 * children's counts (size table, or full-but-the-last for strict nodes). Every
 * function on a subtree takes its size. A leaf's header flags hold its
 * capacity in elements (4, 8, 16 or 32 for tails, which start small so a
 * list of three Ints is not 264 bytes and double while unique; exact for
 * leaves cut by slices or merged by concatenation); an inner node's flags
 * hold its child count and RELAXED. Its live elements are its count from
 * above, which is the same from every owner: a shared node never changes,
 * and a tail is shared only by lists with the same tail_len.
 *
 * Nodes are counted objects (GJ_KIND_LIST_NODE) with their own rc, so
 * versions share structure: an update mutates in place whatever it
 * reaches that is uniquely owned (rc 1: the list object, then each node on
 * the path) and copies the rest (a node with rc != 1 — shared, or
 * immortal — is copied, its children incremented). So `$xs =
 * $xs.push($x)` on a unique list writes one slot; a shared list costs a
 * path copy, and the old version never changes.
 *
 * Concatenation (L'orange's thesis, ch. 3): a's tail is pushed into a's
 * tree as a leaf, then the right spine of a's tree and the left spine of
 * b's are zipped bottom-up; at each level the children along the seam (at
 * most 64) are redistributed by the plan only when they number more than
 * E_EXTRA beyond the optimum, nodes that keep their contents are shared,
 * and the result is one or two nodes, so the height grows by at most one.
 * b's tail becomes the result's. O(log n) (with 32 * 64 slots per level at
 * worst to move), and O(len b) when b has at most 32 elements (pushed).
 * Slicing copies the two boundary leaves (at most 2 * 31 elements), builds
 * new nodes along the two boundary paths (runs of the old nodes' children,
 * their size tables the old ones less what was cut in front) and shares
 * every node between, dropping root levels that cover the range with one
 * child; when only the two boundary pieces remain they are concatenated,
 * so the height follows the size: O(log n). Such a slice holds references
 * only to nodes wholly inside it: what it drops is released as soon as the
 * original goes. One exception, for `[_, ..$rest]` recursion (slice 1..len
 * at each step): a slice that keeps the whole tree and starts inside its
 * first leaf shares the tree and only raises `skip` (O(1), no allocation
 * but the list object); the real slice comes when the start passes the
 * leaf, once in 32 steps. So a list retains at most 31 dropped elements,
 * those before `skip` in its first leaf, until a slice or pop moves past
 * them.
 */
#include "rt_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define BITS 5
#define WIDTH 32
#define MASK 31
#define MIN_TAIL 4
#define RELAXED 0x40    /* inner node flag: a size table follows the children */
#define COUNT_MASK 0x3f /* inner node flags: the number of children, 1..32 */
#define WIDE_SHIFT 30   /* from this level on size tables are 64-bit */
/* The concatenation plan: a seam of n nodes holding S slots is left alone
 * while n <= ceil(S / 32) + E_EXTRA; nodes with more than WIDTH - E_SKIP
 * slots are never refilled (the values of L'orange's librrb). */
#define E_EXTRA 2
#define E_SKIP 1

typedef struct Node {
  GjHeader h; /* leaf: flags = capacity; inner: flags = count | RELAXED */
  _Alignas(8) unsigned char data[]; /* leaf: elements; inner: Node *[32],
                                       then the size table when relaxed */
} Node;

struct GjList {
  GjHeader h;
  uint8_t shift;    /* level of the root * BITS */
  uint8_t tail_len; /* elements in the tail: 1..32, 0 only when len == 0 */
  uint16_t skip;    /* dead elements before the list's first in the tree */
  uint32_t esize;   /* elem->size, at hand for the fast paths */
  int64_t len;
  const GjType *elem;
  Node *root; /* NULL while the tree is empty (len == tail_len) */
  Node *tail; /* NULL while len == 0 (unless gj_list_with_cap made one) */
};

/* §3: lib/CodeGen/constdata.c emits embedded consts' lists as static
 * data (rc 0) in exactly this layout, on 64-bit targets. */
_Static_assert(offsetof(struct GjList, shift) == 8 &&
                   offsetof(struct GjList, tail_len) == 9 &&
                   offsetof(struct GjList, skip) == 10 &&
                   offsetof(struct GjList, esize) == 12 &&
                   offsetof(struct GjList, len) == 16 &&
                   offsetof(struct GjList, elem) == 24 &&
                   offsetof(struct GjList, root) == 32 &&
                   offsetof(struct GjList, tail) == 40 &&
                   offsetof(Node, data) == 8,
               "the list layout CodeGen's constant lists use");

/* A subtree with its element count (a node does not know its own). */
typedef struct Sub {
  Node *n;
  int64_t size;
} Sub;

#define INNER_BYTES (sizeof(GjHeader) + WIDTH * sizeof(Node *))

static inline Node **kids(const Node *n) {
  return (Node **)(void *)n->data;
}
static inline unsigned nkids(const Node *n) { return n->h.flags & COUNT_MASK; }
/* False for every leaf: a capacity is at most 32. */
static inline bool relaxed(const Node *n) { return n->h.flags & RELAXED; }
static inline void set_nkids(Node *n, unsigned m) {
  n->h.flags = (uint16_t)((n->h.flags & ~COUNT_MASK) | m);
}
static inline size_t relaxed_bytes(uint32_t shift) {
  return INNER_BYTES + WIDTH * (shift >= WIDE_SHIFT ? 8 : 4);
}
static inline size_t inner_bytes(const Node *n, uint32_t shift) {
  return relaxed(n) ? relaxed_bytes(shift) : INNER_BYTES;
}
/* Entry j of relaxed node n's size table: elements in children 0..j. */
static inline int64_t rsize(const Node *n, uint32_t shift, unsigned j) {
  const void *tab = kids(n) + WIDTH;
  if (shift >= WIDE_SHIFT)
    return ((const int64_t *)tab)[j];
  return ((const uint32_t *)tab)[j];
}
static inline void set_rsize(Node *n, uint32_t shift, unsigned j, int64_t v) {
  void *tab = kids(n) + WIDTH;
  if (shift >= WIDE_SHIFT)
    ((int64_t *)tab)[j] = v;
  else
    ((uint32_t *)tab)[j] = (uint32_t)v;
}

/* Elements under child j of inner node n (level shift, `size` in all). */
static inline int64_t child_size(const Node *n, uint32_t shift, int64_t size,
                                 unsigned j) {
  if (relaxed(n))
    return rsize(n, shift, j) - (j ? rsize(n, shift, j - 1) : 0);
  int64_t full = (int64_t)1 << shift;
  return j + 1 < nkids(n) ? full : size - (int64_t)j * full;
}

/* The child of inner node n (level shift) holding index *i of n; *i
 * becomes the index within that child. */
static inline unsigned child_for(const Node *n, uint32_t shift, int64_t *i) {
  unsigned j = (unsigned)(*i >> shift);
  if (!relaxed(n)) {
    j &= MASK;
    *i -= (int64_t)j << shift;
    return j;
  }
  while (rsize(n, shift, j) <= *i)
    j++;
  if (j)
    *i -= rsize(n, shift, j - 1);
  return j;
}

static inline size_t leaf_bytes(uint32_t cap, uint32_t es) {
  return sizeof(GjHeader) + (size_t)cap * es;
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

/* ---- nodes --------------------------------------------------------------- */

static Node *new_leaf(uint32_t cap, uint32_t es) {
  Node *n = gj_rt_alloc(leaf_bytes(cap, es), GJ_KIND_LIST_NODE);
  n->h.flags = (uint16_t)cap;
  return n;
}

/* The smallest tail capacity for n elements: 4, 8, 16 or 32. */
static uint32_t cap_for(int64_t n) {
  uint32_t c = MIN_TAIL;
  while (c < WIDTH && c < n)
    c *= 2;
  return c;
}

/* A new leaf of capacity cap holding n's elements from..from+count,
 * incremented. */
static Node *leaf_copy(const Node *n, int64_t from, int64_t count,
                       uint32_t cap, const GjType *t) {
  uint32_t es = t->size;
  Node *m = new_leaf(cap, es);
  memcpy(m->data, n->data + (size_t)from * es, (size_t)count * es);
  inc_elems(t, m->data, count);
  return m;
}

/* Drops a reference to a leaf with `count` live elements. */
static void leaf_release(Node *n, int64_t count, const GjType *t) {
  if (gj_rt_rc_dec(&n->h)) {
    dec_elems(t, n->data, count);
    gj_rt_free(n, leaf_bytes(n->h.flags, t->size));
  }
}

/* Drops a reference to a subtree of level shift/BITS holding `size`. */
static void node_release(Node *n, uint32_t shift, int64_t size,
                         const GjType *t) {
  if (shift == 0) {
    leaf_release(n, size, t);
    return;
  }
  if (gj_rt_rc_dec(&n->h)) {
    unsigned m = nkids(n);
    for (unsigned j = 0; j < m; j++) {
      Node *c = kids(n)[j];
      int32_t rc = __atomic_load_n(&c->h.rc, __ATOMIC_RELAXED);
      if (rc > 1) /* shared with another version: the common case */
        c->h.rc = rc - 1;
      else
        node_release(c, shift - BITS, child_size(n, shift, size, j), t);
    }
    gj_rt_free(n, inner_bytes(n, shift));
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
  Node *m = leaf_copy(n, 0, count, cap, t);
  leaf_release(n, count, t);
  return m;
}

/* Consumes a reference to inner node n (holding size); returns a unique
 * one with the same children (and size table). */
static Node *inner_unique(Node *n, uint32_t shift, int64_t size,
                          const GjType *t) {
  if (n->h.rc == 1)
    return n;
  unsigned m = nkids(n);
  Node *c = gj_rt_alloc(inner_bytes(n, shift), GJ_KIND_LIST_NODE);
  c->h.flags = n->h.flags;
  memcpy(kids(c), kids(n), m * sizeof(Node *));
  for (unsigned j = 0; j < m; j++)
    gj_rt_rc_inc(&kids(c)[j]->h);
  if (relaxed(n))
    memcpy(kids(c) + WIDTH, kids(n) + WIDTH,
           m * (shift >= WIDE_SHIFT ? 8 : 4));
  node_release(n, shift, size, t);
  return c;
}

/* A new inner node of level shift over kids[0..m) (their references move
 * in): strict when every child is strict and all but the last are full,
 * else relaxed with its size table. */
static Node *make_inner(uint32_t shift, const Sub *ks, unsigned m) {
  int64_t full = (int64_t)1 << shift;
  bool strict = true;
  for (unsigned j = 0; j < m && strict; j++)
    strict = (j + 1 == m || ks[j].size == full) &&
             (shift == BITS || !relaxed(ks[j].n));
  Node *n = gj_rt_alloc(strict ? INNER_BYTES : relaxed_bytes(shift),
                        GJ_KIND_LIST_NODE);
  n->h.flags = (uint16_t)(m | (strict ? 0 : RELAXED));
  int64_t sum = 0;
  for (unsigned j = 0; j < m; j++) {
    kids(n)[j] = ks[j].n;
    sum += ks[j].size;
    if (!strict)
      set_rsize(n, shift, j, sum);
  }
  return n;
}

/* Turns unique strict node n (holding size) into a relaxed one. */
static Node *make_relaxed(Node *n, uint32_t shift, int64_t size) {
  unsigned m = nkids(n);
  int64_t full = (int64_t)1 << shift;
  n = gj_rt_realloc(n, INNER_BYTES, relaxed_bytes(shift));
  n->h.flags |= RELAXED;
  for (unsigned j = 0; j < m; j++)
    set_rsize(n, shift, j, j + 1 < m ? (int64_t)(j + 1) * full : size);
  return n;
}

/* While the tree *root (level *shift, holding size) is an inner node with
 * one child, the child takes its place. */
static void collapse(Node **root, uint32_t *shift, int64_t size,
                     const GjType *t) {
  while (*shift > 0 && nkids(*root) == 1) {
    Node *r = *root;
    *root = kids(r)[0];
    if (r->h.rc == 1) {
      gj_rt_free(r, inner_bytes(r, *shift));
    } else {
      gj_rt_rc_inc(&(*root)->h);
      node_release(r, *shift, size, t);
    }
    *shift -= BITS;
  }
}

/* Inner nodes from level shift down to 1 above `leaf`, each the only
 * child of the one above (strict). */
static Node *new_path(uint32_t shift, Node *leaf) {
  Node *n = leaf;
  for (uint32_t s = BITS; s <= shift; s += BITS) {
    Node *p = gj_rt_alloc(INNER_BYTES, GJ_KIND_LIST_NODE);
    p->h.flags = 1;
    kids(p)[0] = n;
    n = p;
  }
  return n;
}

/* Whether a leaf can be added under n (level shift) without a new root. */
static bool has_room(const Node *n, uint32_t shift) {
  for (; shift; shift -= BITS) {
    if (nkids(n) < WIDTH)
      return true;
    n = kids(n)[WIDTH - 1];
  }
  return false;
}

/* Adds `leaf` (count elements, its reference moves) after the last leaf
 * under n (level shift, holding size); precondition has_room. */
static Node *push_leaf(Node *n, uint32_t shift, int64_t size, Node *leaf,
                       int64_t count, const GjType *t) {
  n = inner_unique(n, shift, size, t);
  unsigned m = nkids(n);
  int64_t last = child_size(n, shift, size, m - 1);
  if (shift > BITS && has_room(kids(n)[m - 1], shift - BITS)) {
    Node *c = push_leaf(kids(n)[m - 1], shift - BITS, last, leaf, count, t);
    kids(n)[m - 1] = c;
    if (!relaxed(n) && relaxed(c))
      n = make_relaxed(n, shift, size);
    if (relaxed(n))
      set_rsize(n, shift, m - 1, size + count);
  } else {
    if (!relaxed(n) && last != (int64_t)1 << shift)
      n = make_relaxed(n, shift, size);
    kids(n)[m] = new_path(shift - BITS, leaf);
    set_nkids(n, m + 1);
    if (relaxed(n))
      set_rsize(n, shift, m, size + count);
  }
  return n;
}

/* Adds leaf (count elements, its reference moves) at the end of the tree
 * *root (level *shift, holding size elements). */
static void tree_append(Node **root, uint32_t *shift, int64_t size,
                        Node *leaf, int64_t count, const GjType *t) {
  if (!*root) {
    *root = leaf;
    *shift = 0;
  } else if (has_room(*root, *shift)) {
    *root = push_leaf(*root, *shift, size, leaf, count, t);
  } else { /* full: grow */
    Sub two[2] = {{*root, size}, {new_path(*shift, leaf), count}};
    *root = make_inner(*shift + BITS, two, 2);
    *shift += BITS;
  }
}

/* Takes the last leaf out of the subtree n (level shift >= BITS, holding
 * size) into *leaf and its count into *count; returns the node, or NULL
 * when it became empty (and was freed). */
static Node *pop_leaf(Node *n, uint32_t shift, int64_t size, const GjType *t,
                      Node **leaf, int64_t *count) {
  n = inner_unique(n, shift, size, t);
  unsigned m = nkids(n);
  int64_t last = child_size(n, shift, size, m - 1);
  Node *c = kids(n)[m - 1];
  if (shift == BITS) {
    *leaf = c;
    *count = last;
    c = NULL;
  } else {
    c = pop_leaf(c, shift - BITS, last, t, leaf, count);
  }
  if (c) {
    kids(n)[m - 1] = c;
    if (relaxed(n))
      set_rsize(n, shift, m - 1, size - *count);
    return n;
  }
  if (m == 1) {
    gj_rt_free(n, inner_bytes(n, shift));
    return NULL;
  }
  set_nkids(n, m - 1);
  return n;
}

static Node *set_path(Node *n, uint32_t shift, int64_t size, int64_t i,
                      const GjType *t, unsigned char **slot) {
  if (shift == 0) {
    n = leaf_unique(n, (uint32_t)size, (uint32_t)size, t);
    *slot = n->data + (size_t)i * t->size;
    return n;
  }
  n = inner_unique(n, shift, size, t);
  unsigned j = child_for(n, shift, &i);
  Node **k = kids(n) + j;
  *k = set_path(*k, shift - BITS, child_size(n, shift, size, j), i, t, slot);
  return n;
}

/* The leaf under n (level shift, holding size) with index *i; *i becomes
 * the index in the leaf and *count its number of elements. */
static const Node *find_leaf(const Node *n, uint32_t shift, int64_t size,
                             int64_t *i, int64_t *count) {
  for (; shift; shift -= BITS) {
    unsigned j = child_for(n, shift, i);
    size = child_size(n, shift, size, j);
    n = kids(n)[j];
  }
  *count = size;
  return n;
}

/* ---- list objects -------------------------------------------------------- */

static GjList *list_alloc(const GjType *t) {
  GjList *l = gj_rt_alloc(sizeof(GjList), GJ_KIND_LIST);
  l->shift = 0;
  l->tail_len = 0;
  l->skip = 0;
  l->esize = t->size;
  l->len = 0;
  l->elem = t;
  l->root = NULL;
  l->tail = NULL;
  return l;
}

/* The list's elements in its tree, and the tree's (skip more). */
static inline int64_t tree_len(const GjList *l) {
  return l->len - l->tail_len;
}
static inline int64_t tree_size(const GjList *l) {
  return l->len - l->tail_len + l->skip;
}

void gj_rt_list_free(GjList *l) {
  const GjType *t = l->elem;
  if (l->tail)
    leaf_release(l->tail, l->tail_len, t);
  if (l->root)
    node_release(l->root, l->shift, tree_size(l), t);
  gj_rt_free(l, sizeof(GjList));
}

/* Consumes l; returns a uniquely owned list object with its contents (the
 * nodes shared with l when l was shared). */
static GjList *list_unique(GjList *l) {
  if (l->h.rc == 1)
    return l;
  GjList *c = gj_rt_alloc(sizeof(GjList), GJ_KIND_LIST);
  c->shift = l->shift;
  c->tail_len = l->tail_len;
  c->skip = l->skip;
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

/* Moves l's full tail into its tree (l unique); the tail becomes NULL. */
static void tail_into_tree(GjList *l) {
  uint32_t shift = l->shift;
  tree_append(&l->root, &shift, tree_size(l), l->tail, l->tail_len, l->elem);
  l->shift = (uint8_t)shift;
  l->tail = NULL;
  l->tail_len = 0;
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

/* Address of tree element i of a list whose root is relaxed. */
static const unsigned char *relaxed_elem(const GjList *l, int64_t i) {
  const Node *n = l->root;
  i += l->skip;
  uint32_t s = l->shift;
  for (; s >= WIDE_SHIFT && relaxed(n); s -= BITS)
    n = kids(n)[child_for(n, s, &i)];
  for (; s && relaxed(n); s -= BITS) {
    const uint32_t *tab = (const uint32_t *)(const void *)(kids(n) + WIDTH);
    unsigned j = (unsigned)(i >> s);
    while (tab[j] <= i)
      j++;
    if (j)
      i -= tab[j - 1];
    n = kids(n)[j];
  }
  for (; s; s -= BITS) /* a strict subtree: i is relative to it */
    n = kids(n)[(i >> s) & MASK];
  return n->data + (size_t)(i & MASK) * l->esize;
}

/* gj_list_get's and gj_list_try_get's relaxed case, out of line so that
 * the strict path needs no stack frame (a sibling call). */
static __attribute__((noinline)) bool relaxed_get(const GjList *l, int64_t i,
                                                  void *out) {
  gj_rt_copy_elem(out, relaxed_elem(l, i), l->esize);
  return true;
}

/* Address of element i (in range) when it is in the tail or under a strict
 * root, else NULL (relaxed_elem's case). */
static inline const unsigned char *strict_elem(const GjList *l, int64_t i) {
  int64_t off = tree_len(l);
  if (i >= off)
    return l->tail->data + (size_t)(i - off) * l->esize;
  const Node *n = l->root;
  if (__builtin_expect(relaxed(n), 0))
    return NULL;
  i += l->skip;
  for (uint32_t s = l->shift; s; s -= BITS)
    n = kids(n)[(i >> s) & MASK];
  return n->data + (size_t)(i & MASK) * l->esize;
}

/* ---- panics -------------------------------------------------------------- */

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

/* ---- access -------------------------------------------------------------- */

void gj_list_get(const GjList *l, int64_t i, void *out, const GjLoc *loc) {
  if (__builtin_expect((uint64_t)i >= (uint64_t)l->len, 0))
    panic_index(i, l->len, loc);
  const unsigned char *p = strict_elem(l, i);
  if (__builtin_expect(!p, 0)) {
    relaxed_get(l, i, out);
    return;
  }
  gj_rt_copy_elem(out, p, l->esize);
}

bool gj_list_try_get(const GjList *l, int64_t i, void *out) {
  if ((uint64_t)i >= (uint64_t)l->len)
    return false;
  const unsigned char *p = strict_elem(l, i);
  if (__builtin_expect(!p, 0))
    return relaxed_get(l, i, out);
  gj_rt_copy_elem(out, p, l->esize);
  return true;
}

const void *gj_list_chunk(const GjList *l, int64_t i, int64_t *n) {
  if ((uint64_t)i >= (uint64_t)l->len) {
    *n = 0;
    return NULL;
  }
  int64_t off = tree_len(l);
  if (i >= off) {
    *n = l->len - i;
    return l->tail->data + (size_t)(i - off) * l->esize;
  }
  if (!relaxed(l->root)) { /* only the last leaf may be partial */
    int64_t left = WIDTH - ((i + l->skip) & MASK);
    *n = left < off - i ? left : off - i;
    return strict_elem(l, i);
  }
  int64_t count;
  i += l->skip;
  const Node *leaf = find_leaf(l->root, l->shift, tree_size(l), &i, &count);
  *n = count - i;
  return leaf->data + (size_t)i * l->esize;
}

/* ---- updates ------------------------------------------------------------- */

static __attribute__((noinline)) GjList *push_slow(GjList *l,
                                                   const void *elem) {
  l = list_unique(l);
  const GjType *t = l->elem;
  uint32_t es = l->esize;
  uint32_t k = l->tail_len;
  if (k == WIDTH) { /* the full tail becomes the tree's last leaf */
    tail_into_tree(l);
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
  gj_rt_copy_elem(l->tail->data + (size_t)k * es, elem, es);
  l->tail_len = (uint8_t)(k + 1);
  l->len++;
  return l;
}

/* §15: push is amortized O(1) and in place when l is unique. */
GjList *gj_list_push(GjList *l, const void *elem) {
  Node *t = l->tail;
  if (__builtin_expect(l->h.rc == 1 && t && t->h.rc == 1, 1)) {
    uint32_t k = l->tail_len;
    if (__builtin_expect(k < t->h.flags, 1)) {
      gj_rt_copy_elem(t->data + (size_t)k * l->esize, elem, l->esize);
      l->tail_len = (uint8_t)(k + 1);
      l->len++;
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
  int64_t off = tree_len(l);
  Node *n;
  if (i >= off) {
    n = l->tail;
    i -= off;
  } else if (!relaxed(l->root)) {
    n = l->root;
    i += l->skip;
    for (uint32_t s = l->shift; n->h.rc == 1 && s; s -= BITS)
      n = kids(n)[(i >> s) & MASK];
    i &= MASK;
  } else {
    n = l->root;
    i += l->skip;
    for (uint32_t s = l->shift; n->h.rc == 1 && s; s -= BITS)
      n = kids(n)[child_for(n, s, &i)];
  }
  return n->h.rc == 1 ? n->data + (size_t)i * l->esize : NULL;
}

GjList *gj_list_set(GjList *l, int64_t i, const void *elem, const GjLoc *loc) {
  if (__builtin_expect((uint64_t)i >= (uint64_t)l->len, 0))
    panic_index(i, l->len, loc);
  unsigned char *fast = unique_slot(l, i);
  if (fast) {
    if (l->elem->dec)
      l->elem->dec(fast);
    gj_rt_copy_elem(fast, elem, l->esize);
    return l;
  }
  l = list_unique(l);
  const GjType *t = l->elem;
  int64_t off = tree_len(l);
  unsigned char *slot;
  if (i >= off) {
    uint32_t k = l->tail_len;
    l->tail = leaf_unique(l->tail, k, k, t);
    slot = l->tail->data + (size_t)(i - off) * l->esize;
  } else {
    l->root = set_path(l->root, l->shift, tree_size(l), i + l->skip, t, &slot);
  }
  if (t->dec)
    t->dec(slot);
  gj_rt_copy_elem(slot, elem, l->esize);
  return l;
}

GjList *gj_list_pop(GjList *l, void *out_last) {
  if (l->len <= 0)
    gj_rt_fatal("gj_list_pop on an empty list");
  l = list_unique(l);
  const GjType *t = l->elem;
  uint32_t es = l->esize;
  uint32_t k = l->tail_len;
  Node *tl = l->tail;
  gj_rt_copy_elem(out_last, tl->data + (size_t)(k - 1) * es, es);
  l->len--;
  l->tail_len = (uint8_t)(k - 1);
  if (tl->h.rc == 1) { /* the element moves out */
    if (k > 1)
      return l;
    gj_rt_free(tl, leaf_bytes(tl->h.flags, es));
  } else { /* shared: the caller's copy is a new reference */
    if (t->inc)
      t->inc(out_last);
    if (k > 1) {
      l->tail = leaf_copy(tl, 0, k - 1, tl->h.flags, t);
      leaf_release(tl, k, t);
      return l;
    }
    leaf_release(tl, k, t);
  }
  /* The tail is gone: the tree's last leaf becomes the tail. */
  l->tail = NULL;
  if (l->len == 0)
    return l;
  int64_t count, size = l->len + l->skip;
  if (l->shift == 0) { /* the tree is one leaf */
    count = l->len;
    l->tail = l->skip ? leaf_copy(l->root, l->skip, count, cap_for(count), t)
                      : l->root;
    if (l->skip)
      leaf_release(l->root, size, t);
    l->root = NULL;
    l->skip = 0;
  } else { /* the last leaf is not the first */
    uint32_t shift = l->shift;
    l->root = pop_leaf(l->root, shift, size, t, &l->tail, &count);
    collapse(&l->root, &shift, size - count, t);
    l->shift = (uint8_t)shift;
  }
  l->tail_len = (uint8_t)count;
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
    uint32_t k = l->tail_len;
    if (k == WIDTH) {
      tail_into_tree(l);
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
    l->tail_len = (uint8_t)need;
    l->len += take;
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

/* ---- concatenation ------------------------------------------------------- */

/* Slots of a seam entry at level `level`: elements of a leaf, children of
 * an inner node. */
static inline unsigned slots(const Sub *s, uint32_t level) {
  return level ? nkids(s->n) : (unsigned)s->size;
}

/* The concatenation plan (L'orange's thesis, §3.3.3): cnt[0..n) are the
 * slot counts of a seam's nodes; while there are more than E_EXTRA nodes
 * beyond ceil(slots / 32), the first node with room gives its slots to the
 * ones after it, which fill up to 32, and one node disappears. Returns the
 * new number of nodes; cnt holds their counts. */
static unsigned plan(unsigned *cnt, unsigned n) {
  unsigned total = 0;
  for (unsigned i = 0; i < n; i++)
    total += cnt[i];
  unsigned opt = (total + WIDTH - 1) / WIDTH;
  unsigned i = 0;
  while (n > opt + E_EXTRA) {
    while (cnt[i] > WIDTH - E_SKIP)
      i++;
    /* n > opt + 2 leaves room for node i's slots before the last node */
    unsigned rest = cnt[i];
    do {
      unsigned fill = rest + cnt[i + 1] < WIDTH ? rest + cnt[i + 1] : WIDTH;
      rest = rest + cnt[i + 1] - fill;
      cnt[i] = fill;
      i++;
    } while (rest > 0);
    memmove(cnt + i, cnt + i + 1, (n - i - 1) * sizeof *cnt);
    n--;
    i--;
  }
  return n;
}

/* Consumes seam entries from all[*si] (slot *so on) into one new node of
 * level `level` with c slots. */
static Sub gather(Sub *all, unsigned *si, unsigned *so, unsigned c,
                  uint32_t level, const GjType *t) {
  uint32_t es = t->size;
  Node *leaf = level ? NULL : new_leaf(c, es);
  Sub ks[WIDTH];
  int64_t size = 0;
  for (unsigned filled = 0; filled < c;) {
    Sub *src = &all[*si];
    unsigned take = slots(src, level) - *so;
    if (take > c - filled)
      take = c - filled;
    if (!level) {
      unsigned char *dst = leaf->data + (size_t)filled * es;
      memcpy(dst, src->n->data + (size_t)*so * es, (size_t)take * es);
      inc_elems(t, dst, take);
      size += take;
    } else {
      for (unsigned q = *so; q < *so + take; q++) {
        Node *g = kids(src->n)[q];
        int64_t gs = child_size(src->n, level, src->size, q);
        gj_rt_rc_inc(&g->h);
        ks[filled + q - *so] = (Sub){g, gs};
        size += gs;
      }
    }
    filled += take;
    *so += take;
    if (*so == slots(src, level)) {
      node_release(src->n, level, src->size, t);
      (*si)++;
      *so = 0;
    }
  }
  return (Sub){level ? make_inner(level, ks, c) : leaf, size};
}

/* Consumes the seam all[0..n) (nodes of level shift - BITS): rebalanced by
 * the plan, then grouped into one or two nodes of level shift in out[].
 * Nodes the plan leaves whole are kept, not copied. */
static unsigned rebalance(Sub *all, unsigned n, uint32_t shift,
                          const GjType *t, Sub out[2]) {
  uint32_t level = shift - BITS;
  unsigned cnt[2 * WIDTH];
  for (unsigned i = 0; i < n; i++)
    cnt[i] = slots(&all[i], level);
  unsigned m = plan(cnt, n);
  if (m == 0 || m > 2 * WIDTH)
    gj_rt_fatal("list: a bad concatenation plan");
  Sub nw[2 * WIDTH];
  unsigned si = 0, so = 0;
  for (unsigned k = 0; k < m; k++) {
    if (so == 0 && cnt[k] == slots(&all[si], level))
      nw[k] = all[si++];
    else
      nw[k] = gather(all, &si, &so, cnt[k], level, t);
  }
  unsigned groups = m > WIDTH ? 2 : 1;
  for (unsigned g = 0; g < groups; g++) {
    unsigned from = g * WIDTH, to = g ? m : (m < WIDTH ? m : WIDTH);
    int64_t size = 0;
    for (unsigned k = from; k < to; k++)
      size += nw[k].size;
    out[g] = (Sub){make_inner(shift, nw + from, to - from), size};
  }
  return groups;
}

/* Appends to all[] (from *n on) the children of x (level shift) from
 * `from` to before `to`, incremented. */
static void seam_add(Sub *all, unsigned *n, const Sub *x, uint32_t shift,
                     unsigned from, unsigned to) {
  for (unsigned j = from; j < to; j++) {
    Node *c = kids(x->n)[j];
    gj_rt_rc_inc(&c->h);
    all[(*n)++] = (Sub){c, child_size(x->n, shift, x->size, j)};
  }
}

static Sub last_child(const Sub *x, uint32_t shift) {
  unsigned m = nkids(x->n);
  return (Sub){kids(x->n)[m - 1], child_size(x->n, shift, x->size, m - 1)};
}

static Sub first_child(const Sub *x, uint32_t shift) {
  return (Sub){kids(x->n)[0], child_size(x->n, shift, x->size, 0)};
}

/* The concatenation of subtrees l (level hl) and r (level hr), borrowed,
 * as one or two new nodes of level max(hl, hr) in out[]. */
static unsigned concat_rec(Sub l, uint32_t hl, Sub r, uint32_t hr,
                           const GjType *t, Sub out[2]) {
  if (hl == 0 && hr == 0) {
    gj_rt_rc_inc(&l.n->h);
    gj_rt_rc_inc(&r.n->h);
    out[0] = l;
    out[1] = r;
    return 2;
  }
  Sub all[2 * WIDTH], mid[2];
  unsigned n = 0, nm;
  uint32_t shift = hl > hr ? hl : hr;
  if (hl > hr)
    nm = concat_rec(last_child(&l, hl), hl - BITS, r, hr, t, mid);
  else if (hl < hr)
    nm = concat_rec(l, hl, first_child(&r, hr), hr - BITS, t, mid);
  else
    nm = concat_rec(last_child(&l, hl), hl - BITS, first_child(&r, hr),
                    hr - BITS, t, mid);
  if (hl >= hr)
    seam_add(all, &n, &l, hl, 0, nkids(l.n) - 1);
  for (unsigned k = 0; k < nm; k++)
    all[n++] = mid[k];
  if (hr >= hl)
    seam_add(all, &n, &r, hr, 1, nkids(r.n));
  return rebalance(all, n, shift, t, out);
}

/* The concatenation of trees l (level hl) and r (level hr), borrowed, as
 * a new tree; *shift becomes its level. */
static Node *tree_concat(Sub l, uint32_t hl, Sub r, uint32_t hr,
                         uint32_t *shift, const GjType *t) {
  Sub out[2];
  uint32_t s = hl > hr ? hl : hr;
  Node *root;
  if (concat_rec(l, hl, r, hr, t, out) == 1) {
    root = out[0].n;
  } else if (s == 0 && l.size + r.size <= WIDTH) { /* two leaves */
    root = new_leaf((uint32_t)(l.size + r.size), t->size);
    memcpy(root->data, out[0].n->data, (size_t)l.size * t->size);
    memcpy(root->data + (size_t)l.size * t->size, out[1].n->data,
           (size_t)r.size * t->size);
    inc_elems(t, root->data, l.size + r.size);
    leaf_release(out[0].n, l.size, t);
    leaf_release(out[1].n, r.size, t);
  } else {
    root = make_inner(s + BITS, out, 2);
    s += BITS;
  }
  collapse(&root, &s, l.size + r.size, t);
  *shift = s;
  return root;
}

static Node *slice_tree(Node *n, uint32_t *shift, int64_t size, int64_t a,
                        int64_t b, const GjType *t);

/* A new reference to a tree holding exactly l's tree elements (without
 * the skipped ones), or NULL; *shift becomes its level. */
static Node *own_tree(const GjList *l, uint32_t *shift) {
  *shift = l->shift;
  if (!l->root)
    return NULL;
  if (l->skip)
    return slice_tree(l->root, shift, tree_size(l), l->skip, tree_size(l),
                      l->elem);
  gj_rt_rc_inc(&l->root->h);
  return l->root;
}

/* §15: a ++ b */
GjList *gj_list_concat(const GjList *a, const GjList *b) {
  if (b->len == 0)
    return share(a);
  if (a->len == 0)
    return share(b);
  if (b->len <= WIDTH) /* a few pushes */
    return append_from(share(a), b, 0, b->len);
  const GjType *t = a->elem;
  /* The left tree: a's tree with a's tail as its last leaf. */
  uint32_t hl, hr, shift;
  Node *lr = own_tree(a, &hl), *rr = own_tree(b, &hr);
  gj_rt_rc_inc(&a->tail->h);
  tree_append(&lr, &hl, tree_len(a), a->tail, a->tail_len, t);
  GjList *c = list_alloc(t);
  c->root = tree_concat((Sub){lr, a->len}, hl, (Sub){rr, tree_len(b)}, hr,
                        &shift, t);
  node_release(lr, hl, a->len, t);
  node_release(rr, hr, tree_len(b), t);
  c->shift = (uint8_t)shift;
  c->tail = b->tail;
  gj_rt_rc_inc(&c->tail->h);
  c->tail_len = b->tail_len;
  c->len = a->len + b->len;
  return c;
}

/* ---- slices -------------------------------------------------------------- */

/* Elements in children 0..j of inner node n (level shift, holding size). */
static inline int64_t cum_size(const Node *n, uint32_t shift, int64_t size,
                               unsigned j) {
  if (relaxed(n))
    return rsize(n, shift, j);
  return j + 1 < nkids(n) ? (int64_t)(j + 1) << shift : size;
}

/* A new inner node of level shift holding `first`, then n's children
 * from..to (incremented), then `last` (either may be NULL); its size
 * table, if relaxed, is n's cumulative counts from `from` on less `cut`
 * (what went before), with `first_size` and `last_size` at the ends.
 * Strict when n is and so are the ends, `first` being full unless alone:
 * the children between are a run of a strict node's. */
static Node *cut_inner(const Node *n, uint32_t shift, int64_t size,
                       Node *first, int64_t first_size, unsigned from,
                       unsigned to, Node *last, int64_t last_size,
                       int64_t cut) {
  unsigned m = (first != NULL) + (to - from) + (last != NULL), k = 0;
  bool strict = !relaxed(n) &&
                (!first || m == 1 || first_size == (int64_t)1 << shift) &&
                (shift == BITS || ((!first || !relaxed(first)) &&
                                   (!last || !relaxed(last))));
  Node *c = gj_rt_alloc(strict ? INNER_BYTES : relaxed_bytes(shift),
                        GJ_KIND_LIST_NODE);
  c->h.flags = (uint16_t)(m | (strict ? 0 : RELAXED));
  Node **ck = kids(c);
  if (first)
    ck[k++] = first;
  memcpy(ck + k, kids(n) + from, (to - from) * sizeof(Node *));
  for (unsigned j = from; j < to; j++)
    gj_rt_rc_inc(&kids(n)[j]->h);
  if (!strict) {
    int64_t sum = first_size;
    if (first)
      set_rsize(c, shift, 0, sum);
    for (unsigned j = from; j < to; j++)
      set_rsize(c, shift, k++, sum = cum_size(n, shift, size, j) - cut);
    if (last)
      set_rsize(c, shift, k, sum + last_size);
  }
  if (last)
    ck[m - 1] = last;
  return c;
}

/* Elements a..size of subtree n (level shift, holding size), as a new
 * reference to a subtree of the same level. */
static Node *slice_left(Node *n, uint32_t shift, int64_t size, int64_t a,
                        const GjType *t) {
  if (a == 0) {
    gj_rt_rc_inc(&n->h);
    return n;
  }
  if (shift == 0)
    return leaf_copy(n, a, size - a, (uint32_t)(size - a), t);
  int64_t i = a;
  unsigned j = child_for(n, shift, &i);
  int64_t cs = child_size(n, shift, size, j);
  Node *first = slice_left(kids(n)[j], shift - BITS, cs, i, t);
  return cut_inner(n, shift, size, first, cs - i, j + 1, nkids(n), NULL, 0,
                   a);
}

/* Elements 0..b (b >= 1) of subtree n, likewise. */
static Node *slice_right(Node *n, uint32_t shift, int64_t size, int64_t b,
                         const GjType *t) {
  if (b == size) {
    gj_rt_rc_inc(&n->h);
    return n;
  }
  if (shift == 0)
    return leaf_copy(n, 0, b, (uint32_t)b, t);
  int64_t i = b - 1;
  unsigned j = child_for(n, shift, &i);
  int64_t cs = child_size(n, shift, size, j);
  Node *last = slice_right(kids(n)[j], shift - BITS, cs, i + 1, t);
  return cut_inner(n, shift, size, NULL, 0, 0, j, last, i + 1, 0);
}

/* Elements a..b (a < b) of the tree n (level *shift, holding size), as a
 * new tree; *shift becomes its level. Levels where the range lies under
 * one child are dropped, so the result's root has two children or more. */
static Node *slice_tree(Node *n, uint32_t *shift, int64_t size, int64_t a,
                        int64_t b, const GjType *t) {
  uint32_t s = *shift;
  if (a == 0 && b == size) {
    gj_rt_rc_inc(&n->h);
    return n;
  }
  for (; s; s -= BITS) {
    int64_t ia = a, ib = b - 1;
    unsigned ja = child_for(n, s, &ia), jb = child_for(n, s, &ib);
    if (ja != jb) {
      int64_t ca = child_size(n, s, size, ja), cb = child_size(n, s, size, jb);
      Sub ks[2] = {{slice_left(kids(n)[ja], s - BITS, ca, ia, t), ca - ia},
                   {slice_right(kids(n)[jb], s - BITS, cb, ib + 1, t), ib + 1}};
      if (jb > ja + 1) {
        *shift = s;
        return cut_inner(n, s, size, ks[0].n, ks[0].size, ja + 1, jb,
                         ks[1].n, ks[1].size, a);
      }
      /* Only the two boundary pieces, which may be thin (one child a
       * level): joined by concatenation, the height follows the size. */
      uint32_t hl = s - BITS, hr = s - BITS;
      collapse(&ks[0].n, &hl, ks[0].size, t);
      collapse(&ks[1].n, &hr, ks[1].size, t);
      Node *r = tree_concat(ks[0], hl, ks[1], hr, shift, t);
      node_release(ks[0].n, hl, ks[0].size, t);
      node_release(ks[1].n, hr, ks[1].size, t);
      return r;
    }
    size = child_size(n, s, size, ja);
    n = kids(n)[ja];
    a = ia;
    b = ib + 1;
  }
  *shift = 0;
  if (a == 0 && b == size) {
    gj_rt_rc_inc(&n->h);
    return n;
  }
  return leaf_copy(n, a, b - a, (uint32_t)(b - a), t);
}

/* A tail holding leaf's elements from..to (a new reference). */
static Node *tail_from(Node *leaf, int64_t count, int64_t from, int64_t to,
                       const GjType *t) {
  if (from == 0 && to == count) {
    gj_rt_rc_inc(&leaf->h);
    return leaf;
  }
  return leaf_copy(leaf, from, to - from, cap_for(to - from), t);
}

/* Elements in the first leaf of the tree n (level shift, holding size). */
static int64_t first_leaf_size(const Node *n, uint32_t shift, int64_t size) {
  for (; shift; shift -= BITS) {
    size = child_size(n, shift, size, 0);
    n = kids(n)[0];
  }
  return size;
}

/* §15: $xs[a..b], O(log n): see the design note at the top. */
GjList *gj_list_slice(const GjList *l, int64_t a, int64_t b,
                      const GjLoc *loc) {
  if (a < 0 || a > b || b > l->len)
    panic_slice(a, b, l->len, loc);
  if (a == 0 && b == l->len)
    return share(l);
  const GjType *t = l->elem;
  GjList *r = list_alloc(t);
  if (a == b)
    return r;
  /* In the tree's own indexes (skip included): the slice's tree part is
   * ta..tb, then its tail. */
  int64_t off = tree_len(l), size = tree_size(l), ta = a + l->skip, tb;
  if (b > off) { /* the tail (part of it) stays the tail */
    int64_t from = a > off ? a - off : 0;
    r->tail = tail_from(l->tail, l->tail_len, from, b - off, t);
    tb = size;
  } else { /* the (part of the) leaf holding b - 1 becomes the tail */
    int64_t i = b - 1 + l->skip, count;
    Node *leaf = (Node *)find_leaf(l->root, l->shift, size, &i, &count);
    int64_t start = b - 1 + l->skip - i, from = ta > start ? ta - start : 0;
    r->tail = tail_from(leaf, count, from, i + 1, t);
    tb = start;
  }
  r->len = b - a;
  r->tail_len = (uint8_t)(r->len - (ta < tb ? tb - ta : 0));
  if (ta >= tb)
    return r;
  if (tb == size && ta < first_leaf_size(l->root, l->shift, size)) {
    /* Still in the first leaf: share the whole tree and skip more. The
     * (at most 31) dead elements stay until the first leaf goes. */
    gj_rt_rc_inc(&l->root->h);
    r->root = l->root;
    r->shift = l->shift;
    r->skip = (uint16_t)ta;
    return r;
  }
  uint32_t shift = l->shift;
  r->root = slice_tree(l->root, &shift, size, ta, tb, t);
  r->shift = (uint8_t)shift;
  return r;
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

/* ---- invariants (for tests) ---------------------------------------------- */

static const char *check_node(const Node *n, uint32_t shift, int64_t size,
                              GjRtListShape *sh) {
  if (size < 1)
    return "an empty subtree";
  if (shift == 0) {
    sh->leaves++;
    if (n->h.flags < 1 || n->h.flags > WIDTH)
      return "a leaf with a bad capacity";
    if (size > n->h.flags)
      return "a leaf holding more than its capacity";
    return NULL;
  }
  sh->inner++;
  unsigned m = nkids(n);
  int64_t full = (int64_t)1 << shift;
  if (m < 1 || m > WIDTH || (n->h.flags & ~(COUNT_MASK | RELAXED)))
    return "an inner node with bad flags";
  if (size > full * WIDTH)
    return "a subtree larger than its level allows";
  if (!relaxed(n) && (size <= (int64_t)(m - 1) * full || size > m * full))
    return "a strict node whose size does not fit its children";
  if (relaxed(n)) {
    sh->relaxed++;
    if (rsize(n, shift, m - 1) != size)
      return "a size table whose total is not the subtree's size";
  }
  for (unsigned j = 0; j < m; j++) {
    const Node *c = kids(n)[j];
    if (!relaxed(n) && shift > BITS && relaxed(c))
      return "a relaxed child under a strict node";
    int64_t before = relaxed(n) && j ? rsize(n, shift, j - 1) : j * full;
    if (relaxed(n)) {
      int extra = (int)j - (int)(before >> shift);
      if (extra < 0)
        return "a size table whose guess overshoots";
      if (extra > sh->max_extra_steps)
        sh->max_extra_steps = extra;
    }
    const char *e =
        check_node(c, shift - BITS, child_size(n, shift, size, j), sh);
    if (e)
      return e;
  }
  return NULL;
}

const char *gj_rt_list_check(const GjList *l, GjRtListShape *sh) {
  memset(sh, 0, sizeof *sh);
  sh->height = l->shift / BITS;
  if (l->esize != l->elem->size)
    return "esize differs from the element type's size";
  if (l->len < 0 || l->tail_len > WIDTH || l->tail_len > l->len)
    return "a bad length or tail length";
  if (l->len > 0 && (l->tail_len == 0 || !l->tail))
    return "a non-empty list without a tail";
  if (l->tail && l->tail_len > l->tail->h.flags)
    return "a tail holding more than its capacity";
  if (l->shift % BITS)
    return "a shift that is not a multiple of BITS";
  if (!l->root)
    return tree_size(l) || l->shift || l->skip
               ? "an empty tree with a size, level or skip"
                                    : NULL;
  if (l->shift && nkids(l->root) < 2)
    return "a root with one child";
  if (l->skip >= first_leaf_size(l->root, l->shift, tree_size(l)))
    return "a skip past the first leaf";
  return check_node(l->root, l->shift, tree_size(l), sh);
}

/* ---- whole-list operations ---------------------------------------------- */

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

/* ---- sharing (§16) ------------------------------------------------------- */

/* Marks a subtree shared down to where it already is (a shared node only
 * ever points at shared nodes), its elements through the element type. */
static void node_mark_shared(Node *n, uint32_t shift, int64_t size,
                             const GjType *t) {
  if (n->h.rc <= 0)
    return;
  n->h.rc = -n->h.rc;
  if (shift == 0) {
    if (t->flags & GJ_TYPE_HEAP)
      for (int64_t i = 0; i < size; i++)
        gj_mark_shared_elem(t, n->data + (size_t)i * t->size);
    return;
  }
  unsigned m = nkids(n);
  for (unsigned j = 0; j < m; j++)
    node_mark_shared(kids(n)[j], shift - BITS, child_size(n, shift, size, j),
                     t);
}

void gj_rt_list_mark_shared(GjList *l) {
  if (l->tail)
    node_mark_shared(l->tail, 0, l->tail_len, l->elem);
  if (l->root)
    node_mark_shared(l->root, l->shift, tree_size(l), l->elem);
}
