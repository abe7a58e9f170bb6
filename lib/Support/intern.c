/* intern.c — interned identifiers.
 *
 * An open-addressing hash table (linear probing, kept at most half full)
 * maps a byte string to its one arena copy, so equal names are equal
 * pointers and the rest of the compiler compares names with `==`. The table
 * lives in the arena; growing it allocates a new one and abandons the old,
 * which costs O(total) bytes over a session and keeps the Interner free of
 * heap ownership.
 */
#include "guji/Support.h"

typedef struct Entry {
  const char *str; /* NULL: empty slot */
  uint32_t len;
  uint32_t hash;   /* low 32 bits of the FNV-1a hash */
} Entry;

struct Interner {
  Arena *arena;
  Entry *slots;
  size_t cap; /* power of two */
  size_t count;
};

Interner *intern_new(Arena *a) {
  Interner *in = ARENA_NEW(a, Interner);
  in->arena = a;
  in->cap = 1024;
  in->slots = ARENA_ARRAY(a, Entry, in->cap);
  return in;
}

static void grow(Interner *in) {
  size_t ncap = in->cap * 2;
  Entry *ns = ARENA_ARRAY(in->arena, Entry, ncap);
  for (size_t i = 0; i < in->cap; i++) {
    Entry e = in->slots[i];
    if (!e.str) continue;
    size_t j = e.hash & (ncap - 1);
    while (ns[j].str) j = (j + 1) & (ncap - 1);
    ns[j] = e;
  }
  in->slots = ns;
  in->cap = ncap;
}

const char *intern(Interner *in, const char *s, size_t n) {
  uint32_t h = (uint32_t)hash_bytes(s, n);
  size_t mask = in->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Entry *e = &in->slots[i];
    if (!e->str) break;
    if (e->hash == h && e->len == n && memcmp(e->str, s, n) == 0) return e->str;
  }
  if ((in->count + 1) * 2 > in->cap) {
    grow(in);
    mask = in->cap - 1;
  }
  size_t i = h & mask;
  while (in->slots[i].str) i = (i + 1) & mask;
  const char *copy = arena_strndup(in->arena, s, n);
  in->slots[i] = (Entry){copy, (uint32_t)n, h};
  in->count++;
  return copy;
}

const char *intern_cstr(Interner *in, const char *s) {
  return intern(in, s, strlen(s));
}
