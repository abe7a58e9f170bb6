# vecpush (peer of vecpush.guji): append 10^7 Ints to a list, then sum the
# elements by index. Prints the sum and the length.


def main():
    n = 10_000_000
    xs = []
    for i in range(n):
        xs.append(i)
    s = 0
    for i in range(len(xs)):
        s += xs[i]
    print(s)
    print(len(xs))


main()
