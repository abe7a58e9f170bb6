// CollectionProg.h — the harness of list_test.cpp and map_test.cpp: GIR
// built by hand (no inc/dec: pass_rc inserts them, as in the compiler's
// pipeline), translated with cg_module, JIT'd in-process and run through
// gj_rt_start. The JIT gets the RtFns.def functions and the ones CodeGen
// declares by hand (lib/CodeGen/list.c, map.c); expect_main runs a program
// unoptimized, at -O0 and at -O2 and checks that gj_rt_live_objects is back
// where it was (no leaks). Include it once per test file, after the C
// headers (it opens and closes its own anonymous namespace).
#ifndef GUJI_UNITTESTS_COLLECTION_PROG_H
#define GUJI_UNITTESTS_COLLECTION_PROG_H

#define CG_PRAGMA(x) _Pragma(#x)
#define GJ_RT(id, cname, sig, flags) CG_PRAGMA(weak cname)
#include "guji/RtFns.def"
#undef GJ_RT
#define LIST_SYMS(X)                                                           \
  X(gj_stack_limit) X(gj_rt_start) X(gj_obj_alloc) X(gj_obj_free)              \
  X(gj_rt_live_objects) X(gj_list_new) X(gj_list_with_cap) X(gj_list_len)      \
  X(gj_list_push) X(gj_list_get) X(gj_list_set) X(gj_list_concat)              \
  X(gj_list_slice) X(gj_list_take) X(gj_list_drop) X(gj_list_eq)               \
  X(gj_list_cmp) X(gj_list_hash) X(gj_list_append_text) X(gj_list_sorted)      \
  X(gj_list_reversed) X(gj_list_contains) X(gj_list_index_of) X(gj_list_join)  \
  X(gj_hash_int) X(gj_type_int) X(gj_type_float) X(gj_type_bool)              \
  X(gj_type_char) X(gj_type_str) X(gj_type_unit) X(gj_type_list)            \
  X(gj_type_map) X(gj_map_new) X(gj_set_new) X(gj_map_len) X(gj_map_get)      \
  X(gj_map_index) X(gj_map_contains) X(gj_map_insert) X(gj_map_remove)       \
  X(gj_map_update) X(gj_map_merge) X(gj_map_map_values) X(gj_map_filter)     \
  X(gj_map_keys) X(gj_map_values) X(gj_map_pairs) X(gj_map_eq) X(gj_map_cmp) \
  X(gj_map_hash) X(gj_map_append_text) X(gj_set_add) X(gj_set_from_list)     \
  X(gj_set_union) X(gj_set_intersection) X(gj_set_difference)                \
  X(gj_set_to_list)
#define WEAK(name) CG_PRAGMA(weak name)
LIST_SYMS(WEAK)
#undef WEAK

namespace {

struct RtSym {
  const char *name;
  void *addr;
};

const std::vector<RtSym> &runtime_symbols() {
  static const std::vector<RtSym> syms = {
#define GJ_RT(id, cname, sig, flags) {#cname, (void *)&cname},
#include "guji/RtFns.def"
#undef GJ_RT
#define SYM(name) {#name, (void *)&name},
      LIST_SYMS(SYM)
#undef SYM
  };
  return syms;
}

bool runtime_linked() {
  for (const RtSym &rs : runtime_symbols())
    if (!rs.addr)
      return false;
  return true;
}

#define REQUIRE_RUNTIME()                                                      \
  do {                                                                         \
    if (!runtime_linked())                                                     \
      GTEST_SKIP() << "the runtime (gujirt_host) is not linked whole into "   \
                      "this test binary";                                      \
  } while (0)

std::string take_error(LLVMErrorRef e) {
  char *msg = LLVMGetErrorMessage(e);
  std::string s = msg;
  LLVMDisposeErrorMessage(msg);
  return s;
}

struct Prog {
  Session *s;
  SrcFile *file;
  GirModule *m;
  GirBuilder g;
  GirFunc *f = nullptr;
  std::string ir; // after pass_rc
  // Called with the JIT still alive, after main ran.
  std::function<void(LLVMOrcLLJITRef)> after;

  Prog() {
    s = session_new();
    std::string text;
    for (int i = 1; i <= 100; i++)
      text += "# line " + std::to_string(i) + " of the test program\n";
    file = src_add(s->sm, "test.guji", text.data(), text.size());
    m = gir_module_new(s->arena, "test.guji");
    g = GirBuilder{m, nullptr, nullptr};
    f = gir_func_new(m, "main", "guji.main", &gir_t_int, at(1));
    g.f = f;
    gir_set_block(&g, gir_block_new(m, f, nullptr));
    m->main = f;
    m->main_returns_int = true;
  }
  ~Prog() { session_free(s); }

