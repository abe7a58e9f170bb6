// vecpush (peer of vecpush.guji): push 10^7 Ints onto a std::vector
// (push_back, no reserve), then sum the elements by index (at(), bounds
// checked as guji's $xs[i] is). Prints the sum and the length.
#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  const int64_t n = 10000000;
  std::vector<int64_t> xs;
  for (int64_t i = 0; i < n; i++) xs.push_back(i);
  int64_t sum = 0;
  for (size_t i = 0; i < xs.size(); i++) sum += xs.at(i);
  std::printf("%lld\n%zu\n", (long long)sum, xs.size());
}
