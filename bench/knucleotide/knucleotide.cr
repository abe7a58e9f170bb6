# knucleotide (peer of knucleotide.guji): the Benchmarks Game k-nucleotide,
# single-threaded: read the THREE section of the fasta output on stdin;
# print the frequencies (percent, %.3f) of the 1- and 2-mers, sorted by
# frequency descending then key, then the counts of GGT, GGTA, GGTATT,
# GGTATTTTAATT and GGTATTTTAATTTATAGT, each k-mer counted in a
# Hash(String, Int32) keyed by its slice of the sequence.
def count(seq : String, k : Int32)
  h = Hash(String, Int32).new(0)
  (0..seq.bytesize - k).each { |i| h[seq.byte_slice(i, k)] += 1 }
  h
end

while (line = STDIN.gets) && !line.starts_with?(">THREE")
end
seq = String.build do |s|
  while (line = STDIN.gets) && !line.starts_with?('>')
    s << line.upcase
  end
end
[1, 2].each do |k|
  total = (seq.bytesize - k + 1).to_f
  count(seq, k).to_a.sort_by { |(key, n)| {-n, key} }.each do |(key, n)|
    printf("%s %.3f\n", key, 100.0 * n / total)
  end
  puts
end
%w(GGT GGTA GGTATT GGTATTTTAATT GGTATTTTAATTTATAGT).each do |f|
  printf("%d\t%s\n", count(seq, f.size)[f], f)
end
