// knucleotide (peer of knucleotide.guji): the Benchmarks Game k-nucleotide,
// single-threaded: read the THREE section of the fasta output on stdin;
// print the frequencies (percent, %.3f) of the 1- and 2-mers, sorted by
// frequency descending then key, then the counts of GGT, GGTA, GGTATT,
// GGTATTTTAATT and GGTATTTTAATTTATAGT. Each k-mer is counted in a Go map
// keyed by its 2-bit encoding (as the fastest Benchmarks Game entries do).
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
)

var code = [256]uint64{'A': 0, 'C': 1, 'G': 2, 'T': 3}

func count(seq []byte, k int) map[uint64]int {
	m := make(map[uint64]int)
	mask := uint64(1)<<(2*uint(k)) - 1
	var key uint64
	for i := 0; i < k-1; i++ {
		key = key<<2 | code[seq[i]]
	}
	for i := k - 1; i < len(seq); i++ {
		key = (key<<2 | code[seq[i]]) & mask
		m[key]++
	}
	return m
}

func encode(s string) uint64 {
	var key uint64
	for i := 0; i < len(s); i++ {
		key = key<<2 | code[s[i]]
	}
	return key
}

func decode(key uint64, k int) string {
	b := make([]byte, k)
	for i := k - 1; i >= 0; i-- {
		b[i] = "ACGT"[key&3]
		key >>= 2
	}
	return string(b)
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() && !bytes.HasPrefix(sc.Bytes(), []byte(">THREE")) {
	}
	var seq []byte
	for sc.Scan() && !bytes.HasPrefix(sc.Bytes(), []byte(">")) {
		seq = append(seq, bytes.ToUpper(sc.Bytes())...)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for k := 1; k <= 2; k++ {
		type kv struct {
			key string
			n   int
		}
		var v []kv
		for key, n := range count(seq, k) {
			v = append(v, kv{decode(key, k), n})
		}
		sort.Slice(v, func(i, j int) bool {
			if v[i].n != v[j].n {
				return v[i].n > v[j].n
			}
			return v[i].key < v[j].key
		})
		total := float64(len(seq) - k + 1)
		for _, e := range v {
			fmt.Fprintf(w, "%s %.3f\n", e.key, 100.0*float64(e.n)/total)
		}
		fmt.Fprintln(w)
	}
	for _, f := range []string{"GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT"} {
		fmt.Fprintf(w, "%d\t%s\n", count(seq, len(f))[encode(f)], f)
	}
}
