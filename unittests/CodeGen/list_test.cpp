// list_test.cpp — CodeGen of List[T] (§15): GIR built by hand (no inc/dec:
// pass_rc inserts them, as in the compiler's pipeline), translated with
// cg_module, JIT'd in-process and run through gj_rt_start; every run also
// checks that gj_rt_live_objects is back to where it was (no leaks,
// lists of objects included). The harness mirrors codegen_test.cpp's,
// with the list runtime functions and type descriptors CodeGen declares
// by hand (lib/CodeGen/list.c) added to the JIT's symbols.
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
  X(gj_type_char) X(gj_type_str) X(gj_type_unit) X(gj_type_list)
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
  const GirType *ty(GirValue v) { return gir_value_type(f, v); }
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

// [1, 2, 3].push(4): xs[3], len, set, then the old and new versions.
TEST(CodeGenList, LiteralPushGetLenSet) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(1), p.i(2), p.i(3)});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(4)});
        GirValue a = p.get(ys, p.i(3));
        GirValue n = p.op(GIR_OP_LIST_LEN, I, {ys});
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(ys), {ys, p.i(0), p.i(10)});
        GirValue z0 = p.get(zs, p.i(0));
        p.print(zs);
        GirValue e = p.list(I, {});
        p.print(e);
        GirValue r = p.op(GIR_OP_IMUL, I, {a, p.i(1000)});
        GirValue r2 = p.op(GIR_OP_IMUL, I, {n, p.i(100)});
        r = p.op(GIR_OP_IADD, I, {r, r2});
        return p.op(GIR_OP_IADD, I, {r, z0});
      },
      4410, "[10, 2, 3, 4]\n[]\n");
}

// A persistent update: the shared original is unchanged.
TEST(CodeGenList, SharedVersionsStayApart) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(1), p.i(2)});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(3)});
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(xs), {xs, p.i(0), p.i(9)});
        p.print(xs);
        p.print(ys);
        p.print(zs);
        return p.op(GIR_OP_LIST_LEN, I, {ys});
      },
      3, "[1, 2]\n[1, 2, 3]\n[9, 2]\n");
}

TEST(CodeGenList, ConcatSliceAndOps) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(3), p.i(1), p.i(2)});
        GirValue ys = p.list(I, {p.i(5), p.i(4)});
        GirValue cat = p.op(GIR_OP_LIST_CONCAT, p.ty(xs), {xs, ys});
        p.print(cat);
        p.print(p.op(GIR_OP_LIST_SLICE, p.ty(xs), {cat, p.i(1), p.i(4)}));
        p.print(p.op(GIR_OP_LIST_SLICE, p.ty(xs), {cat, p.i(5), p.i(5)}));
        p.print(p.lop(GIR_LIST_SORTED, {cat}));
        p.print(p.lop(GIR_LIST_REVERSED, {cat}));
        p.print(p.lop(GIR_LIST_TAKE, {cat, p.i(2)}));
        p.print(p.lop(GIR_LIST_DROP, {cat, p.i(2)}));
        p.print(p.lop(GIR_LIST_TAKE, {cat, p.i(99)}));
        p.print(p.lop(GIR_LIST_DROP, {cat, p.i(99)}));
        p.print(p.lop(GIR_LIST_CONTAINS, {cat, p.i(4)}));
        p.print(p.lop(GIR_LIST_CONTAINS, {cat, p.i(7)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {cat, p.i(2)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {cat, p.i(7)}));
        return p.op(GIR_OP_LIST_LEN, I, {cat});
      },
      5,
      "[3, 1, 2, 5, 4]\n[1, 2, 5]\n[]\n[1, 2, 3, 4, 5]\n[4, 5, 2, 1, 3]\n"
      "[3, 1]\n[2, 5, 4]\n[3, 1, 2, 5, 4]\n[]\ntrue\nfalse\n2\n-1\n");
}

