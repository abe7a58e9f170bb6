# mapint (peer of mapint.guji): build a dict of 10^6 Int keys, then look
# every key up. The keys are the first 10^6 values of the Lehmer LCG
# x = x * 48271 % 2147483647 (MINSTD, from x = 1); key number i has the
# value i. The sequence is replayed and the values found (m[x], which
# raises when missing) summed. Prints the sum and the dict's length.


def main():
    n = 1_000_000
    m = {}
    x = 1
    for i in range(n):
        x = x * 48271 % 2147483647
        m[x] = i
    s = 0
    x = 1
    for _ in range(n):
        x = x * 48271 % 2147483647
        s += m[x]
    print(s)
    print(len(m))


main()
