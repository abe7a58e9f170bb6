/* value.c — the interpreter's values in memory: objects, closures, their
 * counts, the derived operations (§4, §13), sharing (§16), and the C
 * functions the runtime calls back (descriptors, thunks, task entries).
 *
 * Layouts are CodeGen's to the byte: an object is the GjHeader {rc, kind
 * GJ_KIND_OBJ, flags = tag}, then its constructor's stored fields as a C
 * struct (Bool one byte, Char four, the rest eight, each at its natural
 * alignment; gir_ctor_size agrees); a constructor without stored fields is
 * one immortal header. A closure is {header, code, drop, mark, captures…}
 * (closure.c) with the captures laid out the same way from offset 32.
 * `code` holds the lifted GirFunc and `drop` and `mark` the interpreter's
 * IFunc (NULL for an immortal closure without captures): the runtime
 * never calls them (gujirt.h: "compiled code makes, calls and drops these
 * itself") — it reaches closures only through GjCallFn thunks and task
 * entries, which are real C functions here (libffi closures).
 *
 * Counting follows obj.c / mem.c: rc > 0 plain, rc < 0 atomic (the dec
 * that takes -1 to 0 frees, after an acquire fence), rc 0 immortal. A
 * drop frees the object, decs all but its last counted field, and goes on
 * with the last one in a loop (obj.c's musttail), so a long chain of
 * `Cons` drops in constant C stack; sharing walks a chain the same way.
 *
 * The runtime sees object elements through GjType descriptors whose
 * functions are libffi closures (ffi_prep_closure_loc) with the element's
 * GirType as user data, calling the generic C code below.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

/* ---- memory of scalar values -------------------------------------------- */

uint32_t iv_mem_size(const GirType *t) {
  switch (t->kind) {
  case GIR_T_UNIT: return 0;
  case GIR_T_BOOL: return 1;
  case GIR_T_CHAR: return 4;
  default: return 8;
  }
}

Slot iv_load(const GirType *t, const void *p) {
  switch (t->kind) {
  case GIR_T_UNIT: return 0;
  case GIR_T_BOOL: return *(const uint8_t *)p != 0;
  case GIR_T_CHAR: return *(const uint32_t *)p;
  default: {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
  }
  }
}

void iv_store(const GirType *t, void *p, Slot v) {
  switch (t->kind) {
  case GIR_T_UNIT: return;
  case GIR_T_BOOL: *(uint8_t *)p = (uint8_t)(v != 0); return;
  case GIR_T_CHAR: *(uint32_t *)p = (uint32_t)v; return;
  default: memcpy(p, &v, 8); return;
  }
}

uint32_t iv_nstored(const GirCtor *c) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < c->nfields; i++)
    n += c->fields[i]->kind != GIR_T_UNIT;
  return n;
}

bool iv_counted(const GirType *t) {
  switch (t->kind) {
  case GIR_T_STR: case GIR_T_FN: case GIR_T_LIST: case GIR_T_MAP:
  case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_REGEX: case GIR_T_MATCH:
  case GIR_T_HANDLE:
    return true;
  case GIR_T_OBJ:
    for (uint32_t c = 0; c < t->nctors; c++)
      if (iv_nstored(&t->ctors[c]))
        return true;
    return false;
  default: return false;
  }
}

/* ---- layouts -------------------------------------------------------------- */

/* C struct layout of `n` fields after `start` bytes; offsets into off
 * (NULL: only the size). */
static uint32_t layout(const GirType *const *fields, uint32_t n, uint32_t start,
                       uint32_t *off) {
  uint32_t o = start, align = 4;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t sz = iv_mem_size(fields[i]);
    if (!sz) {
      if (off) off[i] = o;
      continue;
    }
    o = (o + sz - 1) / sz * sz;
    if (off) off[i] = o;
    o += sz;
    if (sz > align) align = sz;
  }
  return (o + align - 1) / align * align;
}

