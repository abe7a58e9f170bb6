// binarytrees — the Benchmarks Game's binary-trees (peer of
// binarytrees.guji), as Koka's binarytrees.kk builds its trees (make-rec,
// checkr), single-threaded as every peer here: max depth 21, min depth 4,
// stretch tree of depth 22, a long-lived tree of depth 21, and
// 2^(21 - d + 4) trees per depth d = 4, 6, …, 21. Nodes are owned by
// std::unique_ptr: each tree is freed when it goes out of scope, right
// after its check.
#include <cstdint>
#include <cstdio>
#include <memory>

struct Node {
  std::unique_ptr<Node> left, right;  // null is a tip
};

static std::unique_ptr<Node> make(int64_t depth) {
  auto n = std::make_unique<Node>();
  if (depth > 0) {
    n->left = make(depth - 1);
    n->right = make(depth - 1);
  }
  return n;
}

static int64_t check(const Node* t) {
  return t ? check(t->left.get()) + check(t->right.get()) + 1 : 0;
}

int main() {
  const int64_t n = 21, min_depth = 4;
  const int64_t max_depth = std::max(min_depth + 2, n);

  const int64_t stretch_depth = max_depth + 1;
  std::printf("stretch tree of depth %lld\t check: %lld\n", (long long)stretch_depth,
              (long long)check(make(stretch_depth).get()));

  auto long_lived = make(max_depth);

  for (int64_t depth = min_depth; depth <= max_depth; depth += 2) {
    const int64_t count = int64_t(1) << (max_depth - depth + min_depth);
    int64_t sum = 0;
    for (int64_t i = 0; i < count; i++) sum += check(make(depth).get());
    std::printf("%lld\t trees of depth %lld\t check: %lld\n", (long long)count,
                (long long)depth, (long long)sum);
  }

  std::printf("long lived tree of depth %lld\t check: %lld\n", (long long)max_depth,
              (long long)check(long_lived.get()));
  return 0;
}
