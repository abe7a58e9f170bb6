/* ffi.c — the runtime side of foreign function calls (§19).
 *
 * CodeGen calls a C function directly with the C types of its guji
 * signature; this file supplies what cannot be done inline:
 *   - Str arguments: C wants NUL-terminated bytes, a GjStr is (ptr, len)
 *     and may be a slice in the middle of another string, so each Str
 *     argument is copied, into a stack buffer of the caller when it is
 *     short (no allocation for the common case), else into malloc'd
 *     memory, freed right after the call;
 *   - Str results: the returned bytes are copied (C keeps its own), and a
 *     NULL is a panic naming the function rather than a crash later;
 *   - callbacks: a guji sub passed where C wants a function pointer is a
 *     libffi closure whose handler calls the guji closure through a
 *     generated GjCallFn thunk (CodeGen makes one per sub type, as for
 *     the map functions). It lives for the one extern call: C libraries
 *     that keep a callback pointer (atexit, signal) are out of reach.
 */
#include <ffi.h>
#include <stdlib.h>
#include <string.h>

#include "gujirt.h"
#include "rt_internal.h"

const char *gj_ffi_cstr(const GjStr *s, char *buf, int64_t cap) {
  int64_t n = s->len;
  char *p = n < cap ? buf : malloc((size_t)n + 1);
  if (!p)
    gj_rt_fatal("out of memory (a Str argument of a foreign function)");
  if (n)
    memcpy(p, s->ptr, (size_t)n);
  p[n] = 0;
  return p;
}

void gj_ffi_cstr_done(const char *p, const char *buf) {
  if (p != buf)
    free((void *)p);
}

/* §19: a returned `const char *` is copied into a new Str. */
GjStr *gj_ffi_str(const char *p, const char *fn, const GjLoc *loc) {
  if (!p) {
    static const char a[] = "foreign function ";
    static const char b[] = " returned a null pointer for its Str result";
    const char *parts[3] = {a, fn, b};
    size_t lens[3] = {sizeof a - 1, strlen(fn), sizeof b - 1};
    gj_rt_panic_parts(parts, lens, 3, loc);
  }
  return gj_rt_str_lossy(p, strlen(p));
}

enum { MAX_ARGS = 16 };

typedef struct Callback {
  ffi_closure *fc;
  void *code;
  ffi_cif cif;
  ffi_type *args[MAX_ARGS];
  void *closure;
  GjCallFn thunk;
  char ret;
} Callback;

static ffi_type *ffi_type_of(char c) {
  switch (c) {
  case 'i': return &ffi_type_sint64;
  case 'f': return &ffi_type_double;
  case 'b': return &ffi_type_uint8; /* C's bool on the ABIs guji targets */
  case 'c': return &ffi_type_uint32;
  case 'v': return &ffi_type_void;
  default: gj_rt_fatal("foreign callback: bad signature letter");
  }
}

/* libffi's handler: args[i] points at argument i in its C type, which is
 * the memory type the thunk loads (Bool one byte); a result narrower than
 * a register is widened to ffi_arg, as libffi requires. */
static void handler(ffi_cif *cif, void *ret, void **args, void *user) {
  (void)cif;
  Callback *cb = user;
  union { int64_t i; double f; uint8_t b; uint32_t c; } out = {0};
  cb->thunk(cb->closure, (void *const *)args, &out);
  switch (cb->ret) {
  case 'i': *(int64_t *)ret = out.i; break;
  case 'f': *(double *)ret = out.f; break;
  case 'b': *(ffi_arg *)ret = out.b; break;
  case 'c': *(ffi_arg *)ret = out.c; break;
  default: break;
  }
}

void *gj_ffi_callback(void *closure, GjCallFn thunk, const char *sig,
                      void **code) {
  Callback *cb = calloc(1, sizeof *cb);
  if (!cb)
    gj_rt_fatal("out of memory (a foreign callback)");
  cb->closure = closure;
  cb->thunk = thunk;
  cb->ret = sig[0];
  unsigned n = 0;
  for (const char *p = sig + 2; *p && n < MAX_ARGS; p++)
    cb->args[n++] = ffi_type_of(*p);
  cb->fc = ffi_closure_alloc(sizeof(ffi_closure), &cb->code);
  if (!cb->fc ||
      ffi_prep_cif(&cb->cif, FFI_DEFAULT_ABI, n, ffi_type_of(sig[0]),
                   cb->args) != FFI_OK ||
      ffi_prep_closure_loc(cb->fc, &cb->cif, handler, cb, cb->code) != FFI_OK)
    gj_rt_fatal("cannot make a C function pointer for a foreign callback "
                "(libffi)");
  *code = cb->code;
  return cb;
}

void gj_ffi_callback_free(void *handle) {
  Callback *cb = handle;
  ffi_closure_free(cb->fc);
  free(cb);
}
