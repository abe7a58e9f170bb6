// map_test.cpp — CodeGen of Map[K, V] and Set[T] (§15): GIR built by hand
// (no inc/dec: pass_rc inserts them), translated with cg_module, JIT'd
// in-process and run through gj_rt_start at -O0/-O2 and unoptimized; every
// run checks that gj_rt_live_objects is back where it was (no leaks). The
// harness is list_test.cpp's, with the map runtime functions CodeGen
// declares by hand (lib/CodeGen/map.c) added to the JIT's symbols. Output
// that depends on iteration (hash) order is sorted first; text forms are
// sorted by key by the runtime.
extern "C" {
#include "JitOptions.h"
#include "guji/CodeGen.h"
#include "guji/GIR.h"
#include "guji/Passes.h"
#include "guji/Session.h"
}
#include "gujirt.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

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

const GirType *I = &gir_t_int;
const GirType *S = &gir_t_str;
const GirType *B = &gir_t_bool;

// {"b": 2, "a": 1, "c": 3}: len and the text form (sorted by key).
TEST(CodeGenMap, LiteralLenText) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("b"), p.i(2), p.str("a"), p.i(1),
                                 p.dyn_str("c"), p.i(3)});
        p.print(m);
        p.print(p.mnew(mt, {}));
        p.print(p.mnew(p.set_of(I), {}));
        return p.mo(GIR_MAP_LEN, {m});
      },
      3, "{\"a\": 1, \"b\": 2, \"c\": 3}\n{:}\nset([])\n");
}

// insert (a new key and a replaced one), index, contains; the old version
// stays as it was.
TEST(CodeGenMap, InsertIndexContains) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(I, S);
        GirValue m = p.mnew(mt, {p.i(1), p.dyn_str("one"), p.i(2), p.dyn_str("two")});
        GirValue m2 = p.mo(GIR_MAP_INSERT, {m, p.i(3), p.dyn_str("three")});
        GirValue m3 = p.mo(GIR_MAP_INSERT, {m2, p.i(1), p.dyn_str("uno")});
        p.print(m);
        p.print(m3);
        p.print(p.mo(GIR_MAP_INDEX, {m3, p.i(1)}));
        p.print(p.mo(GIR_MAP_INDEX, {m, p.i(1)}));
        p.print(p.mo(GIR_MAP_CONTAINS, {m3, p.i(3)}));
        p.print(p.mo(GIR_MAP_CONTAINS, {m, p.i(3)}));
        GirValue n = p.mo(GIR_MAP_LEN, {m3});
        return p.op(GIR_OP_IADD, I, {n, p.op(GIR_OP_IMUL, I, {p.mo(GIR_MAP_LEN, {m}), p.i(10)})});
      },
      23,
      "{1: \"one\", 2: \"two\"}\n{1: \"uno\", 2: \"two\", 3: \"three\"}\n"
      "uno\none\ntrue\nfalse\n");
}

// get_or with counted Str values: present (the map's value, inc'd; the
// default dropped) and absent (the default itself); no leaks either way.
TEST(CodeGenMap, GetOrStr) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, S);
        GirValue m = p.mnew(mt, {p.dyn_str("k"), p.dyn_str("v")});
        GirValue a = p.mo(GIR_MAP_GET_OR, {m, p.str("k"), p.dyn_str("default")});
        GirValue b = p.mo(GIR_MAP_GET_OR, {m, p.dyn_str("x"), p.dyn_str("default")});
        p.print(a);
        p.print(b);
        p.print(m);
        GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(10)});
        GirValue x = p.mo(GIR_MAP_GET_OR, {mi, p.i(1), p.i(-1)});
        GirValue y = p.mo(GIR_MAP_GET_OR, {mi, p.i(2), p.i(-1)});
        return p.op(GIR_OP_IADD, I, {x, y});
      },
      9, "v\ndefault\n{\"k\": \"v\"}\n");
}