  Span at(int line, int col = 1) {
    uint32_t off = file->line_starts[line - 1] + (uint32_t)(col - 1);
    return span_make(file->id, off, off + 1);
  }

  // ---- building ----
  const GirType *list_of(const GirType *t) { return gir_type_list(m, t); }
  GirValue i(int64_t v) { return gir_const_int(&g, v, at(2)); }
  GirValue fl(double v) { return gir_const_float(&g, v, at(2)); }
  GirValue b(bool v) { return gir_const_bool(&g, v, at(2)); }
  GirValue c(uint32_t v) { return gir_const_char(&g, v, at(2)); }
  GirValue str(const char *v) { return gir_const_str(&g, v, strlen(v), at(2)); }
  // A fresh (counted) Str, so lists of strings hold real references.
  GirValue dyn_str(const char *v) {
    GirValue cap = i(0);
    GirValue s0 = gir_call_rt(&g, GIR_RT_STR_WITH_CAP, &cap, 1, at(2));
    GirValue args[] = {s0, str(v)};
    return gir_call_rt(&g, GIR_RT_STR_APPEND_STR, args, 2, at(2));
  }
  GirValue list(const GirType *elem, std::vector<GirValue> xs, int line = 3) {
    return gir_list_new(&g, list_of(elem), xs.data(), (uint32_t)xs.size(),
                        at(line, 5));
  }
  GirValue op(GirOp o, const GirType *t, std::vector<GirValue> args,
              int line = 4) {
    return gir_op(&g, o, t, args.data(), (uint32_t)args.size(), at(line, 7));
  }
  GirValue lop(GirListFn fn, std::vector<GirValue> args) {
    return gir_list_op(&g, fn, args.data(), (uint32_t)args.size(), at(5));
  }
  const GirType *ty(GirValue v) { return gir_value_type(g.f, v); }
  // ---- maps ----
  const GirType *map_of(const GirType *k, const GirType *v) {
    return gir_type_map(m, k, v, false);
  }
  const GirType *set_of(const GirType *k) { return gir_type_map(m, k, nullptr, true); }
  GirValue mop(GirMapFn fn, const GirType *mt, const GirType *res,
               std::vector<GirValue> args, int line = 5) {
    return gir_map_op(&g, fn, mt, res, args.data(), (uint32_t)args.size(), at(line, 9));
  }
  GirValue mnew(const GirType *mt, std::vector<GirValue> xs) {
    return mop(GIR_MAP_NEW, mt, mt, xs, 3);
  }
  // MAP_OP on args[0]'s map type, the result type from the function
  GirValue mo(GirMapFn fn, std::vector<GirValue> args, int line = 5) {
    const GirType *mt = fn == GIR_SET_FROM_LIST ? set_of(ty(args[0])->elem) : ty(args[0]);
    const GirType *res = mt;
    switch (fn) {
    case GIR_MAP_LEN: res = &gir_t_int; break;
    case GIR_MAP_INDEX: case GIR_MAP_GET_OR: res = mt->elem; break;
    case GIR_MAP_CONTAINS: res = &gir_t_bool; break;
    case GIR_MAP_KEYS: case GIR_SET_TO_LIST: res = list_of(mt->key); break;
    case GIR_MAP_VALUES: res = list_of(mt->elem); break;
    default: break;
    }
    return mop(fn, mt, res, args, line);
  }
  GirValue sorted(GirValue l) { return lop(GIR_LIST_SORTED, {l}); }
  // (K, V) as lowering makes a tuple type
  GirType *tuple(const GirType *a, const GirType *b) {
    std::string name = std::string("(") + gir_type_name(a) + ", " + gir_type_name(b) + ")";
    GirType *t = gir_type_obj(m, arena_strdup(m->arena, name.c_str()), false, true, 1);
    GirCtor *gc = &t->ctors[0];
    gc->name = "";
    gc->nfields = 2;
    gc->fields = ARENA_ARRAY(m->arena, const GirType *, 2);
    gc->fields[0] = a;
    gc->fields[1] = b;
    gc->field_names = nullptr;
    return t;
  }
  const GirType *fn_type(std::vector<const GirType *> ps, const GirType *ret) {
    return gir_type_fn(m, ps.data(), (uint32_t)ps.size(), ret);
  }
  // A lifted sub as lowering makes one (the closure first, borrowed; then
  // fn_t's parameters), with `caps` its captures; `body` builds it from
  // (closure, params) while the builder is in it.
  GirFunc *lifted(const char *name, const GirType *fn_t,
                  std::vector<const GirType *> caps,
                  std::function<GirValue(GirValue, std::vector<GirValue>)> body) {
    std::string link = std::string("guji.") + name;
    GirFunc *lf = gir_func_new(m, name, arena_strdup(s->arena, link.c_str()),
                               fn_t->ret, at(20));
    lf->is_closure_body = true;
    lf->captures.data = ARENA_ARRAY(m->arena, const GirType *, caps.size() + 1);
    lf->captures.cap = caps.size() + 1;
    for (const GirType *t : caps)
      lf->captures.data[lf->captures.len++] = t;
    GirValue clo = gir_func_add_param(m, lf, fn_t);
    std::vector<GirValue> ps;
    for (uint32_t k = 0; k < fn_t->nparams; k++)
      ps.push_back(gir_func_add_param(m, lf, fn_t->params[k]));
    lf->param_borrowed = ARENA_ARRAY(m->arena, bool, lf->param_types.len);
    memset(lf->param_borrowed, 0, lf->param_types.len);
    lf->param_borrowed[0] = true;
    GirBuilder saved = g;
    g.f = lf;
    gir_set_block(&g, lf->blocks.data[0]);
    GirValue r = body(clo, ps);
    gir_ret(&g, r, at(20));
    g = saved;
    return lf;
  }
  GirValue closure(GirFunc *lf, const GirType *fn_t, std::vector<GirValue> caps) {
    return gir_closure_new(&g, lf, fn_t, caps.data(), (uint32_t)caps.size(), at(9));
  }