void iv_layout_types(Interp *in) {
  const GirModule *m = in->m;
  in->types = calloc(m->types.len + 1, sizeof *in->types);
  for (size_t i = 0; i < m->types.len; i++) {
    const GirType *t = m->types.data[i];
    IType *it = &in->types[i];
    it->ctors = calloc(t->nctors + 1, sizeof *it->ctors);
    for (uint32_t c = 0; c < t->nctors; c++) {
      const GirCtor *ct = &t->ctors[c];
      ICtor *ic = &it->ctors[c];
      ic->off = calloc(ct->nfields + 1, sizeof *ic->off);
      ic->size = layout(ct->fields, ct->nfields, 8, ic->off);
      if (!iv_nstored(ct)) {
        ic->stat = calloc(1, sizeof(GjHeader) + 8);
        ic->stat->rc = 0;
        ic->stat->kind = GJ_KIND_OBJ;
        ic->stat->flags = (uint16_t)c;
      }
    }
  }
}

static const ICtor *ctor_of(Interp *in, const GirType *t, uint32_t c) {
  return &in->types[t->id].ctors[c];
}

enum { CLO_CODE = 8, CLO_DROP = 16, CLO_MARK = 24, CLO_CAPS = 32 };

uint32_t iv_capture_off(const GirFunc *f, uint32_t i) {
  /* small: captures are few; computed on each CAPTURE */
  uint32_t o = CLO_CAPS;
  for (uint32_t k = 0; k <= i; k++) {
    uint32_t sz = iv_mem_size(f->captures.data[k]);
    if (sz) o = (o + sz - 1) / sz * sz;
    if (k == i) return o;
    o += sz;
  }
  return o;
}

uint32_t iv_closure_size(const GirFunc *f) {
  return layout(f->captures.data, (uint32_t)f->captures.len, CLO_CAPS, NULL);
}

/* ---- objects ---------------------------------------------------------------- */

static uint16_t tag_of(const void *p) { return ((const GjHeader *)p)->flags; }

Slot iv_obj_build(Interp *in, const GirType *t, uint32_t ctor, void *mem,
                  const Slot *f) {
  const GirCtor *c = &t->ctors[ctor];
  const ICtor *ic = ctor_of(in, t, ctor);
  if (!mem)
    mem = in->rt.gj_obj_alloc(ic->size, GJ_KIND_OBJ);
  GjHeader *h = mem;
  h->rc = 1;
  h->kind = GJ_KIND_OBJ;
  h->flags = (uint16_t)ctor;
  for (uint32_t i = 0, k = 0; i < c->nfields; i++)
    if (c->fields[i]->kind != GIR_T_UNIT)
      iv_store(c->fields[i], (char *)mem + ic->off[i], f[k++]);
  return (Slot)(uintptr_t)mem;
}

Slot iv_obj_new(Interp *in, const GirType *t, uint32_t ctor, const Slot *f) {
  const ICtor *ic = ctor_of(in, t, ctor);
  if (ic->stat)
    return (Slot)(uintptr_t)ic->stat;
  return iv_obj_build(in, t, ctor, NULL, f);
}

/* ---- counts ------------------------------------------------------------------ */

static _Atomic int32_t *rcp(void *p) { return (_Atomic int32_t *)p; }

static int32_t rc_load(void *p) {
  return atomic_load_explicit(rcp(p), memory_order_relaxed);
}

static void rc_inc_obj(void *p) {
  int32_t rc = rc_load(p);
  if (rc > 0)
    atomic_store_explicit(rcp(p), rc + 1, memory_order_relaxed);
  else if (rc < 0)
    atomic_fetch_sub_explicit(rcp(p), 1, memory_order_relaxed);
}

/* true when this dec released the last reference (the caller drops) */
static bool rc_dec_obj(void *p) {
  int32_t rc = rc_load(p);
  if (rc > 1) {
    atomic_store_explicit(rcp(p), rc - 1, memory_order_relaxed);
    return false;
  }
  if (rc == 1)
    return true;
  if (rc < 0) {
    int32_t old = atomic_fetch_add_explicit(rcp(p), 1, memory_order_release);
    if (old == -1) {
      atomic_thread_fence(memory_order_acquire);
      return true;
    }
  }
  return false;
}

static bool is_runtime_counted(const GirType *t) {
  switch (t->kind) {
  case GIR_T_STR: case GIR_T_LIST: case GIR_T_MAP: case GIR_T_CHAN:
  case GIR_T_TASK: case GIR_T_REGEX: case GIR_T_MATCH: case GIR_T_HANDLE:
    return true;
  default: return false;
  }
}

void iv_inc(Interp *in, const GirType *t, Slot v) {
  void *p = (void *)(uintptr_t)v;
  if (is_runtime_counted(t))
    in->rt.gj_inc(p);
  else if ((t->kind == GIR_T_FN || t->kind == GIR_T_OBJ) && iv_counted(t) && p)
    rc_inc_obj(p);
}

