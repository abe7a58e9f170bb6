// deriv — Koka's deriv.kk (peer of deriv.guji): symbolic differentiation;
// from f = x^x take the derivative ten times, simplifying as it goes, and
// print each step's number of leaves, then "done". Expressions are
// immutable and share subterms; Go's garbage collector frees them.
package main

import "fmt"

type Expr interface{}

type Val struct{ value int64 }
type Var struct{ name string }
type Add struct{ l, r Expr }
type Mul struct{ l, r Expr }
type Pow struct{ l, r Expr }
type Ln struct{ e Expr }

func isVal(e Expr, n int64) bool {
	v, ok := e.(*Val)
	return ok && v.value == n
}

// a ^ b by repeated squaring (as Koka's deriv.cpp)
func pown(a, b int64) int64 {
	if b == 0 {
		return 1
	} else if b == 1 {
		return a
	}
	y := pown(a, b/2)
	if b%2 == 0 {
		return y * y
	}
	return y * y * a
}

func add(n0, m0 Expr) Expr {
	n, nv := n0.(*Val)
	m, mv := m0.(*Val)
	switch {
	case nv && mv:
		return &Val{n.value + m.value}
	case nv && n.value == 0:
		return m0
	case mv && m.value == 0:
		return n0
	case mv:
		return add(m0, n0)
	}
	if a, ok := m0.(*Add); ok {
		if l, ok := a.l.(*Val); ok {
			if nv {
				return add(&Val{n.value + l.value}, a.r)
			}
			return add(l, add(n0, a.r))
		}
	}
	if a, ok := n0.(*Add); ok {
		return add(a.l, add(a.r, m0))
	}
	return &Add{n0, m0}
}

func mul(n0, m0 Expr) Expr {
	n, nv := n0.(*Val)
	m, mv := m0.(*Val)
	switch {
	case nv && mv:
		return &Val{n.value * m.value}
	case nv && n.value == 0:
		return &Val{0}
	case mv && m.value == 0:
		return &Val{0}
	case nv && n.value == 1:
		return m0
	case mv && m.value == 1:
		return n0
	case mv:
		return mul(m0, n0)
	}
	if a, ok := m0.(*Mul); ok {
		if l, ok := a.l.(*Val); ok {
			if nv {
				return mul(&Val{n.value * l.value}, a.r)
			}
			return mul(l, mul(n0, a.r))
		}
	}
	if a, ok := n0.(*Mul); ok {
		return mul(a.l, mul(a.r, m0))
	}
	return &Mul{n0, m0}
}

func powr(m0, n0 Expr) Expr {
	m, mv := m0.(*Val)
	n, nv := n0.(*Val)
	switch {
	case mv && nv:
		return &Val{pown(m.value, n.value)}
	case isVal(n0, 0):
		return &Val{1}
	case isVal(n0, 1):
		return m0
	case isVal(m0, 0):
		return &Val{0}
	}
	return &Pow{m0, n0}
}

func ln(n Expr) Expr {
	if isVal(n, 1) {
		return &Val{0}
	}
	return &Ln{n}
}

func d(x string, e Expr) Expr {
	switch e := e.(type) {
	case *Val:
		return &Val{0}
	case *Var:
		if x == e.name {
			return &Val{1}
		}
		return &Val{0}
	case *Add:
		df := d(x, e.l)
		return add(df, d(x, e.r))
	case *Mul:
		f, g := e.l, e.r
		a := mul(f, d(x, g))
		return add(a, mul(g, d(x, f)))
	case *Pow:
		f, g := e.l, e.r
		p := powr(f, g)
		a := mul(mul(g, d(x, f)), powr(f, &Val{-1}))
		b := mul(ln(f), d(x, g))
		return mul(p, add(a, b))
	case *Ln:
		f := e.e
		df := d(x, f)
		return mul(df, powr(f, &Val{-1}))
	}
	panic("unreachable")
}

func count(e Expr) int64 {
	switch e := e.(type) {
	case *Val, *Var:
		return 1
	case *Add:
		return count(e.l) + count(e.r)
	case *Mul:
		return count(e.l) + count(e.r)
	case *Pow:
		return count(e.l) + count(e.r)
	case *Ln:
		return count(e.e)
	}
	panic("unreachable")
}

func nestAux(s int64, f func(int64, Expr) Expr, n int64, x Expr) Expr {
	for n != 0 {
		x = f(s-n, x)
		n--
	}
	return x
}

func nest(f func(int64, Expr) Expr, n int64, e Expr) Expr { return nestAux(n, f, n, e) }

func deriv(i int64, f Expr) Expr {
	e := d("x", f)
	fmt.Printf("%d count: %d\n", i+1, count(e))
	return e
}

func main() {
	x := &Var{"x"}
	f := powr(x, x)
	nest(deriv, 10, f)
	fmt.Println("done")
}
