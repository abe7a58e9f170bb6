// pingpong (peer of pingpong.guji): 10^6 round trips over two unbuffered
// channels.
package main

import "fmt"

func main() {
	n := 1000000
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	last := 0
	for i := 0; i < n; i++ {
		ping <- i
		last = <-pong
	}
	close(ping)
	fmt.Println(last)
}
