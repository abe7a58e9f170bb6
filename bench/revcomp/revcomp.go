// revcomp (peer of revcomp.guji): the Benchmarks Game reverse-complement,
// single-threaded: read the fasta output on stdin; for each `>` record print
// its header, then the reverse complement of its sequence (IUB codes, either
// case, complemented to upper case) in lines of 60.
package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

var comp [256]byte

func emit(w *bufio.Writer, seq []byte) {
	out := make([]byte, 0, len(seq)+len(seq)/60+1)
	for i := len(seq); i > 0; {
		line := 60
		if i < 60 {
			line = i
		}
		for j := 0; j < line; j++ {
			i--
			out = append(out, comp[seq[i]])
		}
		out = append(out, '\n')
	}
	w.Write(out)
}

func main() {
	from, to := "ACBDGHKMNSRUTWVYacbdghkmnsrutwvy", "TGVHCDMKNSYAAWBRTGVHCDMKNSYAAWBR"
	for i := range comp {
		comp[i] = byte(i)
	}
	for i := 0; i < len(from); i++ {
		comp[from[i]] = to[i]
	}
	in, _ := io.ReadAll(os.Stdin)
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer w.Flush()
	for len(in) > 0 {
		nl := bytes.IndexByte(in, '\n')
		if nl < 0 {
			nl = len(in) - 1
		}
		w.Write(in[:nl])
		w.WriteByte('\n')
		in = in[nl+1:]
		end := bytes.IndexByte(in, '>')
		if end < 0 {
			end = len(in)
		}
		seq := make([]byte, 0, end)
		for _, line := range bytes.Split(in[:end], []byte{'\n'}) {
			seq = append(seq, line...)
		}
		emit(w, seq)
		in = in[end:]
	}
}
