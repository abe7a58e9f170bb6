// logparse (peer of logparse.guji): parse a web-server log on stdin with one
// regex with named groups (PCRE2, JIT-compiled) and report the requests and
// malformed lines, the requests per method and per status class (2xx, 3xx,
// ...), the total bytes, the mean latency (2 decimals) and the 5 most
// requested paths, numeric ids replaced by `:id` with a second regex
// (pcre2_substitute, global) (by count descending, then path).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// a string -> count hash table (open addressing, FNV-1a)
typedef struct { char *k; size_t len; long n; } slot;  // k == NULL: empty
typedef struct { slot *s; size_t mask, used; } table;

static size_t fnv(const char *k, size_t len) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
  return (size_t)h;
}

static void bump(table *t, const char *k, size_t len) {
  if (!t->s) { t->mask = 63; t->s = calloc(64, sizeof(slot)); }
  size_t h = fnv(k, len) & t->mask;
  while (t->s[h].k) {
    if (t->s[h].len == len && memcmp(t->s[h].k, k, len) == 0) { t->s[h].n++; return; }
    h = (h + 1) & t->mask;
  }
  t->s[h].k = memcpy(malloc(len + 1), k, len);
  t->s[h].k[len] = 0;
  t->s[h].len = len;
  t->s[h].n = 1;
  if (++t->used * 2 > t->mask) {
    size_t ncap = (t->mask + 1) * 2;
    slot *ns = calloc(ncap, sizeof *ns);
    for (size_t i = 0; i <= t->mask; i++)
      if (t->s[i].k) {
        size_t j = fnv(t->s[i].k, t->s[i].len) & (ncap - 1);
        while (ns[j].k) j = (j + 1) & (ncap - 1);
        ns[j] = t->s[i];
      }
    free(t->s);
    t->s = ns;
    t->mask = ncap - 1;
  }
}

static int by_key(const void *a, const void *b) { return strcmp(((const slot *)a)->k, ((const slot *)b)->k); }
static int by_count(const void *a, const void *b) {
  const slot *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? 1 : -1;
  return strcmp(x->k, y->k);
}

static slot *sorted(const table *t, int (*cmp)(const void *, const void *)) {
  slot *v = malloc((t->used + 1) * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; t->s && i <= t->mask; i++) if (t->s[i].k) v[n++] = t->s[i];
  qsort(v, n, sizeof *v, cmp);
  return v;
}

static pcre2_code *compile(const char *pat) {
  int err; PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
  if (!re) { fprintf(stderr, "bad pattern %s\n", pat); exit(1); }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

static int group(pcre2_code *re, const char *name) { return pcre2_substring_number_from_name(re, (PCRE2_SPTR)name); }

int main(void) {
  pcre2_code *line_re = compile(
      "^(?<ts>\\S+) (?<method>[A-Z]+) (?<path>\\S+) (?<status>\\d{3}) (?<bytes>\\d+) (?<ms>\\d+)ms$");
  pcre2_code *id_re = compile("/\\d+");
  int g_method = group(line_re, "method"), g_path = group(line_re, "path"),
      g_status = group(line_re, "status"), g_bytes = group(line_re, "bytes"), g_ms = group(line_re, "ms");
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(line_re, NULL);
  pcre2_match_data *md2 = pcre2_match_data_create_from_pattern(id_re, NULL);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  table methods = {0}, classes = {0}, paths = {0};
  long requests = 0, malformed = 0, total_bytes = 0, total_ms = 0;
  char *line = NULL, path[4096];
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    if (pcre2_jit_match(line_re, (PCRE2_SPTR)line, len, 0, 0, md, NULL) < 0) { malformed++; continue; }
    requests++;
#define G(i) (line + ov[2 * (i)]), (ov[2 * (i) + 1] - ov[2 * (i)])
    bump(&methods, G(g_method));
    char cls[3] = {line[ov[2 * g_status]], 'x', 'x'};
    bump(&classes, cls, 3);
    PCRE2_SIZE plen = sizeof path;
    pcre2_substitute(id_re, (PCRE2_SPTR)line + ov[2 * g_path], ov[2 * g_path + 1] - ov[2 * g_path], 0,
                     PCRE2_SUBSTITUTE_GLOBAL, md2, NULL, (PCRE2_SPTR) "/:id", 4, (PCRE2_UCHAR *)path, &plen);
    bump(&paths, path, plen);
    total_bytes += strtol(line + ov[2 * g_bytes], NULL, 10);
    total_ms += strtol(line + ov[2 * g_ms], NULL, 10);
  }
  printf("requests %ld\nmalformed %ld\n", requests, malformed);
  slot *v = sorted(&methods, by_key);
  for (size_t i = 0; i < methods.used; i++) printf("method %s %ld\n", v[i].k, v[i].n);
  v = sorted(&classes, by_key);
  for (size_t i = 0; i < classes.used; i++) printf("status %s %ld\n", v[i].k, v[i].n);
  printf("bytes %ld\n", total_bytes);
  printf("latency %.2fms\n", (double)total_ms / (double)requests);
  v = sorted(&paths, by_count);
  for (size_t i = 0; i < paths.used && i < 5; i++) printf("path %s %ld\n", v[i].k, v[i].n);
  return 0;
}
