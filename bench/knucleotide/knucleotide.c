// knucleotide (peer of knucleotide.guji): the Benchmarks Game k-nucleotide,
// single-threaded: read the THREE section of the fasta output on stdin;
// print the frequencies (percent, %.3f) of the 1- and 2-mers, sorted by
// frequency descending then key, then the counts of GGT, GGTA, GGTATT,
// GGTATTTTAATT and GGTATTTTAATTTATAGT. Each k-mer is counted in an
// open-addressing hash table keyed by its 2-bit encoding (as the fastest
// Benchmarks Game entries do).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint64_t key; uint32_t n; } slot;  // n == 0: empty
typedef struct { slot *s; size_t mask, used; } table;

static unsigned char code[256];
static const char letters[] = "ACGT";

static inline size_t hash(uint64_t k, size_t mask) { return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 20) & mask; }

static void grow(table *t) {
  size_t ncap = (t->mask + 1) * 2;
  slot *ns = calloc(ncap, sizeof *ns);
  for (size_t i = 0; i <= t->mask; i++)
    if (t->s[i].n) {
      size_t h = hash(t->s[i].key, ncap - 1);
      while (ns[h].n) h = (h + 1) & (ncap - 1);
      ns[h] = t->s[i];
    }
  free(t->s);
  t->s = ns;
  t->mask = ncap - 1;
}

static inline void add(table *t, uint64_t key) {
  size_t h = hash(key, t->mask);
  while (t->s[h].n) {
    if (t->s[h].key == key) { t->s[h].n++; return; }
    h = (h + 1) & t->mask;
  }
  t->s[h].key = key;
  t->s[h].n = 1;
  if (++t->used * 2 > t->mask) grow(t);
}

static uint32_t get(const table *t, uint64_t key) {
  size_t h = hash(key, t->mask);
  while (t->s[h].n) {
    if (t->s[h].key == key) return t->s[h].n;
    h = (h + 1) & t->mask;
  }
  return 0;
}

static table count(const char *seq, size_t len, int k) {
  table t = {calloc(1024, sizeof(slot)), 1023, 0};
  uint64_t mask = k == 32 ? ~0ULL : (1ULL << (2 * k)) - 1, key = 0;
  for (int i = 0; i < k - 1; i++) key = (key << 2) | code[(unsigned char)seq[i]];
  for (size_t i = k - 1; i < len; i++) {
    key = ((key << 2) | code[(unsigned char)seq[i]]) & mask;
    add(&t, key);
  }
  return t;
}

static void decode(uint64_t key, int k, char *out) {
  for (int i = k - 1; i >= 0; i--) { out[i] = letters[key & 3]; key >>= 2; }
  out[k] = 0;
}

typedef struct { char key[4]; uint32_t n; } kv;
static int by_freq(const void *a, const void *b) {
  const kv *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? 1 : -1;
  return strcmp(x->key, y->key);
}

static void freqs(const char *seq, size_t len, int k) {
  table t = count(seq, len, k);
  kv v[16];
  int n = 0;
  for (size_t i = 0; i <= t.mask; i++)
    if (t.s[i].n) { decode(t.s[i].key, k, v[n].key); v[n++].n = t.s[i].n; }
  qsort(v, n, sizeof *v, by_freq);
  double total = (double)(len - k + 1);
  for (int i = 0; i < n; i++) printf("%s %.3f\n", v[i].key, 100.0 * v[i].n / total);
  printf("\n");
  free(t.s);
}

static void fragment(const char *seq, size_t len, const char *frag) {
  int k = strlen(frag);
  table t = count(seq, len, k);
  uint64_t key = 0;
  for (int i = 0; i < k; i++) key = (key << 2) | code[(unsigned char)frag[i]];
  printf("%u\t%s\n", get(&t, key), frag);
  free(t.s);
}

int main(void) {
  code['A'] = code['a'] = 0; code['C'] = code['c'] = 1;
  code['G'] = code['g'] = 2; code['T'] = code['t'] = 3;
  char line[256];
  while (fgets(line, sizeof line, stdin) && strncmp(line, ">THREE", 6) != 0) {}
  size_t cap = 1 << 20, len = 0;
  char *seq = malloc(cap);
  while (fgets(line, sizeof line, stdin) && line[0] != '>') {
    size_t n = strcspn(line, "\n");
    if (len + n > cap) { cap *= 2; seq = realloc(seq, cap); }
    for (size_t i = 0; i < n; i++) seq[len++] = line[i] & ~0x20;  // upper case
  }
  freqs(seq, len, 1);
  freqs(seq, len, 2);
  static const char *frags[] = {"GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT"};
  for (int i = 0; i < 5; i++) fragment(seq, len, frags[i]);
  return 0;
}