TEST(CodeGenMap, Remove) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.i(1), p.dyn_str("b"), p.i(2)});
        GirValue m2 = p.mo(GIR_MAP_REMOVE, {m, p.str("a")});
        GirValue m3 = p.mo(GIR_MAP_REMOVE, {m2, p.dyn_str("zz")});
        p.print(m3);
        GirValue s = p.mnew(p.set_of(S), {p.dyn_str("x"), p.dyn_str("y")});
        GirValue s2 = p.mo(GIR_MAP_REMOVE, {s, p.dyn_str("y")});
        p.print(s2);
        return p.mo(GIR_MAP_LEN, {m3});
      },
      1, "{\"b\": 2}\nset([\"x\"])\n");
}

// update(k, d, f) with a closure capturing a Str: f(v) = v ++ $suffix, on
// a present key and an absent one (f(d)).
TEST(CodeGenMap, UpdateWithClosure) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *ft = p.fn_type({S}, S);
        GirFunc *app = p.lifted("app", ft, {S}, [&](GirValue clo, std::vector<GirValue> ps) {
          GirValue suf = gir_capture(&p.g, clo, 0, S, p.at(20));
          GirValue args[] = {ps[0], suf};
          return gir_call_rt(&p.g, GIR_RT_STR_CONCAT, args, 2, p.at(20));
        });
        const GirType *mt = p.map_of(S, S);
        GirValue f = p.closure(app, ft, {p.dyn_str("!")});
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.dyn_str("x")});
        GirValue m2 = p.mo(GIR_MAP_UPDATE, {m, p.dyn_str("a"), p.dyn_str("d"), f});
        GirValue m3 = p.mo(GIR_MAP_UPDATE, {m2, p.dyn_str("b"), p.dyn_str("d"), f});
        p.print(m3);
        // Int values, a closure without captures: v * 2
        const GirType *fi = p.fn_type({I}, I);
        GirFunc *dbl = p.lifted("dbl", fi, {}, [&](GirValue, std::vector<GirValue> ps) {
          return p.op(GIR_OP_IMUL, I, {ps[0], p.i(2)});
        });
        GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(21)});
        GirValue d = p.closure(dbl, fi, {});
        mi = p.mo(GIR_MAP_UPDATE, {mi, p.i(1), p.i(0), d});
        mi = p.mo(GIR_MAP_UPDATE, {mi, p.i(2), p.i(5), d});
        p.print(mi);
        return p.mo(GIR_MAP_INDEX, {mi, p.i(1)});
      },
      42, "{\"a\": \"x!\", \"b\": \"d!\"}\n{1: 42, 2: 10}\n");
}

// map_values (Int -> Str, a new value type) and filter (sub(K, V): Bool,
// the result one byte), on a map and on a set (sub(K): Bool).
TEST(CodeGenMap, MapValuesAndFilter) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        const GirType *fs = p.fn_type({I}, S);
        GirFunc *show = p.lifted("show", fs, {S}, [&](GirValue clo, std::vector<GirValue> ps) {
          GirValue pre = gir_capture(&p.g, clo, 0, S, p.at(20));
          GirValue n = gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &ps[0], 1, p.at(20));
          GirValue args[] = {pre, n};
          return gir_call_rt(&p.g, GIR_RT_STR_CONCAT, args, 2, p.at(20));
        });
        const GirType *fk = p.fn_type({S, I}, B);
        GirFunc *big = p.lifted("big", fk, {}, [&](GirValue, std::vector<GirValue> ps) {
          GirValue n = gir_call_rt(&p.g, GIR_RT_STR_LEN, &ps[0], 1, p.at(20));
          GirValue s = p.op(GIR_OP_IADD, I, {n, ps[1]});
          return p.op(GIR_OP_IGT, B, {s, p.i(3)});
        });
        const GirType *fe = p.fn_type({I}, B);
        GirFunc *even = p.lifted("even", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
          GirValue r = p.op(GIR_OP_IREM, I, {ps[0], p.i(2)});
          return p.op(GIR_OP_IEQ, B, {r, p.i(0)});
        });
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.i(1), p.dyn_str("bb"), p.i(2),
                                 p.dyn_str("ccc"), p.i(3)});
        GirValue shown = p.mop(GIR_MAP_MAP_VALUES, mt, p.map_of(S, S),
                               {m, p.closure(show, fs, {p.dyn_str("#")})});
        p.print(shown);
        p.print(p.mo(GIR_MAP_FILTER, {m, p.closure(big, fk, {})}));
        GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2), p.i(3), p.i(4)});
        p.print(p.mo(GIR_MAP_FILTER, {s, p.closure(even, fe, {})}));
        return p.mo(GIR_MAP_LEN, {shown});
      },
      3, "{\"a\": \"#1\", \"bb\": \"#2\", \"ccc\": \"#3\"}\n{\"bb\": 2, \"ccc\": 3}\nset([2, 4])\n");
}

