// wordfreq (peer of wordfreq.guji): word frequencies: read English-like
// text on stdin, lower-case it, take the words as the maximal runs of
// [a-z] (a byte scan: the definition needs no regex), count them in a
// map[string]*int (a lookup by string(bytes) does not allocate) and print
// the 20 most frequent as `word count`, by count descending then word.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
)

func main() {
	counts := make(map[string]*int)
	add := func(w []byte) {
		if p, ok := counts[string(w)]; ok {
			*p++
		} else {
			n := 1
			counts[string(w)] = &n
		}
	}
	r := bufio.NewReaderSize(os.Stdin, 1<<16)
	buf := make([]byte, 1<<16)
	var word []byte
	for {
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b >= 'a' && b <= 'z' {
				word = append(word, b)
			} else if len(word) > 0 {
				add(word)
				word = word[:0]
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(word) > 0 {
		add(word)
	}
	type wc struct {
		w string
		n int
	}
	v := make([]wc, 0, len(counts))
	for w, p := range counts {
		v = append(v, wc{w, *p})
	}
	sort.Slice(v, func(i, j int) bool {
		if v[i].n != v[j].n {
			return v[i].n > v[j].n
		}
		return v[i].w < v[j].w
	})
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := 0; i < len(v) && i < 20; i++ {
		fmt.Fprintf(out, "%s %d\n", v[i].w, v[i].n)
	}
}
