// mapversions (peer of mapversions.guji): insert 10^6 keys into a
// persistent map, keeping every 5th version in a slice (the versions share
// structure), then probe every 10000th kept version. The keys are the
// first 10^6 values of the Lehmer LCG x = x * 48271 % 2147483647 (MINSTD,
// from x = 1; distinct); key number i has the value i, and the version
// after key i is kept when i % 5 == 4. Prints the sum of the probed
// versions' lengths, how many hold the key inserted at i = 500000, and the
// sum of the values found for it (0 where absent).
//
// Go has no persistent map, and copying a map per version would be O(n^2):
// this is a path-copying binary search tree. Each insert copies the nodes
// on the path from the root to the key (never changing an existing node)
// and shares every other subtree with the previous version; the garbage
// collector frees versions no one keeps. The tree is not rebalanced: the
// keys come in pseudo-random order, so it has the shape of a random BST
// (expected depth about 2 ln n, ~28 at 10^6; guji's CHAMP and OCaml's AVL
// Map are shallower).
package main

import "fmt"

type Node struct { // nil is the empty tree
	key, val    int64
	left, right *Node
}

// insert: a new tree with k -> v; the bool tells whether k was new.
func insert(t *Node, k, v int64) (*Node, bool) {
	if t == nil {
		return &Node{k, v, nil, nil}, true
	}
	if k < t.key {
		l, added := insert(t.left, k, v)
		return &Node{t.key, t.val, l, t.right}, added
	}
	if k > t.key {
		r, added := insert(t.right, k, v)
		return &Node{t.key, t.val, t.left, r}, added
	}
	return &Node{k, v, t.left, t.right}, false
}

func find(t *Node, k int64) *Node {
	for t != nil && t.key != k {
		if k < t.key {
			t = t.left
		} else {
			t = t.right
		}
	}
	return t
}

type Map struct {
	root *Node
	len  int64
}

func main() {
	const n = 1000000
	var m Map
	var versions []Map
	probe, x := int64(0), int64(1)
	for i := int64(0); i < n; i++ {
		x = x * 48271 % 2147483647
		root, added := insert(m.root, x, i)
		m.root = root
		if added {
			m.len++
		}
		if i == 500000 {
			probe = x
		}
		if i%5 == 4 {
			versions = append(versions, m)
		}
	}
	lens, present, vals := int64(0), int64(0), int64(0)
	for j := 0; j < len(versions); j += 10000 {
		v := versions[j]
		lens += v.len
		if p := find(v.root, probe); p != nil {
			present++
			vals += p.val
		}
	}
	fmt.Println(lens)
	fmt.Println(present)
	fmt.Println(vals)
}
