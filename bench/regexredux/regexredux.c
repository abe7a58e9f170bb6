// regexredux (peer of regexredux.guji): the Benchmarks Game regex-redux,
// single-threaded, with PCRE2 and its JIT: read stdin, strip the headers
// and newlines with />.*\n|\n/, count the matches of the 9 variant
// patterns, apply the 5 IUB substitutions in turn, and print the input,
// stripped and final lengths.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *s; size_t len, cap; } buf;

static pcre2_code *compile(const char *pat) {
  int err; PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
  if (!re) { fprintf(stderr, "bad pattern %s\n", pat); exit(1); }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

static pcre2_match_data *md;
static pcre2_match_context *mc;

// replace every match of pat in src with rep, into dst
static void subst(const char *pat, const char *rep, const buf *src, buf *dst) {
  pcre2_code *re = compile(pat);
  size_t rlen = strlen(rep), pos = 0;
  dst->len = 0;
  if (dst->cap < src->len) { dst->cap = src->len; dst->s = realloc(dst->s, dst->cap); }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  while (pcre2_jit_match(re, (PCRE2_SPTR)src->s, src->len, pos, 0, md, mc) >= 0) {
    size_t a = ov[0], b = ov[1];
    size_t need = dst->len + (a - pos) + rlen;
    if (need > dst->cap) { dst->cap = need * 2; dst->s = realloc(dst->s, dst->cap); }
    memcpy(dst->s + dst->len, src->s + pos, a - pos); dst->len += a - pos;
    memcpy(dst->s + dst->len, rep, rlen); dst->len += rlen;
    pos = b;
  }
  size_t need = dst->len + (src->len - pos);
  if (need > dst->cap) { dst->cap = need; dst->s = realloc(dst->s, dst->cap); }
  memcpy(dst->s + dst->len, src->s + pos, src->len - pos); dst->len += src->len - pos;
  pcre2_code_free(re);
}

static long count(const char *pat, const buf *src) {
  pcre2_code *re = compile(pat);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  size_t pos = 0; long n = 0;
  while (pcre2_jit_match(re, (PCRE2_SPTR)src->s, src->len, pos, 0, md, mc) >= 0) { n++; pos = ov[1]; }
  pcre2_code_free(re);
  return n;
}

int main(void) {
  buf in = {0}, a = {0}, b = {0};
  in.cap = 1 << 26; in.s = malloc(in.cap);
  size_t r;
  while ((r = fread(in.s + in.len, 1, in.cap - in.len, stdin)) > 0) {
    in.len += r;
    if (in.len == in.cap) { in.cap *= 2; in.s = realloc(in.s, in.cap); }
  }
  md = pcre2_match_data_create(1, NULL);
  mc = pcre2_match_context_create(NULL);
  pcre2_jit_stack *js = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
  pcre2_jit_stack_assign(mc, NULL, js);
  subst(">.*\\n|\\n", "", &in, &a);
  static const char *variants[] = {
      "agggtaaa|tttaccct", "[cgt]gggtaaa|tttaccc[acg]", "a[act]ggtaaa|tttacc[agt]t",
      "ag[act]gtaaa|tttac[agt]ct", "agg[act]taaa|ttta[agt]cct", "aggg[acg]aaa|ttt[cgt]ccct",
      "agggt[cgt]aa|tt[acg]accct", "agggta[cgt]a|t[acg]taccct", "agggtaa[cgt]|[acg]ttaccct"};
  for (int i = 0; i < 9; i++) printf("%s %ld\n", variants[i], count(variants[i], &a));
  static const char *subs[][2] = {{"tHa[Nt]", "<4>"}, {"aND|caN|Ha[DS]|WaS", "<3>"},
      {"a[NSt]|BY", "<2>"}, {"<[^>]*>", "|"}, {"\\|[^|][^|]*\\|", "-"}};
  buf cur = a;
  for (int i = 0; i < 5; i++) { subst(subs[i][0], subs[i][1], &cur, &b); buf t = cur; cur = b; b = t; }
  printf("\n%zu\n%zu\n%zu\n", in.len, a.len, cur.len);
  return 0;
}
