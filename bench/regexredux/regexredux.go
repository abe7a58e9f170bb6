// regexredux (peer of regexredux.guji): the Benchmarks Game regex-redux,
// single-threaded, with Go's regexp: strip the headers and newlines, count
// the 9 variant patterns, apply the 5 IUB substitutions, print the lengths.
package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	seq := regexp.MustCompile(">.*\n|\n").ReplaceAllLiteral(in, nil)
	variants := []string{
		"agggtaaa|tttaccct", "[cgt]gggtaaa|tttaccc[acg]", "a[act]ggtaaa|tttacc[agt]t",
		"ag[act]gtaaa|tttac[agt]ct", "agg[act]taaa|ttta[agt]cct", "aggg[acg]aaa|ttt[cgt]ccct",
		"agggt[cgt]aa|tt[acg]accct", "agggta[cgt]a|t[acg]taccct", "agggtaa[cgt]|[acg]ttaccct"}
	for _, v := range variants {
		fmt.Printf("%s %d\n", v, len(regexp.MustCompile(v).FindAllIndex(seq, -1)))
	}
	subs := [][2]string{{"tHa[Nt]", "<4>"}, {"aND|caN|Ha[DS]|WaS", "<3>"},
		{"a[NSt]|BY", "<2>"}, {"<[^>]*>", "|"}, {"\\|[^|][^|]*\\|", "-"}}
	cur := seq
	for _, s := range subs {
		cur = regexp.MustCompile(s[0]).ReplaceAllLiteral(cur, []byte(s[1]))
	}
	fmt.Printf("\n%d\n%d\n%d\n", len(in), len(seq), len(cur))
}
