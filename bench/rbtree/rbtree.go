// rbtree — Koka's rbtree.kk (peer of rbtree.guji): insert the keys
// 4,199,999 down to 0 with the value k % 10 == 0 into a persistent
// red-black tree (Okasaki-style balancing, the same cases as rbtree.kk:
// every insertion builds new nodes along its path and never changes an
// existing one), then fold over it counting the true values; prints
// 420000. Go's garbage collector frees the replaced nodes.
package main

import "fmt"

type Color bool

const (
	Red   Color = false
	Black Color = true
)

type Node struct { // nil is a leaf
	color Color
	left  *Node
	key   int64
	value bool
	right *Node
}

func node(c Color, l *Node, k int64, v bool, r *Node) *Node {
	return &Node{c, l, k, v, r}
}

func isRed(t *Node) bool { return t != nil && t.color == Red }

func balanceLeft(l *Node, k int64, v bool, r *Node) *Node {
	switch {
	case l == nil:
		return nil
	case isRed(l.left):
		lx := l.left
		return node(Red, node(Black, lx.left, lx.key, lx.value, lx.right), l.key, l.value, node(Black, l.right, k, v, r))
	case isRed(l.right):
		rx := l.right
		return node(Red, node(Black, l.left, l.key, l.value, rx.left), rx.key, rx.value, node(Black, rx.right, k, v, r))
	default:
		return node(Black, node(Red, l.left, l.key, l.value, l.right), k, v, r)
	}
}

func balanceRight(l *Node, k int64, v bool, r *Node) *Node {
	switch {
	case r == nil:
		return nil
	case isRed(r.left):
		lx := r.left
		return node(Red, node(Black, l, k, v, lx.left), lx.key, lx.value, node(Black, lx.right, r.key, r.value, r.right))
	case isRed(r.right):
		ry := r.right
		return node(Red, node(Black, l, k, v, r.left), r.key, r.value, node(Black, ry.left, ry.key, ry.value, ry.right))
	default:
		return node(Black, l, k, v, node(Red, r.left, r.key, r.value, r.right))
	}
}

func ins(t *Node, k int64, v bool) *Node {
	if t == nil {
		return node(Red, nil, k, v, nil)
	}
	if t.color == Red {
		if k < t.key {
			return node(Red, ins(t.left, k, v), t.key, t.value, t.right)
		} else if k == t.key {
			return node(Red, t.left, k, v, t.right)
		}
		return node(Red, t.left, t.key, t.value, ins(t.right, k, v))
	}
	if k < t.key {
		if isRed(t.left) {
			return balanceLeft(ins(t.left, k, v), t.key, t.value, t.right)
		}
		return node(Black, ins(t.left, k, v), t.key, t.value, t.right)
	} else if k == t.key {
		return node(Black, t.left, k, v, t.right)
	} else if isRed(t.right) {
		return balanceRight(t.left, t.key, t.value, ins(t.right, k, v))
	}
	return node(Black, t.left, t.key, t.value, ins(t.right, k, v))
}

func setBlack(t *Node) *Node {
	if t == nil {
		return t
	}
	return node(Black, t.left, t.key, t.value, t.right)
}

func insert(t *Node, k int64, v bool) *Node {
	if isRed(t) {
		return setBlack(ins(t, k, v))
	}
	return ins(t, k, v)
}

func fold[A any](t *Node, b A, f func(int64, bool, A) A) A {
	if t == nil {
		return b
	}
	return fold(t.right, f(t.key, t.value, fold(t.left, b, f)), f)
}

func makeTree(n int64) *Node {
	var m *Node
	for n > 0 {
		n--
		m = insert(m, n, n%10 == 0)
	}
	return m
}

func main() {
	m := makeTree(4200000)
	v := fold(m, int64(0), func(k int64, v bool, r int64) int64 {
		if v {
			return r + 1
		}
		return r
	})
	fmt.Println(v)
}
