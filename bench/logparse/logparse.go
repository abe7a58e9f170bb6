// logparse (peer of logparse.guji): parse a web-server log on stdin with one
// regex with named groups (Go's regexp) and report the requests and
// malformed lines, the requests per method and per status class (2xx,
// 3xx, ...), the total bytes, the mean latency (2 decimals) and the 5 most
// requested paths, numeric ids replaced by `:id` (by count descending, then
// path).
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
)

type kv struct {
	k string
	n int
}

func pairs(m map[string]int) []kv {
	v := make([]kv, 0, len(m))
	for k, n := range m {
		v = append(v, kv{k, n})
	}
	sort.Slice(v, func(i, j int) bool { return v[i].k < v[j].k })
	return v
}

func main() {
	lineRe := regexp.MustCompile(`^(?P<ts>\S+) (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<bytes>\d+) (?P<ms>\d+)ms$`)
	idRe := regexp.MustCompile(`/\d+`)
	iMethod, iPath, iStatus := lineRe.SubexpIndex("method"), lineRe.SubexpIndex("path"), lineRe.SubexpIndex("status")
	iBytes, iMs := lineRe.SubexpIndex("bytes"), lineRe.SubexpIndex("ms")
	methods, classes, paths := map[string]int{}, map[string]int{}, map[string]int{}
	requests, malformed, totalBytes, totalMs := 0, 0, 0, 0
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		m := lineRe.FindStringSubmatch(line)
		if m == nil {
			malformed++
			continue
		}
		requests++
		methods[m[iMethod]]++
		classes[m[iStatus][:1]+"xx"]++
		paths[idRe.ReplaceAllLiteralString(m[iPath], "/:id")]++
		b, _ := strconv.Atoi(m[iBytes])
		ms, _ := strconv.Atoi(m[iMs])
		totalBytes += b
		totalMs += ms
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "requests %d\nmalformed %d\n", requests, malformed)
	for _, e := range pairs(methods) {
		fmt.Fprintf(w, "method %s %d\n", e.k, e.n)
	}
	for _, e := range pairs(classes) {
		fmt.Fprintf(w, "status %s %d\n", e.k, e.n)
	}
	fmt.Fprintf(w, "bytes %d\n", totalBytes)
	fmt.Fprintf(w, "latency %.2fms\n", float64(totalMs)/float64(requests))
	top := pairs(paths)
	sort.SliceStable(top, func(i, j int) bool { return top[i].n > top[j].n })
	for i := 0; i < len(top) && i < 5; i++ {
		fmt.Fprintf(w, "path %s %d\n", top[i].k, top[i].n)
	}
}
