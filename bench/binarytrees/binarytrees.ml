(* binarytrees — the Benchmarks Game's binary-trees (peer of
   binarytrees.guji), as Koka's binarytrees.kk builds its trees (make-rec,
   checkr), single-threaded as every peer here: max depth 21, min depth 4,
   stretch tree of depth 22, a long-lived tree of depth 21, and
   2^(21 - d + 4) trees per depth d = 4, 6, ..., 21. OCaml's garbage
   collector (default settings) frees the trees. *)
type tree = Node of tree * tree | Tip

let rec make depth =
  if depth > 0 then Node (make (depth - 1), make (depth - 1)) else Node (Tip, Tip)

let rec check = function
  | Node (l, r) -> check l + check r + 1
  | Tip -> 0

let sum_count count depth =
  let sum = ref 0 in
  for _ = 1 to count do
    sum := !sum + check (make depth)
  done;
  !sum

let () =
  let n = 21 and min_depth = 4 in
  let max_depth = max (min_depth + 2) n in
  let stretch_depth = max_depth + 1 in
  Printf.printf "stretch tree of depth %d\t check: %d\n" stretch_depth
    (check (make stretch_depth));
  let long_lived = make max_depth in
  let depth = ref min_depth in
  while !depth <= max_depth do
    let count = 1 lsl (max_depth - !depth + min_depth) in
    Printf.printf "%d\t trees of depth %d\t check: %d\n" count !depth
      (sum_count count !depth);
    depth := !depth + 2
  done;
  Printf.printf "long lived tree of depth %d\t check: %d\n" max_depth (check long_lived)