  GirValue get(GirValue l, GirValue idx, int line = 4) {
    return op(GIR_OP_LIST_GET, ty(l)->elem, {l, idx}, line);
  }
  // writes the text form of v (nested or not) and a newline
  void print(GirValue v, bool nested = false) {
    GirValue cap = i(0);
    GirValue buf = gir_call_rt(&g, GIR_RT_STR_WITH_CAP, &cap, 1, at(6));
    buf = gir_append_text(&g, buf, v, nested, at(6));
    GirValue args[] = {buf, i(GJ_WRITE_NL)};
    gir_call_rt(&g, GIR_RT_WRITE_STR, args, 2, at(6));
  }
  void print_int(GirValue v) {
    GirValue args[] = {v, i(GJ_WRITE_NL)};
    gir_call_rt(&g, GIR_RT_WRITE_INT, args, 2, at(6));
  }
  GirValue bool_int(GirValue v) { return gir_cmp(&g, v, b(false), at(6)); }

  // An object type as lowering makes one (records have field names).
  GirType *obj(const char *name, bool is_sum,
               std::vector<std::pair<const char *,
                                     std::vector<std::pair<const char *, const GirType *>>>>
                   ctors) {
    Arena *a = m->arena;
    GirType *t = gir_type_obj(m, arena_strdup(a, name), is_sum, false,
                              (uint32_t)ctors.size());
    for (size_t k = 0; k < ctors.size(); k++) {
      GirCtor *gc = &t->ctors[k];
      uint32_t n = (uint32_t)ctors[k].second.size();
      gc->name = arena_strdup(a, ctors[k].first);
      gc->nfields = n;
      gc->fields = ARENA_ARRAY(a, const GirType *, n ? n : 1);
      gc->field_names = is_sum ? nullptr : ARENA_ARRAY(a, const char *, n ? n : 1);
      for (uint32_t j = 0; j < n; j++) {
        gc->fields[j] = ctors[k].second[j].second ? ctors[k].second[j].second : t;
        if (!is_sum)
          gc->field_names[j] = arena_strdup(a, ctors[k].second[j].first);
      }
    }
    return t;
  }
  GirType *point() {
    return obj("Point", false, {{"Point", {{"x", &gir_t_float}, {"y", &gir_t_float}}}});
  }
  GirValue mk(const GirType *t, uint32_t ctor, std::vector<GirValue> fields) {
    return gir_new(&g, t, ctor, fields.data(), (uint32_t)fields.size(), at(7));
  }

  void ret(GirValue v) { gir_ret(&g, v, at(8)); }

