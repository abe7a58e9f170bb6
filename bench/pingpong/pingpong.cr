# pingpong (peer of pingpong.guji): 10^6 round trips over two unbuffered
# channels.
n = 1_000_000
ping = Channel(Int64).new
pong = Channel(Int64).new
spawn do
  while v = ping.receive?
    pong.send(v)
  end
end
last = 0_i64
n.times do |i|
  ping.send(i.to_i64)
  last = pong.receive
end
ping.close
puts last
