// mapcount (peer of mapcount.guji): count 10^7 pseudo-random Int keys drawn
// from 10^5 values: the Lehmer LCG x = x * 48271 % 2147483647 (MINSTD, from
// x = 1), key x % 100000, counted with ++m[k] in a std::unordered_map
// (mutable; no reserve). Prints the number of distinct keys, the count of
// key 12345, and the sum over the keys of key * count mod 1000000007.
#include <cstdint>
#include <cstdio>
#include <unordered_map>

int main() {
  const int64_t n = 10000000;
  std::unordered_map<int64_t, int64_t> m;
  int64_t x = 1;
  for (int64_t i = 0; i < n; i++) {
    x = x * 48271 % 2147483647;
    ++m[x % 100000];
  }
  int64_t check = 0;
  for (const auto& [k, c] : m) check = (check + k * c) % 1000000007;
  auto it = m.find(12345);
  std::printf("%zu\n%lld\n%lld\n", m.size(), (long long)(it == m.end() ? 0 : it->second),
              (long long)check);
}
