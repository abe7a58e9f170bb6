// binarytrees — the Benchmarks Game's binary-trees (peer of
// binarytrees.guji), as Koka's binarytrees.kk builds its trees (make-rec,
// checkr), single-threaded as every peer here (no goroutines): max depth
// 21, min depth 4, stretch tree of depth 22, a long-lived tree of depth
// 21, and 2^(21 - d + 4) trees per depth d = 4, 6, …, 21. Go's garbage
// collector frees the trees.
package main

import "fmt"

type Node struct {
	left, right *Node // nil is a tip
}

func makeTree(depth int64) *Node {
	if depth > 0 {
		return &Node{makeTree(depth - 1), makeTree(depth - 1)}
	}
	return &Node{nil, nil}
}

func check(t *Node) int64 {
	if t == nil {
		return 0
	}
	return check(t.left) + check(t.right) + 1
}

func main() {
	n, minDepth := int64(21), int64(4)
	maxDepth := n
	if minDepth+2 > n {
		maxDepth = minDepth + 2
	}

	stretchDepth := maxDepth + 1
	fmt.Printf("stretch tree of depth %d\t check: %d\n", stretchDepth, check(makeTree(stretchDepth)))

	longLived := makeTree(maxDepth)

	for depth := minDepth; depth <= maxDepth; depth += 2 {
		count := int64(1) << (maxDepth - depth + minDepth)
		sum := int64(0)
		for i := int64(0); i < count; i++ {
			sum += check(makeTree(depth))
		}
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", count, depth, sum)
	}

	fmt.Printf("long lived tree of depth %d\t check: %d\n", maxDepth, check(longLived))
}
