# revcomp (peer of revcomp.guji): the Benchmarks Game reverse-complement,
# single-threaded: read the fasta output on stdin; for each `>` record print
# its header, then the reverse complement of its sequence (IUB codes, either
# case, complemented to upper case) in lines of 60.
import sys

COMP = bytes.maketrans(b"ACBDGHKMNSRUTWVYacbdghkmnsrutwvy",
                       b"TGVHCDMKNSYAAWBRTGVHCDMKNSYAAWBR")


def main():
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    for rec in data.split(b">")[1:]:
        header, _, body = rec.partition(b"\n")
        out.write(b">" + header + b"\n")
        seq = body.replace(b"\n", b"").translate(COMP)[::-1]
        out.write(b"\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)))
        if seq:
            out.write(b"\n")


main()
