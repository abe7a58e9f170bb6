(* deriv — Koka's deriv.kk (peer of deriv.guji; Lean's deriv.ml, which
   deriv.kk adapts, is the same program): symbolic differentiation; from
   f = x^x take the derivative ten times, simplifying as it goes, and print
   each step's number of leaves, then "done". Expressions are immutable and
   share subterms; OCaml's garbage collector frees them. *)
type expr =
  | Val of int
  | Var of string
  | Add of expr * expr
  | Mul of expr * expr
  | Pow of expr * expr
  | Ln of expr

(* a ^ b by repeated squaring (as Koka's deriv.cpp) *)
let rec pown a b =
  if b = 0 then 1
  else if b = 1 then a
  else
    let y = pown a (b / 2) in
    y * y * if b mod 2 = 0 then 1 else a

let rec add n0 m0 =
  match (n0, m0) with
  | Val n, Val m -> Val (n + m)
  | Val 0, f -> f
  | f, Val 0 -> f
  | f, Val n -> add (Val n) f
  | Val n, Add (Val m, f) -> add (Val (n + m)) f
  | f, Add (Val n, g) -> add (Val n) (add f g)
  | Add (f, g), h -> add f (add g h)
  | f, g -> Add (f, g)

let rec mul n0 m0 =
  match (n0, m0) with
  | Val n, Val m -> Val (n * m)
  | Val 0, _ -> Val 0
  | _, Val 0 -> Val 0
  | Val 1, f -> f
  | f, Val 1 -> f
  | f, Val n -> mul (Val n) f
  | Val n, Mul (Val m, f) -> mul (Val (n * m)) f
  | f, Mul (Val n, g) -> mul (Val n) (mul f g)
  | Mul (f, g), h -> mul f (mul g h)
  | f, g -> Mul (f, g)

let powr m0 n0 =
  match (m0, n0) with
  | Val m, Val n -> Val (pown m n)
  | _, Val 0 -> Val 1
  | f, Val 1 -> f
  | Val 0, _ -> Val 0
  | f, g -> Pow (f, g)

let ln n = match n with Val 1 -> Val 0 | f -> Ln f

(* OCaml evaluates arguments right to left; the lets keep the order of
   the other peers (it does not change the result) *)
let rec d x e =
  match e with
  | Val _ -> Val 0
  | Var y -> if x = y then Val 1 else Val 0
  | Add (f, g) ->
      let df = d x f in
      add df (d x g)
  | Mul (f, g) ->
      let a = mul f (d x g) in
      add a (mul g (d x f))
  | Pow (f, g) ->
      let p = powr f g in
      let a = mul (mul g (d x f)) (powr f (Val (-1))) in
      let b = mul (ln f) (d x g) in
      mul p (add a b)
  | Ln f ->
      let df = d x f in
      mul df (powr f (Val (-1)))

let rec count e =
  match e with
  | Val _ -> 1
  | Var _ -> 1
  | Add (f, g) -> count f + count g
  | Mul (f, g) -> count f + count g
  | Pow (f, g) -> count f + count g
  | Ln f -> count f

let rec nest_aux s f n x =
  if n = 0 then x
  else
    let y = f (s - n) x in
    nest_aux s f (n - 1) y

let nest f n e = nest_aux n f n e

let deriv i f =
  let d = d "x" f in
  Printf.printf "%d count: %d\n" (i + 1) (count d);
  d

let () =
  let x = Var "x" in
  let f = powr x x in
  ignore (nest deriv 10 f);
  print_endline "done"
