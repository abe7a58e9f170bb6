// cfold — Koka's cfold.kk (peer of cfold.guji): build a perfect tree of
// additions of depth 20 (mk_expr(20, 1), as Koka's C++ and OCaml peers),
// evaluate it, reassociate it into a right-leaning chain, fold its
// constants and evaluate again; prints both values, one a line.
// Persistent: every step builds new nodes; Go's garbage collector frees
// the old ones. The functions on the 2^20-long chain recurse along it
// (goroutine stacks grow as needed).
package main

import "fmt"

type Expr interface{}

type Var struct{ n int64 }
type Val struct{ n int64 }
type Add struct{ l, r Expr }
type Mul struct{ l, r Expr }

func mkExpr(n, v int64) Expr {
	if n == 0 {
		if v == 0 {
			return &Var{1}
		}
		return &Val{v}
	}
	l := mkExpr(n-1, v+1)
	return &Add{l, mkExpr(n-1, max(v-1, 0))}
}

func max(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func appendAdd(e0, e3 Expr) Expr {
	if a, ok := e0.(*Add); ok {
		return &Add{a.l, appendAdd(a.r, e3)}
	}
	return &Add{e0, e3}
}

func appendMul(e0, e3 Expr) Expr {
	if m, ok := e0.(*Mul); ok {
		return &Mul{m.l, appendMul(m.r, e3)}
	}
	return &Mul{e0, e3}
}

func reassoc(e Expr) Expr {
	switch e := e.(type) {
	case *Add:
		l := reassoc(e.l)
		return appendAdd(l, reassoc(e.r))
	case *Mul:
		l := reassoc(e.l)
		return appendMul(l, reassoc(e.r))
	}
	return e
}

func cfold(e Expr) Expr {
	switch e := e.(type) {
	case *Add:
		f1 := cfold(e.l)
		f2 := cfold(e.r)
		if a, ok := f1.(*Val); ok {
			switch b := f2.(type) {
			case *Val:
				return &Val{a.n + b.n}
			case *Add:
				if c, ok := b.r.(*Val); ok {
					return &Add{&Val{a.n + c.n}, b.l}
				}
				if c, ok := b.l.(*Val); ok {
					return &Add{&Val{a.n + c.n}, b.r}
				}
			}
		}
		return &Add{f1, f2}
	case *Mul:
		f1 := cfold(e.l)
		f2 := cfold(e.r)
		if a, ok := f1.(*Val); ok {
			switch b := f2.(type) {
			case *Val:
				return &Val{a.n * b.n}
			case *Mul:
				if c, ok := b.r.(*Val); ok {
					return &Mul{&Val{a.n * c.n}, b.l}
				}
				if c, ok := b.l.(*Val); ok {
					return &Mul{&Val{a.n * c.n}, b.r}
				}
			}
		}
		return &Mul{f1, f2}
	}
	return e
}

func eval(e Expr) int64 {
	switch e := e.(type) {
	case *Var:
		return 0
	case *Val:
		return e.n
	case *Add:
		return eval(e.l) + eval(e.r)
	case *Mul:
		return eval(e.l) * eval(e.r)
	}
	panic("unreachable")
}

func main() {
	e := mkExpr(20, 1)
	v1 := eval(e)
	v2 := eval(cfold(reassoc(e)))
	fmt.Println(v1)
	fmt.Println(v2)
}
