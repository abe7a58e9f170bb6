// fasta — the Benchmarks Game fasta generator (single-threaded), the input of
// the regexredux, revcomp and knucleotide benchmarks: `fasta N` writes
//   >ONE Homo sapiens alu          2N bases of the ALU sequence repeated,
//   >TWO IUB ambiguity codes       3N bases drawn from the IUB table,
//   >THREE Homo sapiens frequency  5N bases drawn from the HomoSapiens table,
// 60 bases a line, the draws by the LCG seed = (seed * 3877 + 29573) % 139968
// from seed 42, each mapped to [0, 1) and looked up in the table's
// cumulative probabilities. N = 5,000,000 gives about 50 MB.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE 60
#define IM 139968
#define IA 3877
#define IC 29573

static const char alu[] =
    "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG"
    "GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA"
    "CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT"
    "ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA"
    "GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG"
    "AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC"
    "AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA";

struct aa { char c; double p; };

static struct aa iub[] = {
    {'a', 0.27}, {'c', 0.12}, {'g', 0.12}, {'t', 0.27},
    {'B', 0.02}, {'D', 0.02}, {'H', 0.02}, {'K', 0.02},
    {'M', 0.02}, {'N', 0.02}, {'R', 0.02}, {'S', 0.02},
    {'V', 0.02}, {'W', 0.02}, {'Y', 0.02},
};

static struct aa homosapiens[] = {
    {'a', 0.3029549426680}, {'c', 0.1979883004921},
    {'g', 0.1975473066391}, {'t', 0.3015094502008},
};

static long seed = 42;
static double gen_random(double max) {
  seed = (seed * IA + IC) % IM;
  return max * seed / IM;
}

static void cumulative(struct aa *t, int n) {
  double cp = 0.0;
  for (int i = 0; i < n; i++) { cp += t[i].p; t[i].p = cp; }
}

static void repeat_fasta(const char *head, const char *s, long n) {
  fputs(head, stdout);
  long len = (long)strlen(s), k = 0;
  char line[LINE + 1];
  while (n > 0) {
    int m = n < LINE ? (int)n : LINE;
    for (int i = 0; i < m; i++) { line[i] = s[k]; if (++k == len) k = 0; }
    line[m] = '\n';
    fwrite(line, 1, (size_t)m + 1, stdout);
    n -= m;
  }
}

static void random_fasta(const char *head, const struct aa *t, int count, long n) {
  fputs(head, stdout);
  char line[LINE + 1];
  while (n > 0) {
    int m = n < LINE ? (int)n : LINE;
    for (int i = 0; i < m; i++) {
      double r = gen_random(1.0);
      int j = 0;
      while (j < count - 1 && r >= t[j].p) j++;
      line[i] = t[j].c;
    }
    line[m] = '\n';
    fwrite(line, 1, (size_t)m + 1, stdout);
    n -= m;
  }
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  static char buf[1 << 16];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
  cumulative(iub, sizeof iub / sizeof iub[0]);
  cumulative(homosapiens, sizeof homosapiens / sizeof homosapiens[0]);
  repeat_fasta(">ONE Homo sapiens alu\n", alu, 2 * n);
  random_fasta(">TWO IUB ambiguity codes\n", iub, sizeof iub / sizeof iub[0], 3 * n);
  random_fasta(">THREE Homo sapiens frequency\n", homosapiens,
               sizeof homosapiens / sizeof homosapiens[0], 5 * n);
  return 0;
}