/* Frees object / closure p (its last reference is gone) and releases its
 * fields; the last counted field continues the loop (see the header). */
static void drop_loop(Interp *in, const GirType *t, void *p) {
  for (;;) {
    const GirType *last_t = NULL;
    Slot last = 0;
    if (t->kind == GIR_T_FN) {
      const GirFunc *f = *(const GirFunc **)((char *)p + CLO_CODE);
      uint32_t size = iv_closure_size(f);
      Slot vals[64];
      const GirType *tys[64];
      uint32_t n = 0;
      for (size_t i = 0; i < f->captures.len && n < 64; i++) {
        const GirType *ct = f->captures.data[i];
        if (!iv_counted(ct)) continue;
        tys[n] = ct;
        vals[n++] = iv_load(ct, (char *)p + iv_capture_off(f, (uint32_t)i));
      }
      in->rt.gj_obj_free(p, size);
      for (uint32_t i = 0; i + 1 < n; i++)
        iv_dec(in, tys[i], vals[i]);
      if (n) { last_t = tys[n - 1]; last = vals[n - 1]; }
    } else {
      uint32_t c = tag_of(p);
      const GirCtor *ct = &t->ctors[c];
      const ICtor *ic = ctor_of(in, t, c);
      Slot vals[64];
      const GirType *tys[64];
      uint32_t n = 0;
      for (uint32_t i = 0; i < ct->nfields && n < 64; i++) {
        if (!iv_counted(ct->fields[i])) continue;
        tys[n] = ct->fields[i];
        vals[n++] = iv_load(ct->fields[i], (char *)p + ic->off[i]);
      }
      in->rt.gj_obj_free(p, ic->size);
      for (uint32_t i = 0; i + 1 < n; i++)
        iv_dec(in, tys[i], vals[i]);
      if (n) { last_t = tys[n - 1]; last = vals[n - 1]; }
    }
    if (!last_t)
      return;
    if (last_t->kind != GIR_T_OBJ && last_t->kind != GIR_T_FN) {
      iv_dec(in, last_t, last);
      return;
    }
    void *q = (void *)(uintptr_t)last;
    if (!q || !rc_dec_obj(q))
      return;
    t = last_t;
    p = q;
  }
}

void iv_dec(Interp *in, const GirType *t, Slot v) {
  void *p = (void *)(uintptr_t)v;
  if (is_runtime_counted(t)) {
    in->rt.gj_dec(p);
    return;
  }
  if ((t->kind == GIR_T_FN || t->kind == GIR_T_OBJ) && iv_counted(t) && p &&
      rc_dec_obj(p))
    drop_loop(in, t, p);
}

/* ---- equality, order, text ------------------------------------------------- */

static double as_f(Slot v) {
  double d;
  memcpy(&d, &v, 8);
  return d;
}

bool iv_eq(Interp *in, const GirType *t, Slot a, Slot b) {
  switch (t->kind) {
  case GIR_T_UNIT: return true;
  case GIR_T_INT: case GIR_T_BOOL: case GIR_T_CHAR: return a == b;
  case GIR_T_FLOAT: return as_f(a) == as_f(b);
  case GIR_T_STR: return in->rt.gj_str_eq((void *)a, (void *)b);
  case GIR_T_LIST: return in->rt.gj_list_eq((void *)a, (void *)b);
  case GIR_T_MAP: return in->rt.gj_map_eq((void *)a, (void *)b);
  case GIR_T_OBJ: {
    void *pa = (void *)a, *pb = (void *)b;
    uint32_t c = tag_of(pa);
    if (t->nctors > 1 && c != tag_of(pb)) return false;
    if (t->nctors == 1) c = 0;
    const GirCtor *ct = &t->ctors[c];
    const ICtor *ic = ctor_of(in, t, c);
    for (uint32_t i = 0; i < ct->nfields; i++) {
      const GirType *ft = ct->fields[i];
      if (ft->kind == GIR_T_UNIT) continue;
      if (!iv_eq(in, ft, iv_load(ft, (char *)pa + ic->off[i]),
                 iv_load(ft, (char *)pb + ic->off[i])))
        return false;
    }
    return true;
  }
  default: interp_fatal(in, "equality of a type without one");
  }
}

