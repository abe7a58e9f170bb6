# ring (peer of ring.guji): 503 fibers pass a token 10^7 times.
tasks = 503
hops = 10_000_000
chans = Array.new(tasks) { Channel(Int32).new }
done = Channel(Int32).new
tasks.times do |i|
  inc = chans[i]
  outc = chans[(i + 1) % tasks]
  id = i + 1
  spawn do
    while t = inc.receive?
      if t == 0
        done.send(id)
      else
        outc.send(t - 1)
      end
    end
  end
end
chans[0].send(hops)
puts done.receive
