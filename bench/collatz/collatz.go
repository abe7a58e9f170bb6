// collatz — the longest Collatz chain for a start below 3,000,000 (peer of
// collatz.guji): prints the start, then its number of steps to reach 1.
package main

import "fmt"

func steps(n int64) int64 {
	var count int64
	for n != 1 {
		if n%2 == 0 {
			n = n / 2
		} else {
			n = 3*n + 1
		}
		count++
	}
	return count
}

func main() {
	var best, bestLen int64 = 1, 0
	for i := int64(1); i < 3000000; i++ {
		if l := steps(i); l > bestLen {
			best, bestLen = i, l
		}
	}
	fmt.Println(best)
	fmt.Println(bestLen)
}
