(* mapint (peer of mapint.guji): build a map of 10^6 Int keys, then look
   every key up. The keys are the first 10^6 values of the Lehmer LCG
   x = x * 48271 mod 2147483647 (MINSTD, from x = 1); key number i has the
   value i. The map is the stdlib's persistent Map.Make (Int) (a balanced
   tree: each add builds a new path, the garbage collector frees the old
   one). The sequence is replayed and the values found (Map.find, which
   raises when missing) summed. Prints the sum and the map's cardinal. *)
module M = Map.Make (Int)

let () =
  let n = 1_000_000 in
  let m = ref M.empty and x = ref 1 in
  for i = 0 to n - 1 do
    x := !x * 48271 mod 2147483647;
    m := M.add !x i !m
  done;
  let sum = ref 0 in
  x := 1;
  for _ = 0 to n - 1 do
    x := !x * 48271 mod 2147483647;
    sum := !sum + M.find !x !m
  done;
  Printf.printf "%d\n%d\n" !sum (M.cardinal !m)