  // ---- running ----
  LLVMModuleRef codegen(LLVMContextRef ctx, bool debug) {
    char *buf = nullptr;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    bool ok = gir_verify_module(m, errs);
    fclose(errs);
    EXPECT_TRUE(ok) << buf;
    free(buf);
    pass_rc(m);
    char *text = gir_module_to_string(m, s->sm);
    ir = text;
    free(text);
    errs = open_memstream(&buf, &len);
    ok = gir_verify_module(m, errs);
    fclose(errs);
    EXPECT_TRUE(ok) << buf << ir;
    free(buf);
    CgOptions o = jit_cg_options();
    o.debug = debug;
    LLVMModuleRef mod = cg_module(s, m, ctx, &o);
    if (!mod) {
      char *d = diag_render_to_string(s->diag);
      ADD_FAILURE() << "cg_module failed:\n" << d << ir;
      free(d);
      return nullptr;
    }
    char *msg = nullptr;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg))
      ADD_FAILURE() << "invalid LLVM module:\n" << msg;
    LLVMDisposeMessage(msg);
    return mod;
  }

  int run(int opt = 0, bool debug = false) {
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    LLVMInitializeNativeAsmParser(); // the stack check's inline asm
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
    LLVMModuleRef mod = codegen(ctx, debug);
    if (!mod)
      return -1;
    if (after) { // expose the descriptors: i.e. `ptr @test.desc.Point()`
      for (LLVMValueRef gl = LLVMGetFirstGlobal(mod); gl; gl = LLVMGetNextGlobal(gl)) {
        size_t n;
        const char *name = LLVMGetValueName2(gl, &n);
        if (strncmp(name, "gj.type.", 8) != 0 || strncmp(name, "gj.type.name", 12) == 0)
          continue;
        std::string fname = std::string("test.desc.") + (name + 8);
        LLVMTypeRef fty = LLVMFunctionType(LLVMPointerTypeInContext(ctx, 0), nullptr, 0, 0);
        LLVMValueRef fn = LLVMAddFunction(mod, fname.c_str(), fty);
        LLVMBuilderRef bld = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(bld, LLVMAppendBasicBlockInContext(ctx, fn, ""));
        LLVMBuildRet(bld, gl);
        LLVMDisposeBuilder(bld);
      }
    }
    if (opt >= 0) {
      LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
      std::string pipeline = "default<O" + std::to_string(opt) + ">";
      LLVMErrorRef e = LLVMRunPasses(mod, pipeline.c_str(), nullptr, pbo);
      LLVMDisposePassBuilderOptions(pbo);
      if (e) {
        ADD_FAILURE() << take_error(e);
        return -1;
      }
    }
    LLVMOrcLLJITRef jit;
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit, LLVMOrcCreateLLJITBuilder());
    if (e) {
      ADD_FAILURE() << take_error(e);
      return -1;
    }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(jit);
    std::vector<LLVMOrcCSymbolMapPair> pairs;
    for (const RtSym &rs : runtime_symbols()) {
      LLVMOrcCSymbolMapPair p;
      p.Name = LLVMOrcLLJITMangleAndIntern(jit, rs.name);
      p.Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)rs.addr;
      p.Sym.Flags.GenericFlags =
          LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
      p.Sym.Flags.TargetFlags = 0;
      pairs.push_back(p);
    }
    e = LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs.data(), pairs.size()));
    EXPECT_EQ(e, nullptr);
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(mod, tsc);
    LLVMOrcDisposeThreadSafeContext(tsc);
    e = LLVMOrcLLJITAddLLVMIRModule(jit, jd, tsm);
    EXPECT_EQ(e, nullptr);
    LLVMOrcExecutorAddress addr = 0;
    e = LLVMOrcLLJITLookup(jit, &addr, "gj_program_main");
    if (e) {
      ADD_FAILURE() << take_error(e);
      return -1;
    }
    char prog[] = "test.guji";
    char *argv[] = {prog, nullptr};
    int status = gj_rt_start(1, argv, (int64_t(*)(void))(uintptr_t)addr);
    if (after)
      after(jit);
    LLVMOrcDisposeLLJIT(jit);
    return status;
  }
};

// Builds main with `body` (returning main's Int result) and runs it at
// each optimization level: checks the result, stdout and that every object
// is freed again.
void expect_main(std::function<GirValue(Prog &)> body, int64_t want,
                 const std::string &want_out = "") {
  for (int opt : {-1, 0, 2}) {
    Prog p;
    p.ret(body(p));
    int64_t before = gj_rt_live_objects();
    testing::internal::CaptureStdout();
    int status = p.run(opt);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(status, want) << "opt " << opt << "\n" << p.ir;
    EXPECT_EQ(out, want_out) << "opt " << opt << "\n" << p.ir;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt << "\n" << p.ir;
  }
}

} // namespace

#endif