// List[Str] of counted strings: sorted, join, contains, text (nested).
TEST(CodeGenList, Strings) {
  REQUIRE_RUNTIME();
  const GirType *S = &gir_t_str;
  expect_main(
      [S](Prog &p) {
        GirValue xs = p.list(S, {p.dyn_str("pear"), p.str("apple"), p.dyn_str("fig")});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.dyn_str("a\"b")});
        p.print(ys);
        GirValue srt = p.lop(GIR_LIST_SORTED, {ys});
        p.print(srt);
        p.print(p.lop(GIR_LIST_JOIN, {srt, p.str(", ")}));
        p.print(p.get(ys, p.i(2)));
        p.print(p.get(ys, p.i(2)), true);
        p.print(p.lop(GIR_LIST_CONTAINS, {ys, p.dyn_str("fig")}));
        GirValue e = p.list(S, {});
        p.print(p.lop(GIR_LIST_JOIN, {e, p.str("-")}));
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(ys), {ys, p.i(0), p.dyn_str("kiwi")});
        p.print(zs);
        return p.lop(GIR_LIST_INDEX_OF, {zs, p.str("fig")});
      },
      2,
      "[\"pear\", \"apple\", \"fig\", \"a\\\"b\"]\n"
      "[\"a\\\"b\", \"apple\", \"fig\", \"pear\"]\n"
      "a\"b, apple, fig, pear\n"
      "fig\n\"fig\"\ntrue\n\n"
      "[\"kiwi\", \"apple\", \"fig\", \"a\\\"b\"]\n");
}

// Bool elements are one byte in the runtime's storage; Char four; Float
// sorts by totalOrder; Unit-free nested lists.
TEST(CodeGenList, ScalarsAndNested) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *B = &gir_t_bool;
        GirValue bs = p.list(B, {p.b(true), p.b(false), p.b(true)});
        bs = p.op(GIR_OP_LIST_SET, p.ty(bs), {bs, p.i(0), p.b(false)});
        p.print(bs);
        p.print(p.lop(GIR_LIST_SORTED, {bs}));
        GirValue b2 = p.get(bs, p.i(2));
        GirValue cs = p.list(&gir_t_char, {p.c('x'), p.c(0x263a)});
        p.print(cs);
        p.print(p.get(cs, p.i(1)));
        GirValue fs = p.list(&gir_t_float, {p.fl(2.5), p.fl(-1.0), p.fl(0.0)});
        p.print(p.lop(GIR_LIST_SORTED, {fs}));
        GirValue inner1 = p.list(I, {p.i(1)});
        GirValue inner2 = p.list(I, {});
        GirValue nest = p.list(p.list_of(I), {inner1, inner2});
        p.print(nest);
        GirValue got = p.get(nest, p.i(0));
        p.print(got);
        GirValue again = p.list(p.list_of(I), {p.list(I, {p.i(1)}), p.list(I, {})});
        p.print(gir_eq(&p.g, nest, again, p.at(9)));
        p.print_int(gir_cmp(&p.g, nest, again, p.at(9)));
        return p.bool_int(b2);
      },
      1,
      "[false, false, true]\n[false, false, true]\n['x', '\u263a']\n\u263a\n"
      "[-1.0, 0.0, 2.5]\n[[1], []]\n[1]\ntrue\n0\n");
}

TEST(CodeGenList, EqCmpText) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue a = p.list(I, {p.i(1), p.i(2)});
        GirValue b = p.list(I, {p.i(1), p.i(2)});
        GirValue c = p.list(I, {p.i(1), p.i(3)});
        GirValue d = p.list(I, {p.i(1)});
        p.print(gir_eq(&p.g, a, b, p.at(9)));
        p.print(gir_eq(&p.g, a, c, p.at(9)));
        p.print_int(gir_cmp(&p.g, a, c, p.at(9)));
        p.print_int(gir_cmp(&p.g, c, a, p.at(9)));
        p.print_int(gir_cmp(&p.g, d, a, p.at(9)));
        p.print_int(gir_cmp(&p.g, a, b, p.at(9)));
        GirValue s1 = p.list(&gir_t_str, {p.dyn_str("a"), p.str("b")});
        GirValue s2 = p.list(&gir_t_str, {p.str("a"), p.dyn_str("c")});
        p.print(gir_eq(&p.g, s1, s2, p.at(9)));
        p.print_int(gir_cmp(&p.g, s1, s2, p.at(9)));
        p.print(s1, true);
        return p.i(0);
      },
      0, "true\nfalse\n-1\n1\n-1\n0\nfalse\n-1\n[\"a\", \"b\"]\n");
}

