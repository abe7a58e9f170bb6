# spawn (peer of spawn.guji): 10^6 fibers each send their number on one
# unbuffered channel; main sums them.
n = 1_000_000
c = Channel(Int64).new
n.times { |i| spawn { c.send(i.to_i64) } }
sum = 0_i64
n.times { sum += c.receive }
puts sum
