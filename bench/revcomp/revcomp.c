// revcomp (peer of revcomp.guji): the Benchmarks Game reverse-complement,
// single-threaded: read the fasta output on stdin; for each `>` record print
// its header, then the reverse complement of its sequence (IUB codes, either
// case, complemented to upper case) in lines of 60.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char comp[256];

static void emit(char *seq, size_t n, char *out, FILE *f) {
  // reverse-complement seq[0..n) into out with a newline every 60 bases
  size_t o = 0;
  for (size_t i = n; i > 0;) {
    size_t line = i >= 60 ? 60 : i;
    for (size_t j = 0; j < line; j++) out[o++] = comp[(unsigned char)seq[--i]];
    out[o++] = '\n';
  }
  fwrite(out, 1, o, f);
}

int main(void) {
  const char *from = "ACBDGHKMNSRUTWVYacbdghkmnsrutwvy";
  const char *to   = "TGVHCDMKNSYAAWBRTGVHCDMKNSYAAWBR";
  for (int i = 0; i < 256; i++) comp[i] = (char)i;
  for (int i = 0; from[i]; i++) comp[(unsigned char)from[i]] = to[i];
  size_t cap = 1 << 26, len = 0, r;
  char *in = malloc(cap);
  while ((r = fread(in + len, 1, cap - len, stdin)) > 0) {
    len += r;
    if (len == cap) { cap *= 2; in = realloc(in, cap); }
  }
  char *seq = malloc(len + 1), *out = malloc(len + len / 60 + 2);
  size_t i = 0;
  while (i < len) {
    // header: up to and including its newline
    char *nl = memchr(in + i, '\n', len - i);
    size_t hend = nl ? (size_t)(nl - in) + 1 : len;
    fwrite(in + i, 1, hend - i, stdout);
    if (!nl) fputc('\n', stdout);
    i = hend;
    size_t n = 0;
    while (i < len && in[i] != '>') {
      char *e = memchr(in + i, '\n', len - i);
      size_t end = e ? (size_t)(e - in) : len;
      memcpy(seq + n, in + i, end - i);
      n += end - i;
      i = e ? end + 1 : len;
    }
    emit(seq, n, out, stdout);
  }
  return 0;
}
