(* vecpush (peer of vecpush.guji): push 10^7 Ints onto a growable array
   (OCaml 4.13 has no Dynarray: an int array doubled by hand when full),
   then sum the elements by index (bounds checked: no -unsafe). Prints the
   sum and the length. *)
let () =
  let n = 10_000_000 in
  let buf = ref (Array.make 8 0) and len = ref 0 in
  for i = 0 to n - 1 do
    if !len = Array.length !buf then begin
      let b = Array.make (2 * !len) 0 in
      Array.blit !buf 0 b 0 !len;
      buf := b
    end;
    !buf.(!len) <- i;
    incr len
  done;
  let sum = ref 0 in
  for i = 0 to !len - 1 do
    sum := !sum + !buf.(i)
  done;
  Printf.printf "%d\n%d\n" !sum !len
