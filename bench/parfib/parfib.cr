# parfib (peer of parfib.guji): fib(32) with a fiber per call above depth
# 12 (Crystal 1.6 runs fibers on one thread).
def fib(n : Int64) : Int64
  n < 2 ? n : fib(n - 1) + fib(n - 2)
end

def pfib(n : Int64, depth : Int32) : Int64
  return fib(n) if depth == 0 || n < 2
  c = Channel(Int64).new(1)
  spawn { c.send(pfib(n - 1, depth - 1)) }
  right = pfib(n - 2, depth - 1)
  c.receive + right
end

puts pfib(32_i64, 12)
