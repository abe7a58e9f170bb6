// rbtree — Koka's rbtree.kk (peer of rbtree.guji) with C++'s own
// red-black tree, std::map: insert the keys 4,199,999 down to 0 with the
// value k % 10 == 0 (replacing an existing key's value, as rbtree.kk's
// ins does), then fold over the map in key order counting the true
// values; prints 420000. std::map mutates in place (its rebalancing is the
// classic one with parent pointers, not Okasaki's).
#include <cstdint>
#include <cstdio>
#include <map>

int main() {
  std::map<int64_t, bool> m;
  for (int64_t n = 4200000; n > 0;) {
    n--;
    m.insert_or_assign(n, n % 10 == 0);
  }
  int64_t count = 0;
  for (const auto& [k, v] : m)
    if (v) count++;
  std::printf("%lld\n", (long long)count);
  return 0;
}
