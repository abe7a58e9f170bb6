// vecpush (peer of vecpush.guji): append 10^7 Ints to a slice (no
// capacity hint), then sum the elements by index (bounds checked, as
// guji's $xs[i] is). Prints the sum and the length.
package main

import "fmt"

func main() {
	const n = 10000000
	var xs []int64
	for i := int64(0); i < n; i++ {
		xs = append(xs, i)
	}
	sum := int64(0)
	for i := 0; i < len(xs); i++ {
		sum += xs[i]
	}
	fmt.Println(sum)
	fmt.Println(len(xs))
}
