(* cfold — Koka's cfold.kk (peer of cfold.guji; Koka's cfold.ml is the
   model, printing as cfold.kk does): build a perfect tree of additions of
   depth 20 (mk_expr 20 1, as Koka's C++ and OCaml peers), evaluate it,
   reassociate it into a right-leaning chain, fold its constants and
   evaluate again; prints both values, one a line. Persistent: every step
   builds new nodes; OCaml's garbage collector frees the old ones. The
   functions on the 2^20-long chain recurse along it on the system stack
   (run.sh raises its limit). *)
type expr = Var of int | Val of int | Add of expr * expr | Mul of expr * expr

let rec mk_expr n v =
  if n = 0 then if v = 0 then Var 1 else Val v
  else
    let l = mk_expr (n - 1) (v + 1) in
    Add (l, mk_expr (n - 1) (max (v - 1) 0))

let rec append_add e0 e3 =
  match e0 with Add (e1, e2) -> Add (e1, append_add e2 e3) | _ -> Add (e0, e3)

let rec append_mul e0 e3 =
  match e0 with Mul (e1, e2) -> Mul (e1, append_mul e2 e3) | _ -> Mul (e0, e3)

let rec reassoc e =
  match e with
  | Add (e1, e2) ->
      let e1' = reassoc e1 in
      let e2' = reassoc e2 in
      append_add e1' e2'
  | Mul (e1, e2) ->
      let e1' = reassoc e1 in
      let e2' = reassoc e2 in
      append_mul e1' e2'
  | _ -> e

let rec cfold e =
  match e with
  | Add (e1, e2) -> (
      let e1' = cfold e1 in
      let e2' = cfold e2 in
      match (e1', e2') with
      | Val a, Val b -> Val (a + b)
      | Val a, Add (f, Val b) -> Add (Val (a + b), f)
      | Val a, Add (Val b, f) -> Add (Val (a + b), f)
      | _ -> Add (e1', e2'))
  | Mul (e1, e2) -> (
      let e1' = cfold e1 in
      let e2' = cfold e2 in
      match (e1', e2') with
      | Val a, Val b -> Val (a * b)
      | Val a, Mul (f, Val b) -> Mul (Val (a * b), f)
      | Val a, Mul (Val b, f) -> Mul (Val (a * b), f)
      | _ -> Mul (e1', e2'))
  | _ -> e

let rec eval e =
  match e with
  | Var _ -> 0
  | Val v -> v
  | Add (l, r) -> eval l + eval r
  | Mul (l, r) -> eval l * eval r

let () =
  let e = mk_expr 20 1 in
  let v1 = eval e in
  let v2 = eval (cfold (reassoc e)) in
  Printf.printf "%d\n%d\n" v1 v2
