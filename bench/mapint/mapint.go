// mapint (peer of mapint.guji): build a hash map of 10^6 Int keys, then
// look every key up. The keys are the first 10^6 values of the Lehmer LCG
// x = x * 48271 % 2147483647 (MINSTD, from x = 1); key number i has the
// value i. The map is Go's map[int64]int64 (mutable; no size hint). The
// sequence is replayed and the values found summed (a missing key would
// panic, as guji's $m[k] does). Prints the sum and the map's length.
package main

import "fmt"

func main() {
	const n = 1000000
	m := map[int64]int64{}
	x := int64(1)
	for i := int64(0); i < n; i++ {
		x = x * 48271 % 2147483647
		m[x] = i
	}
	sum := int64(0)
	x = 1
	for i := 0; i < n; i++ {
		x = x * 48271 % 2147483647
		v, ok := m[x]
		if !ok {
			panic("key not found")
		}
		sum += v
	}
	fmt.Println(sum)
	fmt.Println(len(m))
}
