# mapcount (peer of mapcount.guji): count 10^7 pseudo-random Int keys drawn
# from 10^5 values: the Lehmer LCG x = x * 48271 % 2147483647 (MINSTD, from
# x = 1), key x % 100000, counted in a dict with d.get. Prints the number
# of distinct keys, the count of key 12345, and the sum over the keys of
# key * count mod 1000000007.


def main():
    n = 10_000_000
    m = {}
    x = 1
    for _ in range(n):
        x = x * 48271 % 2147483647
        k = x % 100000
        m[k] = m.get(k, 0) + 1
    check = 0
    for k, c in m.items():
        check = (check + k * c) % 1000000007
    print(len(m))
    print(m.get(12345, 0))
    print(check)


main()