static int64_t three(bool gt, bool lt) { return (int64_t)gt - (int64_t)lt; }

int64_t iv_cmp(Interp *in, const GirType *t, Slot a, Slot b) {
  switch (t->kind) {
  case GIR_T_UNIT: return 0;
  case GIR_T_INT: return three((int64_t)a > (int64_t)b, (int64_t)a < (int64_t)b);
  case GIR_T_BOOL: case GIR_T_CHAR: return three(a > b, a < b);
  case GIR_T_FLOAT: return three(as_f(a) > as_f(b), as_f(a) < as_f(b));
  case GIR_T_STR: return in->rt.gj_str_cmp((void *)a, (void *)b);
  case GIR_T_LIST: return in->rt.gj_list_cmp((void *)a, (void *)b);
  case GIR_T_MAP: return in->rt.gj_map_cmp((void *)a, (void *)b);
  case GIR_T_OBJ: {
    void *pa = (void *)a, *pb = (void *)b;
    uint32_t c = t->nctors > 1 ? tag_of(pa) : 0;
    if (t->nctors > 1) {
      uint32_t cb = tag_of(pb);
      if (c != cb) return c < cb ? -1 : 1;
    }
    const GirCtor *ct = &t->ctors[c];
    const ICtor *ic = ctor_of(in, t, c);
    for (uint32_t i = 0; i < ct->nfields; i++) {
      const GirType *ft = ct->fields[i];
      if (ft->kind == GIR_T_UNIT) continue;
      int64_t r = iv_cmp(in, ft, iv_load(ft, (char *)pa + ic->off[i]),
                         iv_load(ft, (char *)pb + ic->off[i]));
      if (r) return r;
    }
    return 0;
  }
  default: interp_fatal(in, "order of a type without one");
  }
}

static GjStr *piece(Interp *in, GjStr *buf, const char *s) {
  GjStr lit = {{0, GJ_KIND_STR, 0}, (int64_t)strlen(s), s, 0, NULL};
  return in->rt.gj_str_append_str(buf, &lit);
}

/* obj.c's text_range: `1..4`, `(1..4).rev()`, written by the runtime. */
static GjStr *text_range(Interp *in, const GirType *t, GjStr *buf, void *v) {
  const GirCtor *ct = &t->ctors[0];
  const ICtor *ic = ctor_of(in, t, 0);
  Slot f[5];
  for (uint32_t i = 0; i < 5; i++)
    f[i] = iv_load(ct->fields[i], (char *)v + ic->off[i]);
  return in->rt.gj_str_append_range(buf, (int64_t)f[0], (int64_t)f[1], f[2] != 0,
                                    (int64_t)f[3], f[4] != 0);
}

/* obj.c's text_ctor: `Point { x: 1.0 }`, `(1, "a")`, `Some(3)`, `None`. */
static GjStr *text_obj(Interp *in, const GirType *t, GjStr *buf, void *v) {
  if (t->is_range)
    return text_range(in, t, buf, v);
  uint32_t c = t->nctors > 1 ? tag_of(v) : 0;
  const GirCtor *ct = &t->ctors[c];
  const ICtor *ic = ctor_of(in, t, c);
  bool record = !t->is_sum && !t->is_tuple && ct->field_names;
  if (!t->is_tuple)
    buf = piece(in, buf, ct->name);
  if (!ct->nfields) {
    if (t->is_tuple) buf = piece(in, buf, "()");
    else if (record) buf = piece(in, buf, " {}");
    return buf;
  }
  buf = piece(in, buf, record ? " { " : "(");
  for (uint32_t i = 0; i < ct->nfields; i++) {
    if (i) buf = piece(in, buf, ", ");
    if (record) {
      buf = piece(in, buf, ct->field_names[i]);
      buf = piece(in, buf, ": ");
    }
    const GirType *ft = ct->fields[i];
    if (ft->kind == GIR_T_UNIT) {
      buf = piece(in, buf, "()");
      continue;
    }
    buf = iv_append_text(in, ft, buf, iv_load(ft, (char *)v + ic->off[i]), true);
  }
  return piece(in, buf, record ? " }" : ")");
}

