(* mapcount (peer of mapcount.guji): count 10^7 pseudo-random Int keys
   drawn from 10^5 values: the Lehmer LCG x = x * 48271 mod 2147483647
   (MINSTD, from x = 1), key x mod 100000, counted with Map.update in the
   stdlib's persistent Map.Make (Int) (each update builds a new path).
   Prints the number of distinct keys, the count of key 12345, and the sum
   over the keys of key * count mod 1000000007. *)
module M = Map.Make (Int)

let () =
  let n = 10_000_000 in
  let m = ref M.empty and x = ref 1 in
  for _ = 1 to n do
    x := !x * 48271 mod 2147483647;
    m := M.update (!x mod 100000)
           (function None -> Some 1 | Some c -> Some (c + 1)) !m
  done;
  let check = M.fold (fun k c acc -> (acc + k * c) mod 1000000007) !m 0 in
  Printf.printf "%d\n%d\n%d\n" (M.cardinal !m)
    (Option.value ~default:0 (M.find_opt 12345 !m)) check
