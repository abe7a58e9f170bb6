// ring (peer of ring.guji): 503 goroutines pass a token 10^7 times.
package main

import "fmt"

func main() {
	tasks, hops := 503, 10000000
	chans := make([]chan int, tasks)
	for i := range chans {
		chans[i] = make(chan int)
	}
	done := make(chan int)
	for i := 0; i < tasks; i++ {
		in, out, id := chans[i], chans[(i+1)%tasks], i+1
		go func() {
			for t := range in {
				if t == 0 {
					done <- id
				} else {
					out <- t - 1
				}
			}
		}()
	}
	chans[0] <- hops
	fmt.Println(<-done)
}