// keys, values and pairs (in one order: pairs sorted, keys and values
// checked against them), merge (b's values win).
TEST(CodeGenMap, KeysValuesPairsMerge) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirType *pt = p.tuple(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("x"), p.i(3), p.dyn_str("y"), p.i(1),
                                 p.dyn_str("z"), p.i(2)});
        GirValue ks = p.mo(GIR_MAP_KEYS, {m});
        GirValue vs = p.mo(GIR_MAP_VALUES, {m});
        GirValue ps = p.mop(GIR_MAP_PAIRS, mt, p.list_of(pt), {m});
        p.print(p.sorted(ks));
        p.print(p.sorted(vs));
        p.print(p.sorted(ps));
        // keys[i] and values[i] are pairs[i]'s
        GirValue k1 = p.get(ks, p.i(1)), v1 = p.get(vs, p.i(1)), p1 = p.get(ps, p.i(1));
        GirValue same_k = gir_eq(&p.g, k1, gir_proj(&p.g, p1, pt, 0, 0, p.at(9)), p.at(9));
        GirValue same_v = gir_eq(&p.g, v1, gir_proj(&p.g, p1, pt, 0, 1, p.at(9)), p.at(9));
        p.print(same_k);
        p.print(same_v);
        GirValue o = p.mnew(mt, {p.str("y"), p.i(10), p.dyn_str("w"), p.i(0)});
        p.print(p.mo(GIR_MAP_MERGE, {m, o}));
        return p.op(GIR_OP_LIST_LEN, I, {ps});
      },
      3,
      "[\"x\", \"y\", \"z\"]\n[1, 2, 3]\n[(\"x\", 3), (\"y\", 1), (\"z\", 2)]\n"
      "true\ntrue\n{\"w\": 0, \"x\": 3, \"y\": 10, \"z\": 2}\n");
}

TEST(CodeGenMap, SetOps) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *st = p.set_of(S);
        GirValue a = p.mnew(st, {p.dyn_str("a"), p.dyn_str("b"), p.dyn_str("c")});
        GirValue b = p.mo(GIR_SET_FROM_LIST,
                          {p.list(S, {p.dyn_str("b"), p.dyn_str("c"), p.dyn_str("d"),
                                      p.dyn_str("d")})});
        p.print(b);
        p.print(p.mo(GIR_SET_UNION, {a, b}));
        p.print(p.mo(GIR_SET_INTERSECTION, {a, b}));
        p.print(p.mo(GIR_SET_DIFFERENCE, {a, b}));
        GirValue a2 = p.mo(GIR_SET_ADD, {a, p.dyn_str("z")});
        GirValue a3 = p.mo(GIR_SET_ADD, {a2, p.dyn_str("a")});
        p.print(a3);
        p.print(p.sorted(p.mo(GIR_SET_TO_LIST, {a3})));
        p.print(p.mo(GIR_MAP_CONTAINS, {a3, p.str("z")}));
        p.print(p.mo(GIR_MAP_CONTAINS, {b, p.str("z")}));
        // Set[Bool]: one byte a key
        GirValue bs = p.mnew(p.set_of(B), {p.b(true), p.b(true), p.b(false)});
        p.print(bs);
        p.print(p.mo(GIR_MAP_CONTAINS, {bs, p.b(false)}));
        return p.mo(GIR_MAP_LEN, {a3});
      },
      4,
      "set([\"b\", \"c\", \"d\"])\nset([\"a\", \"b\", \"c\", \"d\"])\nset([\"b\", \"c\"])\n"
      "set([\"a\"])\nset([\"a\", \"b\", \"c\", \"z\"])\n[\"a\", \"b\", \"c\", \"z\"]\n"
      "true\nfalse\nset([false, true])\ntrue\n");
}

