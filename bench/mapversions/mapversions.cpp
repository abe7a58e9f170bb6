// mapversions (peer of mapversions.guji): insert 10^6 keys into a
// persistent map, keeping every 5th version in a vector (the versions
// share structure), then probe every 10000th kept version. The keys are
// the first 10^6 values of the Lehmer LCG x = x * 48271 % 2147483647
// (MINSTD, from x = 1; distinct); key number i has the value i, and the
// version after key i is kept when i % 5 == 4. Prints the sum of the probed
// versions' lengths, how many hold the key inserted at i = 500000, and the
// sum of the values found for it (0 where absent).
//
// C++ has no persistent map, and std::map copies would be O(n^2): this is
// a path-copying binary search tree. Each insert copies the nodes on the
// path from the root to the key (never changing an existing node) and
// shares every other subtree with the previous version; nodes are
// reference counted with std::shared_ptr (libstdc++'s counts are atomic
// here), so a version no one keeps is freed; the kept versions hold most
// nodes (about 1.7 GiB peak), all freed at exit, inside the timing. The tree is not rebalanced: the keys come in pseudo-random order,
// so it has the shape of a random BST (expected depth about 2 ln n, ~28 at
// 10^6; guji's CHAMP and OCaml's AVL Map are shallower).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

struct Node;
using Tree = std::shared_ptr<const Node>;  // nullptr is the empty tree
struct Node {
  int64_t key, val;
  Tree left, right;
  Node(int64_t k, int64_t v, Tree l, Tree r) : key(k), val(v), left(std::move(l)), right(std::move(r)) {}
};

// insert: a new tree with k -> v; *added tells whether k was new.
static Tree insert(const Tree& t, int64_t k, int64_t v, bool* added) {
  if (!t) { *added = true; return std::make_shared<const Node>(k, v, nullptr, nullptr); }
  if (k < t->key) return std::make_shared<const Node>(t->key, t->val, insert(t->left, k, v, added), t->right);
  if (k > t->key) return std::make_shared<const Node>(t->key, t->val, t->left, insert(t->right, k, v, added));
  return std::make_shared<const Node>(k, v, t->left, t->right);
}

static const Node* find(const Tree& t, int64_t k) {
  const Node* p = t.get();
  while (p && p->key != k) p = k < p->key ? p->left.get() : p->right.get();
  return p;
}

struct Map { Tree root; int64_t len = 0; };

int main() {
  const int64_t n = 1000000;
  Map m;
  std::vector<Map> versions;
  int64_t probe = 0, x = 1;
  for (int64_t i = 0; i < n; i++) {
    x = x * 48271 % 2147483647;
    bool added = false;
    m.root = insert(m.root, x, i, &added);
    m.len += added;
    if (i == 500000) probe = x;
    if (i % 5 == 4) versions.push_back(m);
  }
  int64_t lens = 0, present = 0, vals = 0;
  for (size_t j = 0; j < versions.size(); j += 10000) {
    const Map& v = versions[j];
    lens += v.len;
    const Node* p = find(v.root, probe);
    if (p) { present++; vals += p->val; }
  }
  std::printf("%lld\n%lld\n%lld\n", (long long)lens, (long long)present, (long long)vals);
}