// List[Point] and a record holding a list: eq, cmp, text, get and drop
// through the generated descriptor; no leaks.
TEST(CodeGenList, ObjectsInListsAndListsInObjects) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirType *pt = p.point();
        GirType *bag = p.obj("Bag", false,
                             {{"Bag", {{"name", &gir_t_str}, {"items", p.list_of(pt)}}}});
        GirType *opt = p.obj("Option[Str]", true,
                             {{"None", {}}, {"Some", {{nullptr, &gir_t_str}}}});
        auto P = [&](double x, double y) { return p.mk(pt, 0, {p.fl(x), p.fl(y)}); };
        GirValue ps = p.list(pt, {P(1, 2), P(0.5, 3)});
        GirValue qs = p.list(pt, {P(1, 2), P(0.5, 3)});
        GirValue rs = p.list(pt, {P(1, 2), P(0.5, 4)});
        p.print(ps);
        p.print(gir_eq(&p.g, ps, qs, p.at(9)));
        p.print(gir_eq(&p.g, ps, rs, p.at(9)));
        p.print_int(gir_cmp(&p.g, ps, rs, p.at(9)));
        p.print(p.lop(GIR_LIST_SORTED, {ps}));
        p.print(p.lop(GIR_LIST_CONTAINS, {ps, P(0.5, 3)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {rs, P(0.5, 4)}));
        GirValue one = p.get(ps, p.i(1));
        p.print(gir_proj(&p.g, one, pt, 0, 1, p.at(9)));
        GirValue b1 = p.mk(bag, 0, {p.dyn_str("b"), ps});
        GirValue b2 = p.mk(bag, 0, {p.str("b"), qs});
        GirValue b3 = p.mk(bag, 0, {p.str("b"), rs});
        p.print(b1);
        p.print(gir_eq(&p.g, b1, b2, p.at(9)));
        p.print(gir_eq(&p.g, b1, b3, p.at(9)));
        p.print_int(gir_cmp(&p.g, b3, b1, p.at(9)));
        GirValue bags = p.list(bag, {b1, b3});
        p.print(bags);
        GirValue os = p.list(opt, {p.mk(opt, 0, {}), p.mk(opt, 1, {p.dyn_str("x")})});
        os = p.op(GIR_OP_LIST_PUSH, p.ty(os), {os, p.mk(opt, 0, {})});
        p.print(os);
        p.print(p.lop(GIR_LIST_SORTED, {os}));
        return p.op(GIR_OP_LIST_LEN, I, {bags});
      },
      2,
      "[Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }]\n"
      "true\nfalse\n-1\n"
      "[Point { x: 0.5, y: 3.0 }, Point { x: 1.0, y: 2.0 }]\n"
      "true\n1\n3.0\n"
      "Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }] }\n"
      "true\nfalse\n1\n"
      "[Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }] }, "
      "Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 4.0 }] }]\n"
      "[None, Some(\"x\"), None]\n[None, None, Some(\"x\")]\n");
}

// A loop of pushes on a uniquely owned list (in place), 1000 Points, then
// the sum of their x through get.
TEST(CodeGenList, LoopPushAndSum) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 2}) {
    Prog p;
    GirType *pt = p.point();
    GirFunc *f = p.f;
    const GirType *lt = p.list_of(pt);
    GirBlock *head = gir_block_new(p.m, f, "head"), *body = gir_block_new(p.m, f, "body"),
             *sum_head = gir_block_new(p.m, f, "sum"), *sum_body = gir_block_new(p.m, f, "sb"),
             *done = gir_block_new(p.m, f, "done");
    GirValue i = gir_block_add_param(p.m, f, head, I);
    GirValue acc = gir_block_add_param(p.m, f, head, lt);
    GirValue j = gir_block_add_param(p.m, f, sum_head, I);
    GirValue s = gir_block_add_param(p.m, f, sum_head, I);
    GirValue init[] = {p.i(0), p.list(pt, {})};
    gir_jmp(&p.g, head, init, 2, p.at(10));
    gir_set_block(&p.g, head);
    gir_br(&p.g, p.op(GIR_OP_ILT, &gir_t_bool, {i, p.i(1000)}), body, sum_head, p.at(10));
    gir_set_block(&p.g, body);
    GirValue x = gir_op1(&p.g, GIR_OP_I2F, &gir_t_float, i, p.at(10));
    GirValue acc2 = p.op(GIR_OP_LIST_PUSH, lt, {acc, p.mk(pt, 0, {x, x})});
    GirValue next[] = {p.op(GIR_OP_IADD, I, {i, p.i(1)}), acc2};
    gir_jmp(&p.g, head, next, 2, p.at(10));
    // sum_head is entered from head with (j, s) — head's br has no args,
    // so go through a block that starts the sum
    GirBlock *start = gir_block_new(p.m, f, "start");
    head->term.else_target = start;
    gir_set_block(&p.g, start);
    GirValue z[] = {p.i(0), p.i(0)};
    gir_jmp(&p.g, sum_head, z, 2, p.at(11));
    gir_set_block(&p.g, sum_head);
    GirValue n = p.op(GIR_OP_LIST_LEN, I, {acc});
    gir_br(&p.g, p.op(GIR_OP_ILT, &gir_t_bool, {j, n}), sum_body, done, p.at(11));
    gir_set_block(&p.g, sum_body);
    GirValue e = p.get(acc, j);
    GirValue ex = gir_proj(&p.g, e, pt, 0, 0, p.at(11));
    GirValue exi = gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &ex, 1, p.at(11));
    GirValue next2[] = {p.op(GIR_OP_IADD, I, {j, p.i(1)}), p.op(GIR_OP_IADD, I, {s, exi})};
    gir_jmp(&p.g, sum_head, next2, 2, p.at(11));
    gir_set_block(&p.g, done);
    GirValue r = p.op(GIR_OP_IREM, I, {s, p.i(256)});
    p.ret(r);
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), (999 * 1000 / 2) % 256) << p.ir;
    EXPECT_EQ(gj_rt_live_objects(), before) << p.ir;
  }
}