// eq, cmp and text of a Map[Str, List[Int]]; a Set nested in a List; a
// record with a Map field (its descriptor hashes the map through
// gj_type_map: equal records are one element of a Set).
TEST(CodeGenMap, EqCmpTextNested) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *li = p.list_of(I);
        const GirType *mt = p.map_of(S, li);
        auto M = [&](int64_t last) {
          return p.mnew(mt, {p.dyn_str("a"), p.list(I, {p.i(1), p.i(2)}), p.str("b"),
                             p.list(I, {p.i(last)})});
        };
        GirValue m1 = M(3), m2 = M(3), m3 = M(4);
        p.print(m1);
        p.print(gir_eq(&p.g, m1, m2, p.at(9)));
        p.print(gir_eq(&p.g, m1, m3, p.at(9)));
        p.print_int(gir_cmp(&p.g, m1, m3, p.at(9)));
        p.print_int(gir_cmp(&p.g, m3, m1, p.at(9)));
        p.print_int(gir_cmp(&p.g, m1, m2, p.at(9)));
        const GirType *si = p.set_of(I);
        GirValue ls = p.list(si, {p.mnew(si, {p.i(2), p.i(1)}), p.mnew(si, {})});
        GirValue ls2 = p.list(si, {p.mnew(si, {p.i(1), p.i(2)}), p.mnew(si, {})});
        p.print(ls);
        p.print(gir_eq(&p.g, ls, ls2, p.at(9)));
        p.print(p.lop(GIR_LIST_CONTAINS, {ls, p.mnew(si, {p.i(1), p.i(2)})}));
        GirValue got = p.get(ls, p.i(0));
        p.print(p.mo(GIR_MAP_CONTAINS, {got, p.i(2)}));
        GirType *bag = p.obj("Bag", false, {{"Bag", {{"m", p.map_of(S, I)}}}});
        auto G = [&](int64_t v) {
          return p.mk(bag, 0, {p.mnew(p.map_of(S, I), {p.dyn_str("k"), p.i(v)})});
        };
        GirValue b1 = G(1), b2 = G(1), b3 = G(2);
        p.print(b1);
        p.print(gir_eq(&p.g, b1, b2, p.at(9)));
        p.print_int(gir_cmp(&p.g, b1, b3, p.at(9)));
        GirValue bags = p.mnew(p.set_of(bag), {b1, b2, b3});
        p.print(bags);
        return p.mo(GIR_MAP_LEN, {bags});
      },
      2,
      "{\"a\": [1, 2], \"b\": [3]}\ntrue\nfalse\n-1\n1\n0\n"
      "[set([1, 2]), set([])]\ntrue\ntrue\ntrue\n"
      "Bag { m: {\"k\": 1} }\ntrue\n-1\n"
      "set([Bag { m: {\"k\": 1} }, Bag { m: {\"k\": 2} }])\n");
}

// Bool values are one byte in the map's storage (insert, index, get_or,
// and a thunk storing a Bool result for map_values); Char keys four; a
// Map[Int, Unit] takes keys only (Unit operands are absent).
TEST(CodeGenMap, ScalarsAndUnit) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *C = &gir_t_char;
        const GirType *mt = p.map_of(C, B);
        GirValue m = p.mnew(mt, {p.c('x'), p.b(true), p.c(0x263a), p.b(false)});
        m = p.mo(GIR_MAP_INSERT, {m, p.c('y'), p.b(true)});
        p.print(m);
        p.print(p.mo(GIR_MAP_INDEX, {m, p.c(0x263a)}));
        p.print(p.mo(GIR_MAP_GET_OR, {m, p.c('x'), p.b(false)}));
        p.print(p.mo(GIR_MAP_GET_OR, {m, p.c('q'), p.b(true)}));
        const GirType *fn = p.fn_type({B}, B);
        GirFunc *neg = p.lifted("neg", fn, {}, [&](GirValue, std::vector<GirValue> ps) {
          return gir_op1(&p.g, GIR_OP_BNOT, B, ps[0], p.at(20));
        });
        p.print(p.mop(GIR_MAP_MAP_VALUES, mt, mt, {m, p.closure(neg, fn, {})}));
        const GirType *ut = p.map_of(I, &gir_t_unit);
        GirValue u = p.mnew(ut, {p.i(2), p.i(1)});
        u = p.mo(GIR_MAP_INSERT, {u, p.i(3)});
        p.mo(GIR_MAP_INDEX, {u, p.i(3)});
        p.print(u);
        p.print(p.sorted(p.mo(GIR_MAP_KEYS, {u})));
        return p.mo(GIR_MAP_LEN, {u});
      },
      3,
      "{'x': true, 'y': true, '\u263a': false}\nfalse\ntrue\ntrue\n"
      "{'x': false, 'y': false, '\u263a': true}\n{1: (), 2: (), 3: ()}\n[1, 2, 3]\n");
}

