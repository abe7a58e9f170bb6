# regexredux (peer of regexredux.guji): the Benchmarks Game regex-redux,
# single-threaded, with Python's re: strip the headers and newlines, count
# the 9 variant patterns, apply the 5 IUB substitutions, print the lengths.
import re
import sys


def main():
    seq = sys.stdin.buffer.read()
    ilen = len(seq)
    seq = re.sub(b">.*\n|\n", b"", seq)
    clen = len(seq)
    variants = ["agggtaaa|tttaccct", "[cgt]gggtaaa|tttaccc[acg]", "a[act]ggtaaa|tttacc[agt]t",
                "ag[act]gtaaa|tttac[agt]ct", "agg[act]taaa|ttta[agt]cct", "aggg[acg]aaa|ttt[cgt]ccct",
                "agggt[cgt]aa|tt[acg]accct", "agggta[cgt]a|t[acg]taccct", "agggtaa[cgt]|[acg]ttaccct"]
    out = []
    for v in variants:
        out.append("%s %d" % (v, len(re.findall(v.encode(), seq))))
    subs = [("tHa[Nt]", "<4>"), ("aND|caN|Ha[DS]|WaS", "<3>"), ("a[NSt]|BY", "<2>"),
            ("<[^>]*>", "|"), ("\\|[^|][^|]*\\|", "-")]
    for pat, rep in subs:
        seq = re.sub(pat.encode(), rep.encode(), seq)
    out.append("")
    out += [str(ilen), str(clen), str(len(seq))]
    print("\n".join(out))


main()