GjStr *iv_append_text(Interp *in, const GirType *t, GjStr *buf, Slot v,
                      bool nested) {
  InterpRt *rt = &in->rt;
  switch (t->kind) {
  case GIR_T_UNIT: return rt->gj_str_append_unit(buf);
  case GIR_T_INT: return rt->gj_str_append_int(buf, (int64_t)v);
  case GIR_T_FLOAT: return rt->gj_str_append_float(buf, as_f(v));
  case GIR_T_BOOL: return rt->gj_str_append_bool(buf, v != 0);
  case GIR_T_CHAR:
    return nested ? rt->gj_str_append_char_quoted(buf, (uint32_t)v)
                  : rt->gj_str_append_char(buf, (uint32_t)v);
  case GIR_T_STR:
    return nested ? rt->gj_str_append_quoted(buf, (void *)v)
                  : rt->gj_str_append_str(buf, (void *)v);
  case GIR_T_OBJ: return text_obj(in, t, buf, (void *)v);
  case GIR_T_LIST: return rt->gj_list_append_text(buf, (void *)v);
  case GIR_T_MAP: return rt->gj_map_append_text(buf, (void *)v);
  case GIR_T_REGEX: return rt->gj_regex_append_text(buf, (void *)v);
  case GIR_T_MATCH: return rt->gj_match_append_text(buf, (void *)v);
  default: interp_fatal(in, "text form of a type without one");
  }
}

/* ---- sharing (§16, task.c) ---------------------------------------------------- */

void iv_share(Interp *in, const GirType *t, Slot v) {
  for (;;) {
    void *p = (void *)(uintptr_t)v;
    switch (t->kind) {
    case GIR_T_STR: case GIR_T_LIST: case GIR_T_MAP: case GIR_T_REGEX:
    case GIR_T_MATCH: case GIR_T_HANDLE:
      in->rt.gj_mark_shared(p);
      return;
    case GIR_T_FN: {
      /* closure.c's mark: captures first, then the closure itself */
      if (!p || !*(void **)((char *)p + CLO_MARK) || rc_load(p) <= 0)
        return;
      const GirFunc *f = *(const GirFunc **)((char *)p + CLO_CODE);
      for (size_t i = 0; i < f->captures.len; i++) {
        const GirType *ct = f->captures.data[i];
        if (iv_counted(ct))
          iv_share(in, ct, iv_load(ct, (char *)p + iv_capture_off(f, (uint32_t)i)));
      }
      in->rt.gj_mark_shared(p);
      return;
    }
    case GIR_T_OBJ: {
      if (!iv_counted(t) || !p || rc_load(p) <= 0)
        return;
      in->rt.gj_mark_shared(p);
      uint32_t c = t->nctors > 1 ? tag_of(p) : 0;
      const GirCtor *ct = &t->ctors[c];
      const ICtor *ic = ctor_of(in, t, c);
      int last = -1;
      for (uint32_t i = 0; i < ct->nfields; i++)
        if (iv_counted(ct->fields[i])) last = (int)i;
      if (last < 0) return;
      for (int i = 0; i < last; i++)
        if (iv_counted(ct->fields[i]))
          iv_share(in, ct->fields[i], iv_load(ct->fields[i], (char *)p + ic->off[i]));
      t = ct->fields[last];
      v = iv_load(t, (char *)p + ic->off[last]);
      continue;
    }
    default: return; /* scalars; tasks and channels are born shared */
    }
  }
}

/* ---- C-callable pieces -------------------------------------------------------- */

Callable *iv_callable(Interp *in, ffi_type *ret, ffi_type **args,
                      unsigned nargs, void (*fn)(ffi_cif *, void *, void **,
                                                 void *),
                      const GirType *t) {
  Callable *c = calloc(1, sizeof *c);
  if (!c) interp_fatal(in, "out of memory");
  c->in = in;
  c->t = t;
  for (unsigned i = 0; i < nargs && i < 4; i++)
    c->args[i] = args[i];
  c->fc = ffi_closure_alloc(sizeof(ffi_closure), &c->code);
  if (!c->fc || ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, nargs, ret, c->args) != FFI_OK ||
      ffi_prep_closure_loc(c->fc, &c->cif, fn, c, c->code) != FFI_OK)
    interp_fatal(in, "libffi cannot make a closure");
  if (in->ncallables == in->capcallables) {
    in->capcallables = in->capcallables ? in->capcallables * 2 : 32;
    in->callables = realloc(in->callables, in->capcallables * sizeof *in->callables);
  }
  /* the record itself must not move (libffi keeps its address): keep a
   * pointer list of them (callables[i] holds the address) */
  in->callables[in->ncallables++] = c;
  return c;
}

