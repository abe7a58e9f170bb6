// parfib (peer of parfib.guji): fib(32) with a goroutine per call above
// depth 12.
package main

import "fmt"

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func pfib(n, depth int) int {
	if depth == 0 || n < 2 {
		return fib(n)
	}
	c := make(chan int, 1)
	go func() { c <- pfib(n-1, depth-1) }()
	right := pfib(n-2, depth-1)
	return <-c + right
}

func main() { fmt.Println(pfib(32, 12)) }
