# wordfreq (peer of wordfreq.guji): word frequencies: read English-like
# text on stdin, lower-case it, take the words as the maximal runs of
# [a-z] (re.findall), count them in a Counter and print the 20 most
# frequent as `word count`, by count descending then word.
import re
import sys
from collections import Counter


def main():
    word = re.compile(r"[a-z]+")
    counts = Counter()
    for line in sys.stdin:
        counts.update(word.findall(line.lower()))
    top = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:20]
    print("\n".join("%s %d" % wc for wc in top))


main()