// One thunk per sub type and argument types, however many calls use it.
TEST(CodeGenMap, ThunksAreShared) {
  Prog p;
  const GirType *fe = p.fn_type({I}, B);
  GirFunc *even = p.lifted("even", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
    GirValue r = p.op(GIR_OP_IREM, I, {ps[0], p.i(2)});
    return p.op(GIR_OP_IEQ, B, {r, p.i(0)});
  });
  GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2)});
  GirValue a = p.mo(GIR_MAP_FILTER, {s, p.closure(even, fe, {})});
  GirValue b = p.mo(GIR_MAP_FILTER, {a, p.closure(even, fe, {})});
  GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(2)});
  GirValue c = p.mop(GIR_MAP_MAP_VALUES, p.ty(mi), p.map_of(I, B),
                     {mi, p.closure(even, fe, {})});
  GirValue n = p.op(GIR_OP_IADD, I, {p.mo(GIR_MAP_LEN, {b}), p.mo(GIR_MAP_LEN, {c})});
  p.ret(n);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx, false);
  ASSERT_NE(mod, nullptr);
  char *text = LLVMPrintModuleToString(mod);
  std::string ir = text;
  LLVMDisposeMessage(text);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  size_t count = 0;
  for (size_t at = ir.find("define internal void @gj.thunk."); at != std::string::npos;
       at = ir.find("define internal void @gj.thunk.", at + 1))
    count++;
  // filter on Set[Int]: (Int, Unit); map_values on Map[Int, Int]: (Int)
  EXPECT_EQ(count, 2u) << ir;
}

// Map types in DWARF (a typedef of a pointer to GjMap); still verifies.
TEST(CodeGenMap, DebugInfo) {
  REQUIRE_RUNTIME();
  Prog p;
  GirValue m = p.mnew(p.map_of(I, I), {p.i(1), p.i(7)});
  gir_value_set_dbg(p.f, m, "m", p.at(3));
  GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2)});
  gir_value_set_dbg(p.f, s, "s", p.at(3));
  // a thunk in a module with debug info (it has none of its own)
  const GirType *fe = p.fn_type({I}, B);
  GirFunc *one = p.lifted("one", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
    return p.op(GIR_OP_IEQ, B, {ps[0], p.i(1)});
  });
  GirValue t = p.mo(GIR_MAP_FILTER, {s, p.closure(one, fe, {})});
  GirValue r = p.op(GIR_OP_IADD, I, {p.mo(GIR_MAP_INDEX, {m, p.i(1)}), p.mo(GIR_MAP_LEN, {t})});
  p.ret(r);
  EXPECT_EQ(p.run(0, true), 8);
  Prog q;
  GirValue m2 = q.mnew(q.map_of(I, I), {q.i(1), q.i(7)});
  gir_value_set_dbg(q.f, m2, "m", q.at(3));
  q.ret(q.mo(GIR_MAP_INDEX, {m2, q.i(1)}));
  EXPECT_EQ(q.run(2, true), 7);
}

void run_missing_key() {
  Prog p;
  GirValue m = p.mnew(p.map_of(S, I), {p.str("a"), p.i(1)});
  p.ret(p.mo(GIR_MAP_INDEX, {m, p.str("zz")}, 40));
  p.run(0);
}

TEST(CodeGenMapDeathTest, MissingKeyPanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_missing_key(), testing::ExitedWithCode(101),
              "guji: panic: key not found: \"zz\"(.|\n)*test.guji:40:9");
}

} // namespace
