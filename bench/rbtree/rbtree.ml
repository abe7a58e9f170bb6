(* rbtree — Koka's rbtree.kk (peer of rbtree.guji; Koka's rbtree.ml is the
   same program): insert the keys 4,199,999 down to 0 with the value
   k mod 10 = 0 into a persistent red-black tree (Okasaki-style balancing,
   the same cases as rbtree.kk), then fold over it counting the true
   values; prints 420000. OCaml's garbage collector frees replaced nodes. *)
type color = Red | Black

type tree = Leaf | Node of color * tree * int * bool * tree

let is_red = function Node (Red, _, _, _, _) -> true | _ -> false

let balance_left l k v r =
  match l with
  | Leaf -> Leaf
  | Node (_, Node (Red, lx, kx, vx, rx), ky, vy, ry) ->
      Node (Red, Node (Black, lx, kx, vx, rx), ky, vy, Node (Black, ry, k, v, r))
  | Node (_, ly, ky, vy, Node (Red, lx, kx, vx, rx)) ->
      Node (Red, Node (Black, ly, ky, vy, lx), kx, vx, Node (Black, rx, k, v, r))
  | Node (_, lx, kx, vx, rx) -> Node (Black, Node (Red, lx, kx, vx, rx), k, v, r)

let balance_right l k v r =
  match r with
  | Leaf -> Leaf
  | Node (_, Node (Red, lx, kx, vx, rx), ky, vy, ry) ->
      Node (Red, Node (Black, l, k, v, lx), kx, vx, Node (Black, rx, ky, vy, ry))
  | Node (_, lx, kx, vx, Node (Red, ly, ky, vy, ry)) ->
      Node (Red, Node (Black, l, k, v, lx), kx, vx, Node (Black, ly, ky, vy, ry))
  | Node (_, lx, kx, vx, rx) -> Node (Black, l, k, v, Node (Red, lx, kx, vx, rx))

let rec ins t k v =
  match t with
  | Leaf -> Node (Red, Leaf, k, v, Leaf)
  | Node (Red, l, kx, vx, r) ->
      if k < kx then Node (Red, ins l k v, kx, vx, r)
      else if k = kx then Node (Red, l, k, v, r)
      else Node (Red, l, kx, vx, ins r k v)
  | Node (Black, l, kx, vx, r) ->
      if k < kx then
        if is_red l then balance_left (ins l k v) kx vx r
        else Node (Black, ins l k v, kx, vx, r)
      else if k = kx then Node (Black, l, k, v, r)
      else if is_red r then balance_right l kx vx (ins r k v)
      else Node (Black, l, kx, vx, ins r k v)

let set_black = function Node (_, l, k, v, r) -> Node (Black, l, k, v, r) | t -> t

let insert t k v = if is_red t then set_black (ins t k v) else ins t k v

let rec fold t b f =
  match t with
  | Leaf -> b
  | Node (_, l, k, v, r) -> fold r (f k v (fold l b f)) f

let rec make_tree_aux n m =
  if n <= 0 then m
  else
    let n1 = n - 1 in
    make_tree_aux n1 (insert m n1 (n1 mod 10 = 0))

let make_tree n = make_tree_aux n Leaf

let () =
  let m = make_tree 4200000 in
  let v = fold m 0 (fun _ v r -> if v then r + 1 else r) in
  Printf.printf "%d\n" v
