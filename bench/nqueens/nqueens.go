// nqueens — Koka's nqueens.kk (peer of nqueens.guji): all solutions of
// the 13-queens problem as immutable linked lists (each extended solution
// shares its tail with the one it extends); prints their number, 73712.
// Go's garbage collector frees the lists.
package main

import "fmt"

type List[T any] struct { // nil is the empty list
	head T
	tail *List[T]
}

func cons[T any](head T, tail *List[T]) *List[T] { return &List[T]{head, tail} }

type Solution = *List[int64]
type Solutions = *List[Solution]

// no queen in xs attacks queen (diag is the column distance)
func safe(queen, diag int64, xs Solution) bool {
	if xs == nil {
		return true
	}
	q := xs.head
	return queen != q && queen != q+diag && queen != q-diag && safe(queen, diag+1, xs.tail)
}

func appendSafe(queen int64, xs Solution, xss Solutions) Solutions {
	for ; queen > 0; queen-- {
		if safe(queen, 1, xs) {
			xss = cons(cons(queen, xs), xss)
		}
	}
	return xss
}

func extend(queen int64, acc, xss Solutions) Solutions {
	for ; xss != nil; xss = xss.tail {
		acc = appendSafe(queen, xss.head, acc)
	}
	return acc
}

func findSolutions(n, queen int64) Solutions {
	if queen == 0 {
		return cons[Solution](nil, nil)
	}
	return extend(n, nil, findSolutions(n, queen-1))
}

func length[T any](xs *List[T]) int64 {
	n := int64(0)
	for ; xs != nil; xs = xs.tail {
		n++
	}
	return n
}

func main() {
	fmt.Println(length(findSolutions(13, 13)))
}