#define ELEM(args, i) (**(void *const *const *)(args)[i])

static void h_inc(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)ret;
  Callable *c = ud;
  iv_inc(c->in, c->t, (Slot)(uintptr_t)ELEM(args, 0));
}

static void h_dec(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)ret;
  Callable *c = ud;
  iv_dec(c->in, c->t, (Slot)(uintptr_t)ELEM(args, 0));
}

static void h_share(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)ret;
  Callable *c = ud;
  iv_share(c->in, c->t, (Slot)(uintptr_t)ELEM(args, 0));
}

static void h_eq(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif;
  Callable *c = ud;
  *(ffi_arg *)ret = iv_eq(c->in, c->t, (Slot)(uintptr_t)ELEM(args, 0),
                          (Slot)(uintptr_t)ELEM(args, 1));
}

static void h_cmp(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif;
  Callable *c = ud;
  *(int64_t *)ret = iv_cmp(c->in, c->t, (Slot)(uintptr_t)ELEM(args, 0),
                           (Slot)(uintptr_t)ELEM(args, 1));
}

static void h_text(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif;
  Callable *c = ud;
  GjStr *buf = *(GjStr **)args[0];
  *(void **)ret = iv_append_text(c->in, c->t, buf,
                                 (Slot)(uintptr_t)ELEM(args, 1), true);
}

/* list.c's body_hash: the tag (sums), then each stored field through its
 * own descriptor, each result the next seed. */
static void h_hash(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif;
  Callable *c = ud;
  Interp *in = c->in;
  const GirType *t = c->t;
  void *v = ELEM(args, 0);
  uint64_t seed = *(uint64_t *)args[1];
  uint32_t tag = t->nctors > 1 ? tag_of(v) : 0;
  if (t->is_sum)
    seed = in->rt.gj_hash_int(tag, seed);
  const GirCtor *ct = &t->ctors[tag];
  const ICtor *ic = ctor_of(in, t, tag);
  for (uint32_t i = 0; i < ct->nfields; i++) {
    const GirType *ft = ct->fields[i];
    if (ft->kind == GIR_T_UNIT) continue;
    seed = iv_desc(in, ft)->hash((char *)v + ic->off[i], seed);
  }
  *(uint64_t *)ret = seed;
}

/* Does a value of type t have equality (what = 0) or a text form (1)?
 * list.c's has_rec. */
static bool has_rec(const GirType *t, int what, const GirType **seen, int n) {
  switch (t->kind) {
  case GIR_T_FN: case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_HANDLE:
    return false;
  case GIR_T_REGEX: case GIR_T_MATCH: return what == 1;
  case GIR_T_LIST: return has_rec(t->elem, what, seen, n);
  case GIR_T_MAP:
    return has_rec(t->key, what, seen, n) && has_rec(t->elem, what, seen, n);
  case GIR_T_OBJ:
    for (int i = 0; i < n; i++)
      if (seen[i] == t) return true;
    if (n == 64) return true;
    seen[n++] = t;
    for (uint32_t c = 0; c < t->nctors; c++)
      for (uint32_t f = 0; f < t->ctors[c].nfields; f++)
        if (!has_rec(t->ctors[c].fields[f], what, seen, n)) return false;
    return true;
  default: return true;
  }
}

static bool has(const GirType *t, int what) {
  const GirType *seen[64];
  return has_rec(t, what, seen, 0);
}

static void *code_of(Callable *c) { return c->code; }

