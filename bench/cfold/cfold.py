# cfold — Koka's cfold.kk (peer of cfold.guji): build a perfect tree of
# additions of depth 20 (mk_expr(20, 1), as Koka's C++ and OCaml peers),
# evaluate it, reassociate it into a right-leaning chain, fold its
# constants and evaluate again; prints both values, one a line.
# Persistent: nodes are tuples (tag, ...) and every step builds new ones.
# The functions on the 2^20-long chain recurse along it, so they run in a
# thread with a 2 GiB stack and a raised recursion limit.
import sys
import threading

VAR, VAL, ADD, MUL = 0, 1, 2, 3


def mk_expr(n, v):
    if n == 0:
        return (VAR, 1) if v == 0 else (VAL, v)
    left = mk_expr(n - 1, v + 1)
    return (ADD, left, mk_expr(n - 1, max(v - 1, 0)))


def append_add(e0, e3):
    if e0[0] == ADD:
        return (ADD, e0[1], append_add(e0[2], e3))
    return (ADD, e0, e3)


def append_mul(e0, e3):
    if e0[0] == MUL:
        return (MUL, e0[1], append_mul(e0[2], e3))
    return (MUL, e0, e3)


def reassoc(e):
    tag = e[0]
    if tag == ADD:
        left = reassoc(e[1])
        return append_add(left, reassoc(e[2]))
    if tag == MUL:
        left = reassoc(e[1])
        return append_mul(left, reassoc(e[2]))
    return e


def cfold(e):
    tag = e[0]
    if tag == ADD or tag == MUL:
        f1 = cfold(e[1])
        f2 = cfold(e[2])
        if f1[0] == VAL:
            a = f1[1]
            op = (lambda x, y: x + y) if tag == ADD else (lambda x, y: x * y)
            if f2[0] == VAL:
                return (VAL, op(a, f2[1]))
            if f2[0] == tag and f2[2][0] == VAL:
                return (tag, (VAL, op(a, f2[2][1])), f2[1])
            if f2[0] == tag and f2[1][0] == VAL:
                return (tag, (VAL, op(a, f2[1][1])), f2[2])
        return (tag, f1, f2)
    return e


def eval_(e):
    tag = e[0]
    if tag == VAR:
        return 0
    if tag == VAL:
        return e[1]
    if tag == ADD:
        return eval_(e[1]) + eval_(e[2])
    return eval_(e[1]) * eval_(e[2])


def main():
    e = mk_expr(20, 1)
    v1 = eval_(e)
    v2 = eval_(cfold(reassoc(e)))
    print(v1)
    print(v2)


sys.setrecursionlimit(10_000_000)
threading.stack_size(2 << 30)
t = threading.Thread(target=main)
t.start()
t.join()
