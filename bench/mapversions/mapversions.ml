(* mapversions (peer of mapversions.guji): insert 10^6 keys into the
   stdlib's persistent Map.Make (Int), keeping every 5th version in a list
   (the versions share structure: each add copies one path of the AVL
   tree), then probe every 10000th kept version. The keys are the first
   10^6 values of the Lehmer LCG x = x * 48271 mod 2147483647 (MINSTD, from
   x = 1; distinct); key number i has the value i, and the version after
   key i is kept when i mod 5 = 4. Prints the sum of the probed versions'
   lengths, how many hold the key inserted at i = 500000, and the sum of
   the values found for it (0 where absent). M.cardinal is O(n) in OCaml,
   so each version is kept with its length, as guji's Map knows its own. *)
module M = Map.Make (Int)

let () =
  let n = 1_000_000 in
  let m = ref M.empty and len = ref 0 and versions = ref [] in
  let probe = ref 0 and x = ref 1 in
  for i = 0 to n - 1 do
    x := !x * 48271 mod 2147483647;
    if not (M.mem !x !m) then incr len;
    m := M.add !x i !m;
    if i = 500_000 then probe := !x;
    if i mod 5 = 4 then versions := (!m, !len) :: !versions
  done;
  let versions = Array.of_list (List.rev !versions) in
  let lens = ref 0 and present = ref 0 and vals = ref 0 in
  let j = ref 0 in
  while !j < Array.length versions do
    let v, l = versions.(!j) in
    lens := !lens + l;
    (match M.find_opt !probe v with
     | Some value -> incr present; vals := !vals + value
     | None -> ());
    j := !j + 10_000
  done;
  Printf.printf "%d\n%d\n%d\n" !lens !present !vals
