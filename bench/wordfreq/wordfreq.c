// wordfreq (peer of wordfreq.guji): word frequencies: read English-like
// text on stdin, lower-case it, take the words as the maximal runs of
// [a-z] (a byte scan: the definition needs no regex), count them in an
// open-addressing hash table (FNV-1a) and print the 20 most frequent as
// `word count`, by count descending then word.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *w; uint32_t len; uint32_t hash; long n; } slot;  // w == NULL: empty
static slot *tab;
static size_t mask = 4095, used;

static void grow(void) {
  size_t ncap = (mask + 1) * 2;
  slot *nt = calloc(ncap, sizeof *nt);
  for (size_t i = 0; i <= mask; i++)
    if (tab[i].w) {
      size_t h = tab[i].hash & (ncap - 1);
      while (nt[h].w) h = (h + 1) & (ncap - 1);
      nt[h] = tab[i];
    }
  free(tab);
  tab = nt;
  mask = ncap - 1;
}

static void add(const char *w, uint32_t len) {
  uint32_t hash = 2166136261u;
  for (uint32_t i = 0; i < len; i++) hash = (hash ^ (unsigned char)w[i]) * 16777619u;
  size_t h = hash & mask;
  while (tab[h].w) {
    if (tab[h].hash == hash && tab[h].len == len && memcmp(tab[h].w, w, len) == 0) { tab[h].n++; return; }
    h = (h + 1) & mask;
  }
  tab[h].w = memcpy(malloc(len + 1), w, len);
  tab[h].w[len] = 0;
  tab[h].len = len;
  tab[h].hash = hash;
  tab[h].n = 1;
  if (++used * 2 > mask) grow();
}

static int by_count(const void *a, const void *b) {
  const slot *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? 1 : -1;
  return strcmp(x->w, y->w);
}

int main(void) {
  tab = calloc(mask + 1, sizeof *tab);
  static char buf[1 << 16];
  char word[1024];
  uint32_t wl = 0;
  size_t r;
  while ((r = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < r; i++) {
      unsigned char c = buf[i] | 0x20;  // lower case, for letters
      if (c >= 'a' && c <= 'z') {
        if (wl < sizeof word) word[wl++] = c;
      } else if (wl) {
        add(word, wl);
        wl = 0;
      }
    }
  }
  if (wl) add(word, wl);
  slot *v = malloc(used * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i <= mask; i++) if (tab[i].w) v[n++] = tab[i];
  qsort(v, n, sizeof *v, by_count);
  for (size_t i = 0; i < n && i < 20; i++) printf("%s %ld\n", v[i].w, v[i].n);
  return 0;
}
