// nqueens — Koka's nqueens.kk (peer of nqueens.guji; Koka's own
// nqueens.cpp is the model, but it never frees): all solutions of the
// 13-queens problem as immutable linked lists; prints their number,
// 73712. Each extended solution shares its tail with the one it extends,
// so the cells are held by std::shared_ptr (unique_ptr cannot share) and
// freed when their last reference goes; extend lets go of each cell of
// the list it walks as it passes it.
#include <cstdint>
#include <cstdio>
#include <memory>

template <typename T>
struct Cell;
template <typename T>
using List = std::shared_ptr<const Cell<T>>;  // null is the empty list

template <typename T>
struct Cell {
  T head;
  List<T> tail;
  Cell(T h, List<T> t) : head(std::move(h)), tail(std::move(t)) {}
};

template <typename T>
static List<T> cons(T head, List<T> tail) {
  return std::make_shared<const Cell<T>>(std::move(head), std::move(tail));
}

using Solution = List<int64_t>;
using Solutions = List<Solution>;

// no queen in xs attacks queen (diag is the column distance)
static bool safe(int64_t queen, int64_t diag, const Cell<int64_t>* xs) {
  for (; xs; xs = xs->tail.get(), diag++) {
    int64_t q = xs->head;
    if (queen == q || queen == q + diag || queen == q - diag) return false;
  }
  return true;
}

static Solutions append_safe(int64_t queen, const Solution& xs, Solutions xss) {
  for (; queen > 0; queen--)
    if (safe(queen, 1, xs.get())) xss = cons(cons(queen, xs), std::move(xss));
  return xss;
}

static Solutions extend(int64_t queen, Solutions acc, Solutions xss) {
  while (xss) {
    acc = append_safe(queen, xss->head, std::move(acc));
    xss = xss->tail;  // lets go of the cell just passed
  }
  return acc;
}

static Solutions find_solutions(int64_t n, int64_t queen) {
  if (queen == 0) return cons<Solution>(nullptr, nullptr);
  return extend(n, nullptr, find_solutions(n, queen - 1));
}

template <typename T>
static int64_t length(const List<T>& xs) {
  int64_t n = 0;
  for (const Cell<T>* c = xs.get(); c; c = c->tail.get()) n++;
  return n;
}

int main() {
  Solutions s = find_solutions(13, 13);
  std::printf("%lld\n", (long long)length(s));
  // free the solutions cell by cell (the default destructor would recurse
  // along the whole list)
  while (s) s = s->tail;
  return 0;
}
