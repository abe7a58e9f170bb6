// fanin (peer of fanin.guji): 4 producers x 4 consumers over one channel
// of capacity 128, 10^7 messages.
package main

import (
	"fmt"
	"sync"
)

func main() {
	per := 2500000
	c := make(chan int, 128)
	var wp sync.WaitGroup
	for p := 0; p < 4; p++ {
		wp.Add(1)
		go func(p int) {
			defer wp.Done()
			base := p * per
			for i := 0; i < per; i++ {
				c <- base + i
			}
		}(p)
	}
	sums := make(chan int, 4)
	for k := 0; k < 4; k++ {
		go func() {
			s := 0
			for v := range c {
				s += v
			}
			sums <- s
		}()
	}
	wp.Wait()
	close(c)
	total := 0
	for k := 0; k < 4; k++ {
		total += <-sums
	}
	fmt.Println(total)
}