// The generated descriptor, called the way the runtime calls it: element
// pointers; equal values hash equal; text nested; counts through inc/dec.
TEST(CodeGenList, GeneratedDescriptor) {
  REQUIRE_RUNTIME();
  struct PointObj {
    GjHeader h;
    double x, y;
  };
  Prog p;
  GirType *pt = p.point();
  GirValue xs = p.list(pt, {p.mk(pt, 0, {p.fl(1), p.fl(2)})});
  p.ret(p.op(GIR_OP_LIST_LEN, I, {xs}));
  bool called = false;
  p.after = [&](LLVMOrcLLJITRef jit) {
    LLVMOrcExecutorAddress addr = 0;
    LLVMErrorRef e = LLVMOrcLLJITLookup(jit, &addr, "test.desc.Point");
    ASSERT_EQ(e, nullptr) << take_error(e);
    const GjType *d = ((const GjType *(*)(void))(uintptr_t)addr)();
    called = true;
    EXPECT_EQ(d->size, 8u);
    EXPECT_EQ(d->flags, (uint32_t)GJ_TYPE_HEAP);
    EXPECT_STREQ(d->name, "Point");
    ASSERT_TRUE(d->inc && d->dec && d->eq && d->hash && d->cmp && d->append_text);
    PointObj a = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.0}, b = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.0},
             c = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.5}, z = {{1, GJ_KIND_OBJ, 0}, -0.0, 2.0},
             z2 = {{1, GJ_KIND_OBJ, 0}, 0.0, 2.0};
    PointObj *pa = &a, *pb = &b, *pc = &c, *pz = &z, *pz2 = &z2;
    EXPECT_TRUE(d->eq(&pa, &pb));
    EXPECT_FALSE(d->eq(&pa, &pc));
    EXPECT_EQ(d->cmp(&pa, &pc), -1);
    EXPECT_EQ(d->cmp(&pc, &pa), 1);
    EXPECT_EQ(d->hash(&pa, 7), d->hash(&pb, 7));
    EXPECT_NE(d->hash(&pa, 7), d->hash(&pc, 7));
    EXPECT_EQ(d->hash(&pz, 7), d->hash(&pz2, 7)); // -0.0 == 0.0
    d->inc(&pa);
    EXPECT_EQ(a.h.rc, 2);
    d->dec(&pa);
    EXPECT_EQ(a.h.rc, 1);
    GjStr *s = d->append_text(gj_str_with_cap(0), &pa);
    EXPECT_EQ(std::string(s->ptr, (size_t)s->len), "Point { x: 1.0, y: 2.0 }");
    gj_dec(s);
    // through the runtime: a list of these (rc 0: immortal) objects
    a.h.rc = b.h.rc = 0;
    GjList *l1 = gj_list_push(gj_list_new(d), &pa);
    GjList *l2 = gj_list_push(gj_list_new(d), &pb);
    EXPECT_TRUE(gj_list_eq(l1, l2));
    EXPECT_EQ(gj_list_hash(l1, 3), gj_list_hash(l2, 3));
    gj_dec(l1);
    gj_dec(l2);
  };
  int64_t before = gj_rt_live_objects();
  EXPECT_EQ(p.run(0), 1);
  EXPECT_TRUE(called);
  EXPECT_EQ(gj_rt_live_objects(), before);
}

