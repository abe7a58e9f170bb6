# regexredux (peer of regexredux.guji): the Benchmarks Game regex-redux,
# single-threaded, with Crystal's Regex (PCRE): strip the headers and
# newlines, count the 9 variant patterns, apply the 5 IUB substitutions,
# print the lengths.
seq = STDIN.gets_to_end
ilen = seq.bytesize
seq = seq.gsub(/>.*\n|\n/, "")
clen = seq.bytesize
variants = ["agggtaaa|tttaccct", "[cgt]gggtaaa|tttaccc[acg]", "a[act]ggtaaa|tttacc[agt]t",
            "ag[act]gtaaa|tttac[agt]ct", "agg[act]taaa|ttta[agt]cct", "aggg[acg]aaa|ttt[cgt]ccct",
            "agggt[cgt]aa|tt[acg]accct", "agggta[cgt]a|t[acg]taccct", "agggtaa[cgt]|[acg]ttaccct"]
variants.each do |v|
  puts "#{v} #{seq.scan(Regex.new(v)).size}"
end
subs = [{"tHa[Nt]", "<4>"}, {"aND|caN|Ha[DS]|WaS", "<3>"}, {"a[NSt]|BY", "<2>"},
        {"<[^>]*>", "|"}, {"\\|[^|][^|]*\\|", "-"}]
subs.each do |(pat, rep)|
  seq = seq.gsub(Regex.new(pat), rep)
end
puts
puts ilen
puts clen
puts seq.bytesize
