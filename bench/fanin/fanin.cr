# fanin (peer of fanin.guji): 4 producers x 4 consumers over one channel of
# capacity 128, 10^7 messages.
per = 2_500_000
c = Channel(Int64).new(128)
done = Channel(Nil).new
4.times do |p|
  spawn do
    base = p.to_i64 * per
    per.times { |i| c.send(base + i) }
    done.send(nil)
  end
end
sums = Channel(Int64).new(4)
4.times do
  spawn do
    s = 0_i64
    while v = c.receive?
      s += v
    end
    sums.send(s)
  end
end
4.times { done.receive }
c.close
total = 0_i64
4.times { total += sums.receive }
puts total
