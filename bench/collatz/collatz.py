# collatz — the longest Collatz chain for a start below 3,000,000 (peer of
# collatz.guji): prints the start, then its number of steps to reach 1.


def steps(n):
    count = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        count += 1
    return count


def main():
    best, best_len = 1, 0
    for i in range(1, 3000000):
        length = steps(i)
        if length > best_len:
            best, best_len = i, length
    print(best)
    print(best_len)


main()
