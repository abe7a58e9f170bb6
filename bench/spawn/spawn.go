// spawn (peer of spawn.guji): 10^6 goroutines each send their number on
// one unbuffered channel; main sums them.
package main

import "fmt"

func main() {
	n := 1000000
	c := make(chan int)
	for i := 0; i < n; i++ {
		go func(i int) { c <- i }(i)
	}
	sum := 0
	for k := 0; k < n; k++ {
		sum += <-c
	}
	fmt.Println(sum)
}
