# knucleotide (peer of knucleotide.guji): the Benchmarks Game k-nucleotide,
# single-threaded: read the THREE section of the fasta output on stdin;
# print the frequencies (percent, %.3f) of the 1- and 2-mers, sorted by
# frequency descending then key, then the counts of GGT, GGTA, GGTATT,
# GGTATTTTAATT and GGTATTTTAATTTATAGT, each k-mer counted in a dict
# (collections.Counter) keyed by its bytes.
import sys
from collections import Counter


def count(seq, k):
    return Counter(seq[i:i + k] for i in range(len(seq) - k + 1))


def main():
    inp = sys.stdin.buffer
    for line in inp:
        if line.startswith(b">THREE"):
            break
    parts = []
    for line in inp:
        if line.startswith(b">"):
            break
        parts.append(line.rstrip(b"\n"))
    seq = b"".join(parts).upper()
    out = []
    for k in (1, 2):
        total = len(seq) - k + 1
        for key, n in sorted(count(seq, k).items(), key=lambda kv: (-kv[1], kv[0])):
            out.append("%s %.3f" % (key.decode(), 100.0 * n / total))
        out.append("")
    for f in ("GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT"):
        out.append("%d\t%s" % (count(seq, len(f))[f.encode()], f))
    print("\n".join(out))


main()