// A sum type's hash covers its tag; fieldless constructors are immortal.
TEST(CodeGenList, SumDescriptorHash) {
  REQUIRE_RUNTIME();
  Prog p;
  GirType *opt = p.obj("Option[Int]", true, {{"None", {}}, {"Some", {{nullptr, I}}}});
  GirType *color = p.obj("Color", true, {{"Red", {}}, {"Green", {}}});
  GirValue xs = p.list(opt, {p.mk(opt, 1, {p.i(3)}), p.mk(opt, 0, {})});
  GirValue cs = p.list(color, {p.mk(color, 1, {})});
  p.print(xs);
  p.print(cs);
  p.ret(p.op(GIR_OP_LIST_LEN, I, {xs}));
  p.after = [&](LLVMOrcLLJITRef jit) {
    LLVMOrcExecutorAddress addr = 0;
    ASSERT_EQ(LLVMOrcLLJITLookup(jit, &addr, "test.desc.Color"), nullptr);
    const GjType *d = ((const GjType *(*)(void))(uintptr_t)addr)();
    EXPECT_EQ(d->flags, 0u); // immortal values only
    EXPECT_EQ(d->inc, nullptr);
    ASSERT_EQ(LLVMOrcLLJITLookup(jit, &addr, "test.desc.Option[Int]"), nullptr);
    const GjType *o = ((const GjType *(*)(void))(uintptr_t)addr)();
    struct SomeObj {
      GjHeader h;
      int64_t v;
    } s3 = {{0, GJ_KIND_OBJ, 1}, 3}, s3b = {{0, GJ_KIND_OBJ, 1}, 3};
    GjHeader none = {0, GJ_KIND_OBJ, 0};
    void *p3 = &s3, *p3b = &s3b, *pn = &none;
    EXPECT_EQ(o->hash(&p3, 1), o->hash(&p3b, 1));
    EXPECT_NE(o->hash(&p3, 1), o->hash(&pn, 1));
    EXPECT_TRUE(o->eq(&p3, &p3b));
    EXPECT_EQ(o->cmp(&pn, &p3), -1);
  };
  testing::internal::CaptureStdout();
  int64_t before = gj_rt_live_objects();
  EXPECT_EQ(p.run(0), 2);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "[Some(3), None]\n[Green]\n");
  EXPECT_EQ(gj_rt_live_objects(), before);
}

// Debug info for list-typed variables; the module still verifies.
TEST(CodeGenList, DebugInfo) {
  REQUIRE_RUNTIME();
  Prog p;
  GirValue xs = p.list(I, {p.i(1)});
  gir_value_set_dbg(p.f, xs, "xs", p.at(3));
  p.ret(p.get(xs, p.i(0)));
  EXPECT_EQ(p.run(0, true), 1);
}

// The text form of the instructions.
TEST(CodeGenList, PrintedGir) {
  Prog p;
  GirValue xs = p.list(I, {p.i(1), p.i(2)});
  GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(3)});
  GirValue s = p.lop(GIR_LIST_SORTED, {ys});
  GirValue t = p.lop(GIR_LIST_TAKE, {s, p.i(1)});
  p.ret(p.get(t, p.i(0)));
  char *text = gir_module_to_string(p.m, nullptr);
  std::string ir = text;
  free(text);
  EXPECT_NE(ir.find("%2: List[Int] = list.new [%0, %1]"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%4: List[Int] = list.push %2, %3"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%5: List[Int] = list.op sorted %4"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%7: List[Int] = list.op take %5, %6"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%9: Int = list.get %7, %8"), std::string::npos) << ir;
}

void run_out_of_range(int which) {
  Prog p;
  GirValue xs = p.list(I, {p.i(1), p.i(2), p.i(3)});
  GirValue r;
  if (which == 0) {
    r = p.get(xs, p.i(5), 40);
  } else if (which == 1) {
    GirValue ys = p.op(GIR_OP_LIST_SET, p.ty(xs), {xs, p.i(-1), p.i(0)}, 41);
    r = p.op(GIR_OP_LIST_LEN, I, {ys});
  } else {
    GirValue ys = p.op(GIR_OP_LIST_SLICE, p.ty(xs), {xs, p.i(2), p.i(1)}, 42);
    r = p.op(GIR_OP_LIST_LEN, I, {ys});
  }
  p.ret(r);
  p.run(0);
}

TEST(CodeGenListDeathTest, OutOfRangePanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_out_of_range(0), testing::ExitedWithCode(101),
              "guji: panic: index out of range: 5 \\(length 3\\)(.|\n)*test.guji:40:7");
  EXPECT_EXIT(run_out_of_range(1), testing::ExitedWithCode(101),
              "index out of range: -1 \\(length 3\\)(.|\n)*test.guji:41:7");
  EXPECT_EXIT(run_out_of_range(2), testing::ExitedWithCode(101),
              "slice out of range: 2..1 \\(length 3\\)(.|\n)*test.guji:42:7");
}

} // namespace
