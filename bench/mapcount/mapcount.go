// mapcount (peer of mapcount.guji): count 10^7 pseudo-random Int keys drawn
// from 10^5 values: the Lehmer LCG x = x * 48271 % 2147483647 (MINSTD, from
// x = 1), key x % 100000, counted with m[k]++ in a map[int64]int64
// (mutable; no size hint). Prints the number of distinct keys, the count of
// key 12345, and the sum over the keys of key * count mod 1000000007.
package main

import "fmt"

func main() {
	const n = 10000000
	m := map[int64]int64{}
	x := int64(1)
	for i := 0; i < n; i++ {
		x = x * 48271 % 2147483647
		m[x%100000]++
	}
	check := int64(0)
	for k, c := range m {
		check = (check + k*c) % 1000000007
	}
	fmt.Println(len(m))
	fmt.Println(m[12345])
	fmt.Println(check)
}
