# revcomp (peer of revcomp.guji): the Benchmarks Game reverse-complement,
# single-threaded: read the fasta output on stdin; for each `>` record print
# its header, then the reverse complement of its sequence (IUB codes, either
# case, complemented to upper case) in lines of 60.
COMP = begin
  t = Bytes.new(256) { |i| i.to_u8 }
  "ACBDGHKMNSRUTWVYacbdghkmnsrutwvy".bytes.zip("TGVHCDMKNSYAAWBRTGVHCDMKNSYAAWBR".bytes) { |f, c| t[f] = c }
  t
end

def emit(seq : IO::Memory, io : IO)
  s = seq.to_slice
  n = s.size
  buf = Bytes.new(n + n // 60 + 1)
  o = 0
  i = n
  while i > 0
    line = i < 60 ? i : 60
    line.times do
      i -= 1
      buf[o] = COMP[s[i]]
      o += 1
    end
    buf[o] = '\n'.ord.to_u8
    o += 1
  end
  io.write(buf[0, o])
end

seq = nil.as(IO::Memory?)
STDIN.each_line(chomp: true) do |line|
  if line.starts_with?('>')
    emit(seq, STDOUT) if seq
    STDOUT << line << '\n'
    seq = IO::Memory.new
  elsif s = seq
    s << line
  end
end
emit(seq, STDOUT) if seq
STDOUT.flush
