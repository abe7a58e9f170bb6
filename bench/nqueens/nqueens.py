# nqueens — Koka's nqueens.kk (peer of nqueens.guji): all solutions of the
# 13-queens problem as immutable linked lists — a cell is a (head, tail)
# tuple, None is the empty list; each extended solution shares its tail
# with the one it extends. Prints their number, 73712. The recursions of
# nqueens.kk that are tail calls are loops here (Python has no tail calls).


def safe(queen, diag, xs):
    while xs is not None:
        q, xs = xs
        if queen == q or queen == q + diag or queen == q - diag:
            return False
        diag += 1
    return True


def append_safe(queen, xs, xss):
    while queen > 0:
        if safe(queen, 1, xs):
            xss = ((queen, xs), xss)
        queen -= 1
    return xss


def extend(queen, acc, xss):
    while xss is not None:
        xs, xss = xss
        acc = append_safe(queen, xs, acc)
    return acc


def find_solutions(n, queen):
    if queen == 0:
        return (None, None)
    return extend(n, None, find_solutions(n, queen - 1))


def length(xs):
    n = 0
    while xs is not None:
        xs = xs[1]
        n += 1
    return n


print(length(find_solutions(13, 13)))
