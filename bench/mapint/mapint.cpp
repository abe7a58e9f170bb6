// mapint (peer of mapint.guji): build a hash map of 10^6 Int keys, then
// look every key up. The keys are the first 10^6 values of the Lehmer LCG
// x = x * 48271 % 2147483647 (MINSTD, from x = 1); key number i has the
// value i. The map is std::unordered_map (mutable; no reserve, it grows as
// it is filled). The sequence is replayed and the values found (at, which
// throws when missing, as guji's $m[k] panics) summed. Prints the sum and
// the map's size.
#include <cstdint>
#include <cstdio>
#include <unordered_map>

int main() {
  const int64_t n = 1000000;
  std::unordered_map<int64_t, int64_t> m;
  int64_t x = 1;
  for (int64_t i = 0; i < n; i++) {
    x = x * 48271 % 2147483647;
    m[x] = i;
  }
  int64_t sum = 0;
  x = 1;
  for (int64_t i = 0; i < n; i++) {
    x = x * 48271 % 2147483647;
    sum += m.at(x);
  }
  std::printf("%lld\n%zu\n", (long long)sum, m.size());
}
