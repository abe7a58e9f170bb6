/* rbtree — Koka's rbtree.kk (peer of rbtree.guji): insert the keys
 * 4,199,999 down to 0 with the value k % 10 == 0 into a red-black tree
 * with Okasaki-style balancing (the same cases as rbtree.kk's ins,
 * balance-left and balance-right), then fold over it counting the true
 * values; prints 420000. C idiom: the tree is mutable and every insertion
 * rearranges the existing nodes in place (what rbtree.kk's nodes become
 * under Perceus reuse), so only the new node is allocated; the tree is
 * freed by hand at the end. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum color { RED, BLACK };

typedef struct node {
  struct node *left, *right; /* NULL is a leaf */
  int64_t key;
  bool value;
  enum color color;
} node;

static bool is_red(const node *t) { return t && t->color == RED; }

/* t is black with key k; l, its new left child, is red */
static node *balance_left(node *l, node *t) {
  if (is_red(l->left)) { /* Node(_, Node(Red, lx, kx, vx, rx), ky, vy, ry) */
    node *ll = l->left;
    ll->color = BLACK;
    t->left = l->right;
    t->color = BLACK;
    l->right = t;
    l->color = RED;
    return l;
  }
  if (is_red(l->right)) { /* Node(_, ly, ky, vy, Node(Red, lx, kx, vx, rx)) */
    node *lr = l->right;
    l->right = lr->left;
    l->color = BLACK;
    t->left = lr->right;
    t->color = BLACK;
    lr->left = l;
    lr->right = t;
    lr->color = RED;
    return lr;
  }
  l->color = RED; /* Node(Black, Node(Red, lx, kx, vx, rx), k, v, r) */
  t->left = l;
  t->color = BLACK;
  return t;
}

/* t is black with key k; r, its new right child, is red */
static node *balance_right(node *t, node *r) {
  if (is_red(r->left)) { /* Node(_, Node(Red, lx, kx, vx, rx), ky, vy, ry) */
    node *rl = r->left;
    t->right = rl->left;
    t->color = BLACK;
    r->left = rl->right;
    r->color = BLACK;
    rl->left = t;
    rl->right = r;
    rl->color = RED;
    return rl;
  }
  if (is_red(r->right)) { /* Node(_, lx, kx, vx, Node(Red, ly, ky, vy, ry)) */
    r->right->color = BLACK;
    t->right = r->left;
    t->color = BLACK;
    r->left = t;
    r->color = RED;
    return r;
  }
  r->color = RED; /* Node(Black, l, k, v, Node(Red, lx, kx, vx, rx)) */
  t->right = r;
  t->color = BLACK;
  return t;
}

static node *ins(node *t, int64_t k, bool v) {
  if (!t) {
    node *n = malloc(sizeof *n);
    if (!n) abort();
    *n = (node){NULL, NULL, k, v, RED};
    return n;
  }
  if (t->color == RED) {
    if (k < t->key) t->left = ins(t->left, k, v);
    else if (k == t->key) t->value = v;
    else t->right = ins(t->right, k, v);
    return t;
  }
  if (k < t->key) {
    if (is_red(t->left)) return balance_left(ins(t->left, k, v), t);
    t->left = ins(t->left, k, v);
    return t;
  }
  if (k == t->key) {
    t->value = v;
    return t;
  }
  if (is_red(t->right)) return balance_right(t, ins(t->right, k, v));
  t->right = ins(t->right, k, v);
  return t;
}

static node *insert(node *t, int64_t k, bool v) {
  if (is_red(t)) {
    t = ins(t, k, v);
    t->color = BLACK;
    return t;
  }
  return ins(t, k, v);
}

static int64_t fold(const node *t, int64_t b, int64_t (*f)(int64_t, bool, int64_t)) {
  if (!t) return b;
  return fold(t->right, f(t->key, t->value, fold(t->left, b, f)), f);
}

static void drop(node *t) {
  if (!t) return;
  drop(t->left);
  drop(t->right);
  free(t);
}

static node *make_tree(int64_t n) {
  node *m = NULL;
  while (n > 0) {
    n--;
    m = insert(m, n, n % 10 == 0);
  }
  return m;
}

static int64_t count_true(int64_t k, bool v, int64_t r) {
  (void)k;
  return v ? r + 1 : r;
}

int main(void) {
  node *m = make_tree(4200000);
  printf("%lld\n", (long long)fold(m, 0, count_true));
  drop(m);
  return 0;
}