void iv_make_descriptors(Interp *in) {
  ffi_type *p1[] = {&ffi_type_pointer}, *pp[] = {&ffi_type_pointer, &ffi_type_pointer};
  ffi_type *pu[] = {&ffi_type_pointer, &ffi_type_uint64};
  const GirModule *m = in->m;
  for (size_t i = 0; i < m->types.len; i++) {
    const GirType *t = m->types.data[i];
    GjType *d = &in->types[i].desc;
    bool counted = iv_counted(t), eq = has(t, 0), text = has(t, 1);
    d->size = 8;
    d->flags = counted ? GJ_TYPE_HEAP : 0;
    d->name = t->name;
    if (counted) {
      d->inc = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_inc, t));
      d->dec = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_dec, t));
      d->share = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_share, t));
    }
    if (eq) {
      d->eq = code_of(iv_callable(in, &ffi_type_uint8, pp, 2, h_eq, t));
      d->cmp = code_of(iv_callable(in, &ffi_type_sint64, pp, 2, h_cmp, t));
      d->hash = code_of(iv_callable(in, &ffi_type_uint64, pu, 2, h_hash, t));
    }
    if (text)
      d->append_text = code_of(iv_callable(in, &ffi_type_pointer, pp, 2, h_text, t));
  }
  /* list.c's fn_desc: subs count through the closure protocol; tasks,
   * channels and handles through gj_inc / gj_dec */
  static const GirType any_fn = {.kind = GIR_T_FN};
  static const GirType any_chan = {.kind = GIR_T_CHAN};
  GjType *s = &in->sub_desc;
  s->size = 8;
  s->flags = GJ_TYPE_HEAP;
  s->name = "sub";
  s->inc = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_inc, &any_fn));
  s->dec = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_dec, &any_fn));
  s->share = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_share, &any_fn));
  GjType *h = &in->shared_desc;
  h->size = 8;
  h->flags = GJ_TYPE_HEAP;
  h->name = "handle";
  h->inc = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_inc, &any_chan));
  h->dec = code_of(iv_callable(in, &ffi_type_void, p1, 1, h_dec, &any_chan));
}

const GjType *iv_desc(Interp *in, const GirType *t) {
  InterpRt *rt = &in->rt;
  switch (t->kind) {
  case GIR_T_UNIT: return rt->type_unit;
  case GIR_T_INT: return rt->type_int;
  case GIR_T_FLOAT: return rt->type_float;
  case GIR_T_BOOL: return rt->type_bool;
  case GIR_T_CHAR: return rt->type_char;
  case GIR_T_STR: return rt->type_str;
  case GIR_T_LIST: return rt->type_list;
  case GIR_T_MAP: return rt->type_map;
  case GIR_T_REGEX: return rt->type_regex;
  case GIR_T_MATCH: return rt->type_match;
  case GIR_T_OBJ: return &in->types[t->id].desc;
  case GIR_T_FN: return &in->sub_desc;
  case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_HANDLE: return &in->shared_desc;
  default: interp_fatal(in, "a descriptor of a non-value type");
  }
}

/* ---- thunks and task entries ---------------------------------------------------- */

/* map.c's thunk: args[i] points at argument i (Unit ones skipped), the
 * closure is borrowed, the result stored to *out. */
static void h_thunk(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)ret;
  Callable *c = ud;
  Slot clo = (Slot)(uintptr_t)*(void **)args[0];
  void *const *argv = *(void *const **)args[1];
  void *out = *(void **)args[2];
  Slot vals[16];
  uint32_t n = 0;
  for (unsigned i = 0; i < c->nrt_args; i++)
    if (c->rt_args[i]->kind != GIR_T_UNIT)
      vals[n++] = iv_load(c->rt_args[i], argv[i]);
  Slot r = interp_call_closure(c->in, clo, vals, n);
  if (c->t->ret->kind != GIR_T_UNIT)
    iv_store(c->t->ret, out, r);
}

Callable *iv_thunk(Interp *in, const GirType *fn_t, const GirType *const *args,
                   unsigned nargs) {
  ffi_type *ps[] = {&ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer};
  Callable *c = iv_callable(in, &ffi_type_void, ps, 3, h_thunk, fn_t);
  for (unsigned i = 0; i < nargs && i < 16; i++)
    c->rt_args[i] = args[i];
  c->nrt_args = nargs < 16 ? nargs : 16;
  return c;
}

/* task.c's gj.spawn.N: runs the closure, stores its result, drops it. */
static void h_spawn(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)ret;
  Callable *c = ud;
  Slot clo = (Slot)(uintptr_t)*(void **)args[0];
  void *out = *(void **)args[1];
  Slot r = interp_call_closure(c->in, clo, NULL, 0);
  if (c->t->ret->kind != GIR_T_UNIT)
    iv_store(c->t->ret, out, r);
  iv_dec(c->in, c->t, clo);
}

Callable *iv_spawner(Interp *in, const GirType *fn_t) {
  ffi_type *ps[] = {&ffi_type_pointer, &ffi_type_pointer};
  return iv_callable(in, &ffi_type_void, ps, 2, h_spawn, fn_t);
}
