// codegen_test.cpp — CodeGen unit tests: build small GIR modules with the
// builder, translate them with cg_module, JIT them in-process with ORC
// LLJIT and run them through gj_rt_start, as `guji run` does.
//
// The runtime's entry points are handed to the JIT as absolute symbols
// (every name in RtFns.def, plus gj_stack_limit and gj_rt_start), so no
// -rdynamic export is needed. They are weak references: a build that does
// not link the runtime (whole) into this binary still links, and the tests
// that run code are skipped with a message saying so.
// Panics exit the process, so they are checked with death tests.
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
#pragma weak gj_stack_limit
#pragma weak gj_rt_start
#pragma weak gj_obj_alloc
#pragma weak gj_obj_free
#pragma weak gj_rt_live_objects

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
      {"gj_stack_limit", (void *)&gj_stack_limit},
      {"gj_rt_start", (void *)&gj_rt_start},
      // declared by CodeGen itself (obj.c), not from RtFns.def
      {"gj_obj_alloc", (void *)&gj_obj_alloc},
      {"gj_obj_free", (void *)&gj_obj_free},
      {"gj_rt_live_objects", (void *)&gj_rt_live_objects},
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

// A test program: a session with one fake source file of `nlines` lines
// (so spans have line numbers), a GIR module and a builder.
struct Prog {
  Session *s;
  SrcFile *file;
  GirModule *m;
  GirBuilder g;

  Prog() {
    s = session_new();
    std::string text;
    for (int i = 1; i <= 100; i++)
      text += "# line " + std::to_string(i) + " of the test program\n";
    file = src_add(s->sm, "test.guji", text.data(), text.size());
    m = gir_module_new(s->arena, "test.guji");
    g = GirBuilder{m, nullptr, nullptr};
  }
  ~Prog() { session_free(s); }

  // A span at LINE:COL of test.guji.
  Span at(int line, int col = 1) {
    uint32_t off = file->line_starts[line - 1] + (uint32_t)(col - 1);
    return span_make(file->id, off, off + 1);
  }

  GirFunc *func(const char *name, const GirType *ret, int line) {
    std::string link = std::string("guji.") + name;
    return gir_func_new(m, name, arena_strdup(s->arena, link.c_str()), ret,
                        at(line));
  }
  void enter(GirFunc *f, GirBlock *b) {
    g.f = f;
    gir_set_block(&g, b);
  }
  GirBlock *block(GirFunc *f) { return gir_block_new(m, f, nullptr); }
  // Marks the last instruction of the current block (a call) as a tail call.
  void mark_tail() { VEC_LAST(g.b->insts).imm.call.tail = true; }

  // `sub main(): Int { BODY }` with BODY given as a callback that returns
  // the result value.
  template <class F> GirFunc *main_int(F body) {
    GirFunc *f = func("main", &gir_t_int, 1);
    enter(f, block(f));
    GirValue r = body();
    gir_ret(&g, r, at(1));
    m->main = f;
    m->main_returns_int = true;
    return f;
  }

  void verify_gir() {
    char *buf = nullptr;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    bool ok = gir_verify_module(m, errs);
    fclose(errs);
    EXPECT_TRUE(ok) << buf;
    free(buf);
  }

  // cg_module into `ctx`; fails the test on a NULL module.
  LLVMModuleRef codegen(LLVMContextRef ctx, bool debug = false) {
    verify_gir();
    CgOptions o = jit_cg_options();
    o.debug = debug;
    o.opt_level = 0;
    LLVMModuleRef mod = cg_module(s, m, ctx, &o);
    if (!mod) {
      char *d = diag_render_to_string(s->diag);
      ADD_FAILURE() << "cg_module failed:\n" << d;
      free(d);
      return nullptr;
    }
    char *msg = nullptr; // cg_module verifies only in debug builds
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg))
      ADD_FAILURE() << "invalid LLVM module:\n" << msg;
    LLVMDisposeMessage(msg);
    return mod;
  }

  // Codegen, optimize at `opt` (-1: no passes at all), JIT, run through
  // gj_rt_start; returns the exit status.
  int run(int opt = 0, bool debug = false) {
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    LLVMInitializeNativeAsmParser(); // the stack check's inline asm
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
    LLVMModuleRef mod = codegen(ctx, debug);
    if (!mod)
      return -1;
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
    LLVMOrcDisposeLLJIT(jit);
    return status;
  }
};

// sub fib($n: Int): Int { if $n < 2 { $n } else { fib($n - 1) + fib($n - 2) } }
GirFunc *build_fib(Prog &p) {
  GirFunc *f = p.func("fib", &gir_t_int, 2);
  GirValue n = gir_func_add_param(p.m, f, &gir_t_int);
  gir_value_set_dbg(f, n, "n", p.at(2, 9));
  GirBlock *b0 = f->blocks.data[0], *small = p.block(f), *big = p.block(f);
  p.enter(f, b0);
  GirValue two = gir_const_int(&p.g, 2, p.at(3, 13));
  GirValue lt = gir_op2(&p.g, GIR_OP_ILT, &gir_t_bool, n, two, p.at(3, 8));
  gir_br(&p.g, lt, small, big, p.at(3, 5));
  p.enter(f, small);
  gir_ret(&p.g, n, p.at(3, 17));
  p.enter(f, big);
  GirValue one = gir_const_int(&p.g, 1, p.at(4, 20));
  GirValue n1 = gir_op2(&p.g, GIR_OP_ISUB, &gir_t_int, n, one, p.at(4, 15));
  GirValue a = gir_call(&p.g, f, &n1, 1, p.at(4, 11));
  GirValue n2 = gir_op2(&p.g, GIR_OP_ISUB, &gir_t_int, n, two, p.at(4, 30));
  GirValue b = gir_call(&p.g, f, &n2, 1, p.at(4, 26));
  GirValue sum = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, a, b, p.at(4, 24));
  gir_value_set_dbg(f, sum, "sum", p.at(4, 5));
  gir_ret(&p.g, sum, p.at(4, 5));
  return f;
}

TEST(CodeGen, FibRecursive) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 0, 2}) {
    Prog p;
    GirFunc *fib = build_fib(p);
    p.main_int([&] {
      GirValue n = gir_const_int(&p.g, 20, p.at(1));
      return gir_call(&p.g, fib, &n, 1, p.at(1));
    });
    EXPECT_EQ(p.run(opt), 6765) << "opt " << opt;
  }
}

// main(): Int { add(MAX, 1) } where add($a, $b) = $a + $b
void build_overflow(Prog &p) {
  GirFunc *add = p.func("add", &gir_t_int, 5);
  GirValue a = gir_func_add_param(p.m, add, &gir_t_int);
  GirValue b = gir_func_add_param(p.m, add, &gir_t_int);
  p.enter(add, add->blocks.data[0]);
  gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, a, b, p.at(6, 7)),
          p.at(6, 5));
  p.main_int([&] {
    GirValue args[] = {gir_const_int(&p.g, INT64_MAX, p.at(1)),
                       gir_const_int(&p.g, 1, p.at(1))};
    return gir_call(&p.g, add, args, 2, p.at(1));
  });
}

TEST(CodeGenDeathTest, AddOverflowPanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Prog p;
        build_overflow(p);
        p.run(0);
      },
      testing::ExitedWithCode(101), "integer overflow(.|\n)*test.guji:6:7");
}

// A binary Int op of main's, on constants: main(): Int { A op B }
int run_binop(GirOp op, int64_t x, int64_t y, int opt = 0) {
  Prog p;
  p.main_int([&] {
    GirValue a = gir_const_int(&p.g, x, p.at(1));
    GirValue b = gir_const_int(&p.g, y, p.at(1));
    return gir_op2(&p.g, op, &gir_t_int, a, b, p.at(7, 3));
  });
  return p.run(opt);
}

TEST(CodeGen, IntDivRem) {
  REQUIRE_RUNTIME();
  EXPECT_EQ(run_binop(GIR_OP_IDIV, -7, 2), -3);
  EXPECT_EQ(run_binop(GIR_OP_IREM, -7, 2), -1);
  EXPECT_EQ(run_binop(GIR_OP_IREM, INT64_MIN, -1), 0);
  EXPECT_EQ(run_binop(GIR_OP_IREM, INT64_MIN, -1, 2), 0);
  EXPECT_EQ(run_binop(GIR_OP_ISHR, -64, 3), -8);
  EXPECT_EQ(run_binop(GIR_OP_ISHL, 3, 4), 48);
  EXPECT_EQ(run_binop(GIR_OP_IMIN, -3, 4), -3);
  EXPECT_EQ(run_binop(GIR_OP_IMAX, -3, 4), 4);
}

TEST(CodeGenDeathTest, DivPanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_binop(GIR_OP_IDIV, 1, 0), testing::ExitedWithCode(101),
              "division by zero(.|\n)*test.guji:7:3");
  EXPECT_EXIT(run_binop(GIR_OP_IREM, 1, 0), testing::ExitedWithCode(101),
              "division by zero");
  EXPECT_EXIT(run_binop(GIR_OP_IDIV, INT64_MIN, -1),
              testing::ExitedWithCode(101), "integer overflow");
  EXPECT_EXIT(run_binop(GIR_OP_IMUL, INT64_MAX / 2, 3),
              testing::ExitedWithCode(101), "integer overflow");
  EXPECT_EXIT(run_binop(GIR_OP_ISHL, 1, 64), testing::ExitedWithCode(101),
              "64");
}

// sub loop($n: Int, $acc: Int): Int {
//   if $n == 0 { $acc } else { loop($n - 1, $acc + 1) }   # a tail call
// }
GirFunc *build_loop(Prog &p) {
  GirFunc *f = p.func("loop", &gir_t_int, 10);
  GirValue n = gir_func_add_param(p.m, f, &gir_t_int);
  GirValue acc = gir_func_add_param(p.m, f, &gir_t_int);
  GirBlock *b0 = f->blocks.data[0], *done = p.block(f), *more = p.block(f);
  p.enter(f, b0);
  GirValue zero = gir_const_int(&p.g, 0, p.at(11));
  gir_br(&p.g, gir_op2(&p.g, GIR_OP_IEQ, &gir_t_bool, n, zero, p.at(11)), done,
         more, p.at(11));
  p.enter(f, done);
  gir_ret(&p.g, acc, p.at(11));
  p.enter(f, more);
  GirValue one = gir_const_int(&p.g, 1, p.at(11));
  GirValue args[] = {gir_op2(&p.g, GIR_OP_ISUB, &gir_t_int, n, one, p.at(11)),
                     gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, acc, one, p.at(11))};
  GirValue r = gir_call(&p.g, f, args, 2, p.at(11));
  p.mark_tail();
  gir_ret(&p.g, r, p.at(11));
  return f;
}

int run_loop(int64_t iterations, int opt) {
  Prog p;
  GirFunc *loop = build_loop(p);
  p.main_int([&] {
    GirValue args[] = {gir_const_int(&p.g, iterations, p.at(1)),
                       gir_const_int(&p.g, 0, p.at(1))};
    GirValue r = gir_call(&p.g, loop, args, 2, p.at(1));
    // the exit status is 'y' exactly when r == iterations
    GirValue want = gir_const_int(&p.g, iterations, p.at(1));
    GirValue d = gir_op2(&p.g, GIR_OP_ISUB, &gir_t_int, r, want, p.at(1));
    GirValue y = gir_const_int(&p.g, 'y', p.at(1));
    return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, d, y, p.at(1));
  });
  return p.run(opt);
}

// §8: tail calls do not grow the stack, even without LLVM's optimizer
// (-1: not even default<O0>), which would otherwise turn them into a loop.
TEST(CodeGen, SelfTailCallTenMillion) {
  REQUIRE_RUNTIME();
  EXPECT_EQ(run_loop(10000000, -1), 'y');
  EXPECT_EQ(run_loop(10000000, 2), 'y');
}

// sub is_even($n: Int): Bool { if $n == 0 { true } else { is_odd($n - 1) } }
// sub is_odd($n: Int): Bool { if $n == 0 { false } else { is_even($n - 1) } }
int run_mutual(int64_t n, int opt) {
  Prog p;
  GirFunc *fs[2] = {p.func("is_even", &gir_t_bool, 20),
                    p.func("is_odd", &gir_t_bool, 21)};
  for (int i = 0; i < 2; i++) {
    GirFunc *f = fs[i];
    GirValue x = gir_func_add_param(p.m, f, &gir_t_int);
    GirBlock *b0 = f->blocks.data[0], *zero = p.block(f), *rec = p.block(f);
    p.enter(f, b0);
    GirValue c0 = gir_const_int(&p.g, 0, p.at(20 + i));
    gir_br(&p.g, gir_op2(&p.g, GIR_OP_IEQ, &gir_t_bool, x, c0, p.at(20 + i)),
           zero, rec, p.at(20 + i));
    p.enter(f, zero);
    gir_ret(&p.g, gir_const_bool(&p.g, i == 0, p.at(20 + i)), p.at(20 + i));
    p.enter(f, rec);
    GirValue c1 = gir_const_int(&p.g, 1, p.at(20 + i));
    GirValue x1 = gir_op2(&p.g, GIR_OP_ISUB, &gir_t_int, x, c1, p.at(20 + i));
    GirValue r = gir_call(&p.g, fs[1 - i], &x1, 1, p.at(20 + i));
    p.mark_tail();
    gir_ret(&p.g, r, p.at(20 + i));
  }
  GirFunc *main = p.func("main", &gir_t_int, 1);
  p.enter(main, p.block(main));
  GirBlock *yes = p.block(main), *no = p.block(main);
  GirValue arg = gir_const_int(&p.g, n, p.at(1));
  GirValue even = gir_call(&p.g, fs[0], &arg, 1, p.at(1));
  gir_br(&p.g, even, yes, no, p.at(1));
  p.enter(main, yes);
  gir_ret(&p.g, gir_const_int(&p.g, 'E', p.at(1)), p.at(1));
  p.enter(main, no);
  gir_ret(&p.g, gir_const_int(&p.g, 'O', p.at(1)), p.at(1));
  p.m->main = main;
  p.m->main_returns_int = true;
  return p.run(opt);
}

TEST(CodeGen, MutualTailCallsMillion) {
  REQUIRE_RUNTIME();
  EXPECT_EQ(run_mutual(1000000, -1), 'E');
  EXPECT_EQ(run_mutual(1000001, -1), 'O');
  EXPECT_EQ(run_mutual(1000000, 2), 'E');
}

// §8: deep non-tail recursion ends in the `stack overflow` panic.
TEST(CodeGenDeathTest, DeepRecursionIsStackOverflow) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Prog p;
        GirFunc *fib = build_fib(p);
        GirFunc *deep = p.func("deep", &gir_t_int, 30);
        GirValue n = gir_func_add_param(p.m, deep, &gir_t_int);
        p.enter(deep, deep->blocks.data[0]);
        GirValue one = gir_const_int(&p.g, 1, p.at(31));
        GirValue n1 = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, n, one, p.at(31));
        GirValue r = gir_call(&p.g, deep, &n1, 1, p.at(31));
        gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r, one, p.at(31)),
                p.at(31));
        (void)fib;
        p.main_int([&] {
          GirValue z = gir_const_int(&p.g, 0, p.at(1));
          return gir_call(&p.g, deep, &z, 1, p.at(1));
        });
        p.run(0);
      },
      testing::ExitedWithCode(101), "stack overflow(.|\n)*test.guji:30");
}

// sub main() { write("hello, world"); print("!") } through gj_write_str
TEST(CodeGen, StrLiteralToStdout) {
  REQUIRE_RUNTIME();
  Prog p;
  GirFunc *f = p.func("main", &gir_t_unit, 1);
  p.enter(f, p.block(f));
  for (int i = 0; i < 3; i++) {
    const char *text = i < 2 ? "hello, world" : "!";
    GirValue args[] = {gir_const_str(&p.g, text, strlen(text), p.at(2)),
                       gir_const_int(&p.g, i == 0 ? 0 : GJ_WRITE_NL, p.at(2))};
    gir_call_rt(&p.g, GIR_RT_WRITE_STR, args, 2, p.at(2));
  }
  gir_ret(&p.g, GIR_NO_VALUE, p.at(3));
  p.m->main = f;
  testing::internal::CaptureStdout();
  int status = p.run(2);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "hello, worldhello, world\n!\n");
}

// Identical literals share one constant.
TEST(CodeGen, StrLiteralsAreDeduplicated) {
  Prog p;
  GirFunc *f = p.func("main", &gir_t_unit, 1);
  p.enter(f, p.block(f));
  for (int i = 0; i < 2; i++) {
    GirValue args[] = {gir_const_str(&p.g, "same", 4, p.at(2)),
                       gir_const_int(&p.g, 0, p.at(2))};
    gir_call_rt(&p.g, GIR_RT_WRITE_STR, args, 2, p.at(2 + i));
  }
  gir_ret(&p.g, GIR_NO_VALUE, p.at(3));
  p.m->main = f;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx);
  ASSERT_NE(mod, nullptr);
  int nstr = 0;
  for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g))
    if (strncmp(LLVMGetValueName(g), "gj.str", 6) == 0)
      nstr++;
  EXPECT_EQ(nstr, 1);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

// Floats, Chars, Bools and a global set by the initializer.
TEST(CodeGen, FloatOpsAndGlobals) {
  REQUIRE_RUNTIME();
  Prog p;
  GirGlobal *gl = gir_global_new(p.m, "K", "guji.K", &gir_t_float, p.at(40));
  GirFunc *init = p.func("init", &gir_t_unit, 40);
  p.enter(init, p.block(init));
  gir_global_set(&p.g, gl, gir_const_float(&p.g, 2.5, p.at(40)), p.at(40));
  gir_ret(&p.g, GIR_NO_VALUE, p.at(40));
  p.m->init = init;
  p.main_int([&] {
    GirValue k = gir_global_get(&p.g, gl, p.at(41));
    GirValue r = gir_op1(&p.g, GIR_OP_FROUND, &gir_t_float, k, p.at(41)); // 3
    GirValue sq = gir_op1(&p.g, GIR_OP_FSQRT, &gir_t_float,
                          gir_const_float(&p.g, 16.0, p.at(41)), p.at(41)); // 4
    GirValue s = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, r, sq, p.at(41)); // 12
    GirValue mn = gir_op2(&p.g, GIR_OP_FMIN, &gir_t_float, s,
                          gir_const_float(&p.g, 100.0, p.at(41)), p.at(41));
    GirValue ten = gir_op1(&p.g, GIR_OP_I2F, &gir_t_float,
                           gir_const_int(&p.g, 10, p.at(41)), p.at(41));
    GirValue gt = gir_op2(&p.g, GIR_OP_FGT, &gir_t_bool, mn, ten, p.at(41));
    GirValue args[] = {gt, gir_const_int(&p.g, 0, p.at(41))};
    gir_call_rt(&p.g, GIR_RT_WRITE_BOOL, args, 2, p.at(41));
    GirValue fi = gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &mn, 1, p.at(41));
    GirValue ch = gir_op1(&p.g, GIR_OP_C2I, &gir_t_int,
                          gir_const_char(&p.g, 0x1F600, p.at(41)), p.at(41));
    GirValue big = gir_op2(&p.g, GIR_OP_IGT, &gir_t_bool,
                           ch, gir_const_int(&p.g, 0xFFFF, p.at(41)), p.at(41));
    GirValue args2[] = {big, gir_const_int(&p.g, GJ_WRITE_NL, p.at(41))};
    gir_call_rt(&p.g, GIR_RT_WRITE_BOOL, args2, 2, p.at(41));
    return fi;
  });
  testing::internal::CaptureStdout();
  int status = p.run(0);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, 12);
  EXPECT_EQ(out, "truetrue\n");
}

// A loop through block parameters: sum of 1..100 with a back edge to a
// header whose parameters are phis.
TEST(CodeGen, BlockParamsAsPhis) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 2}) {
    Prog p;
    GirFunc *f = p.func("main", &gir_t_int, 1);
    GirBlock *b0 = p.block(f), *head = p.block(f), *body = p.block(f),
             *done = p.block(f);
    GirValue i = gir_block_add_param(p.m, f, head, &gir_t_int);
    GirValue acc = gir_block_add_param(p.m, f, head, &gir_t_int);
    gir_value_set_dbg(f, i, "i", p.at(50));
    gir_value_set_dbg(f, acc, "acc", p.at(50));
    p.enter(f, b0);
    GirValue init[] = {gir_const_int(&p.g, 1, p.at(50)),
                       gir_const_int(&p.g, 0, p.at(50))};
    gir_jmp(&p.g, head, init, 2, p.at(50));
    p.enter(f, head);
    GirValue hundred = gir_const_int(&p.g, 100, p.at(51));
    gir_br(&p.g, gir_op2(&p.g, GIR_OP_ILE, &gir_t_bool, i, hundred, p.at(51)),
           body, done, p.at(51));
    p.enter(f, body);
    GirValue one = gir_const_int(&p.g, 1, p.at(52));
    GirValue next[] = {gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, i, one, p.at(52)),
                       gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, acc, i, p.at(52))};
    gir_jmp(&p.g, head, next, 2, p.at(52));
    p.enter(f, done);
    GirValue r = gir_op2(&p.g, GIR_OP_IREM, &gir_t_int, acc,
                         gir_const_int(&p.g, 251, p.at(53)), p.at(53));
    gir_ret(&p.g, r, p.at(53));
    p.m->main = f;
    p.m->main_returns_int = true;
    EXPECT_EQ(p.run(opt, /*debug=*/true), 5050 % 251) << "opt " << opt;
  }
}

// -g: the module verifies and describes fib as a DISubprogram.
TEST(CodeGen, DebugInfo) {
  Prog p;
  GirFunc *fib = build_fib(p);
  p.main_int([&] {
    GirValue n = gir_const_int(&p.g, 10, p.at(1));
    return gir_call(&p.g, fib, &n, 1, p.at(1));
  });
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx, /*debug=*/true);
  ASSERT_NE(mod, nullptr);
  char *msg = nullptr;
  EXPECT_FALSE(LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) << msg;
  LLVMDisposeMessage(msg);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  EXPECT_NE(text.find("!DISubprogram(name: \"fib\","),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("!DILocalVariable(name: \"n\", arg: 1"), std::string::npos);
  EXPECT_NE(text.find("!DILocalVariable(name: \"sum\""), std::string::npos);
  EXPECT_NE(text.find("!DIFile(filename: \"test.guji\""), std::string::npos);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  if (runtime_linked()) {
    EXPECT_EQ(p.run(0, true), 55);
  }
}

// The structure the rest of the compiler relies on: the C convention for
// subs without mismatched tail calls, internal linkage, frame pointers, the
// entry points.
TEST(CodeGen, FunctionShape) {
  Prog p;
  GirFunc *fib = build_fib(p);
  p.main_int([&] {
    GirValue n = gir_const_int(&p.g, 10, p.at(1));
    return gir_call(&p.g, fib, &n, 1, p.at(1));
  });
  LLVMContextRef ctx = LLVMContextCreate();
  CgOptions o = {};
  o.emit_c_main = true;
  LLVMModuleRef mod = cg_module(p.s, p.m, ctx, &o);
  ASSERT_NE(mod, nullptr);
  LLVMValueRef f = LLVMGetNamedFunction(mod, "guji.fib");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(LLVMGetFunctionCallConv(f), (unsigned)LLVMCCallConv);
  EXPECT_EQ(LLVMGetLinkage(f), LLVMInternalLinkage);
  EXPECT_NE(LLVMGetNamedFunction(mod, "gj_program_main"), nullptr);
  EXPECT_NE(LLVMGetNamedFunction(mod, "main"), nullptr);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  EXPECT_NE(text.find("\"frame-pointer\"=\"all\""), std::string::npos);
  /* §8: an executable checks the thread-local limit of whatever stack
   * (task or thread) it runs on */
  EXPECT_NE(text.find("@gj_task_stack_limit = external hidden thread_local(localexec) global ptr"),
            std::string::npos) << text;
  EXPECT_NE(text.find("c\"test.guji\\00\""), std::string::npos) << text;
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

} // namespace

// A tail call between different prototypes puts both subs (and any sub tail
// calling them) under tailcc; a group whose tail calls all match keeps the C
// convention and gets musttail.
TEST(CodeGen, CallingConventionGroups) {
  Prog p;
  // two(a, b) = one(a) ; one(a) = two(a, a) — mismatched: tailcc
  GirFunc *one = p.func("one", &gir_t_int, 2);
  GirFunc *two = p.func("two", &gir_t_int, 3);
  GirValue a1 = gir_func_add_param(p.m, one, &gir_t_int);
  GirValue b2 = gir_func_add_param(p.m, two, &gir_t_int);
  gir_func_add_param(p.m, two, &gir_t_int);
  p.enter(one, one->blocks.data[0]);
  GirValue args[2] = {a1, a1};
  GirValue r1 = gir_call(&p.g, two, args, 2, p.at(2));
  p.mark_tail();
  gir_ret(&p.g, r1, p.at(2));
  p.enter(two, two->blocks.data[0]);
  GirValue r2 = gir_call(&p.g, one, &b2, 1, p.at(3));
  p.mark_tail();
  gir_ret(&p.g, r2, p.at(3));
  // self(a) = self(a) — matching: C convention + musttail
  GirFunc *self = p.func("self", &gir_t_int, 4);
  GirValue s1 = gir_func_add_param(p.m, self, &gir_t_int);
  p.enter(self, self->blocks.data[0]);
  GirValue r3 = gir_call(&p.g, self, &s1, 1, p.at(4));
  p.mark_tail();
  gir_ret(&p.g, r3, p.at(4));
  p.main_int([&] { return gir_const_int(&p.g, 0, p.at(1)); });
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx);
  ASSERT_NE(mod, nullptr);
  EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.one")), 18u);
  EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.two")), 18u);
  EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.self")),
            (unsigned)LLVMCCallConv);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  EXPECT_NE(text.find("musttail call i64 @guji.self"), std::string::npos) << text;
  EXPECT_NE(text.find("tail call tailcc i64 @guji.two"), std::string::npos) << text;
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

// ---- objects: records, tuples, sums (§10) and derived operations (§4, §13)

namespace {

struct FieldSpec {
  const char *name;     // records only
  const GirType *type;  // nullptr: the type being defined (recursion)
};
struct CtorSpec {
  const char *name;
  std::vector<FieldSpec> fields;
};

// An object type as lowering makes one: records have field names, tuples
// the empty constructor name.
GirType *obj_type(Prog &p, const char *name, bool is_sum, bool is_tuple,
                  const std::vector<CtorSpec> &ctors) {
  Arena *a = p.m->arena;
  GirType *t = gir_type_obj(p.m, arena_strdup(a, name), is_sum, is_tuple,
                            (uint32_t)ctors.size());
  for (size_t c = 0; c < ctors.size(); c++) {
    GirCtor *gc = &t->ctors[c];
    uint32_t n = (uint32_t)ctors[c].fields.size();
    gc->name = arena_strdup(a, ctors[c].name);
    gc->nfields = n;
    gc->fields = ARENA_ARRAY(a, const GirType *, n ? n : 1);
    bool record = !is_sum && !is_tuple;
    gc->field_names = record ? ARENA_ARRAY(a, const char *, n ? n : 1) : nullptr;
    for (uint32_t i = 0; i < n; i++) {
      const FieldSpec &f = ctors[c].fields[i];
      gc->fields[i] = f.type ? f.type : t;
      if (record)
        gc->field_names[i] = arena_strdup(a, f.name);
    }
  }
  return t;
}

GirType *point_type(Prog &p) {
  return obj_type(p, "Point", false, false,
                  {{"Point", {{"x", &gir_t_float}, {"y", &gir_t_float}}}});
}

// type Shape = Circle(Float) | Rect(Float, Float) | Empty
GirType *shape_type(Prog &p) {
  return obj_type(p, "Shape", true, false,
                  {{"Circle", {{nullptr, &gir_t_float}}},
                   {"Rect", {{nullptr, &gir_t_float}, {nullptr, &gir_t_float}}},
                   {"Empty", {}}});
}

GirValue fconst(Prog &p, double v) { return gir_const_float(&p.g, v, p.at(60)); }
GirValue iconst(Prog &p, int64_t v) { return gir_const_int(&p.g, v, p.at(60)); }

GirValue new_obj(Prog &p, const GirType *t, uint32_t ctor,
                 std::vector<GirValue> fields) {
  return gir_new(&p.g, t, ctor, fields.data(), (uint32_t)fields.size(),
                 p.at(61));
}

void dec(Prog &p, GirValue v) { gir_op1(&p.g, GIR_OP_DEC, &gir_t_unit, v, p.at(62)); }
void inc(Prog &p, GirValue v) { gir_op1(&p.g, GIR_OP_INC, &gir_t_unit, v, p.at(62)); }

// Bool → Int (1 / 0) through CMP against false.
GirValue bool_to_int(Prog &p, GirValue b) {
  return gir_cmp(&p.g, b, gir_const_bool(&p.g, false, p.at(63)), p.at(63));
}

// Runs main at each optimization level; checks the result and that every
// object it made is freed again.
template <class F> void expect_main(F build, int64_t want) {
  for (int opt : {-1, 0, 2}) {
    Prog p;
    p.main_int([&] { return build(p); });
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), want) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt;
  }
}

// §10: a record, its fields read back: (x + y) * 4 with x 1.5, y 2.25.
TEST(CodeGenObj, RecordNewProj) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirType *pt = point_type(p);
        GirValue v = new_obj(p, pt, 0, {fconst(p, 1.5), fconst(p, 2.25)});
        GirValue x = gir_proj(&p.g, v, pt, 0, 0, p.at(64));
        GirValue y = gir_proj(&p.g, v, pt, 0, 1, p.at(64));
        GirValue s = gir_op2(&p.g, GIR_OP_FADD, &gir_t_float, x, y, p.at(64));
        s = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, s, fconst(p, 4.0), p.at(64));
        dec(p, v);
        return gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &s, 1, p.at(64));
      },
      15);
}

// Bool fields are bytes in memory, Bool in registers; Char and Int beside.
TEST(CodeGenObj, MixedFieldsRoundTrip) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirType *t = obj_type(p, "Mixed", false, false,
                              {{"Mixed",
                                {{"b", &gir_t_bool},
                                 {"c", &gir_t_char},
                                 {"b2", &gir_t_bool},
                                 {"n", &gir_t_int}}}});
        GirValue v = new_obj(p, t, 0,
                             {gir_const_bool(&p.g, true, p.at(65)),
                              gir_const_char(&p.g, 0x1F600, p.at(65)),
                              gir_const_bool(&p.g, false, p.at(65)),
                              iconst(p, -7)});
        GirValue b = bool_to_int(p, gir_proj(&p.g, v, t, 0, 0, p.at(65)));
        GirValue c = gir_op1(&p.g, GIR_OP_C2I, &gir_t_int,
                             gir_proj(&p.g, v, t, 0, 1, p.at(65)), p.at(65));
        GirValue b2 = bool_to_int(p, gir_proj(&p.g, v, t, 0, 2, p.at(65)));
        GirValue n = gir_proj(&p.g, v, t, 0, 3, p.at(65));
        dec(p, v);
        // b * 1000 + b2 * 100 + n + (c == 0x1F600) * 10
        GirValue r = gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, b, iconst(p, 1000), p.at(65));
        GirValue r2 = gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, b2, iconst(p, 100), p.at(65));
        r = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r, r2, p.at(65));
        r = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r, n, p.at(65));
        GirValue ok = bool_to_int(
            p, gir_op2(&p.g, GIR_OP_IEQ, &gir_t_bool, c, iconst(p, 0x1F600), p.at(65)));
        ok = gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, ok, iconst(p, 10), p.at(65));
        return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r, ok, p.at(65));
      },
      1000 - 7 + 10);
}

// sub area($s: Shape): Int by TAG and an exhaustive SWITCH (no else); it
// consumes $s. area(Circle(2.0)) + area(Rect(3.0, 4.0)) + area(Empty) with
// Circle 3 r², Empty 1.
GirFunc *build_area(Prog &p, GirType *shape) {
  GirFunc *f = p.func("area", &gir_t_int, 70);
  GirValue s = gir_func_add_param(p.m, f, shape);
  gir_value_set_dbg(f, s, "s", p.at(70));
  GirBlock *b0 = f->blocks.data[0], *circle = p.block(f), *rect = p.block(f),
           *empty = p.block(f);
  p.enter(f, b0);
  GirValue tag = gir_tag(&p.g, s, p.at(71));
  GirCase cases[] = {{0, circle}, {1, rect}, {2, empty}};
  gir_switch(&p.g, tag, cases, 3, nullptr, p.at(71));
  p.enter(f, circle);
  GirValue r = gir_proj(&p.g, s, shape, 0, 0, p.at(72));
  GirValue a = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, r, r, p.at(72));
  a = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, a, fconst(p, 3.0), p.at(72));
  dec(p, s);
  gir_ret(&p.g, gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &a, 1, p.at(72)), p.at(72));
  p.enter(f, rect);
  GirValue w = gir_proj(&p.g, s, shape, 1, 0, p.at(73));
  GirValue h = gir_proj(&p.g, s, shape, 1, 1, p.at(73));
  GirValue wh = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, w, h, p.at(73));
  dec(p, s);
  gir_ret(&p.g, gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &wh, 1, p.at(73)), p.at(73));
  p.enter(f, empty);
  dec(p, s);
  gir_ret(&p.g, iconst(p, 1), p.at(74));
  return f;
}

TEST(CodeGenObj, SumTagSwitch) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 0, 2}) {
    Prog p;
    GirType *shape = shape_type(p);
    GirFunc *area = build_area(p, shape);
    p.main_int([&] {
      GirValue c = new_obj(p, shape, 0, {fconst(p, 2.0)});
      GirValue r = new_obj(p, shape, 1, {fconst(p, 3.0), fconst(p, 4.0)});
      GirValue e = new_obj(p, shape, 2, {});
      GirValue a = gir_call(&p.g, area, &c, 1, p.at(75));
      GirValue b = gir_call(&p.g, area, &r, 1, p.at(75));
      GirValue d = gir_call(&p.g, area, &e, 1, p.at(75));
      GirValue s = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, a, b, p.at(75));
      return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, s, d, p.at(75));
    });
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt, /*debug=*/opt == 0), 25) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt;
  }
}

// type Opt = None | Some(Point); type Named = { name: Str, at: Opt }
struct EqTypes {
  GirType *point, *opt, *named;
  explicit EqTypes(Prog &p) {
    point = point_type(p);
    opt = obj_type(p, "Opt", true, false, {{"None", {}}, {"Some", {{nullptr, point}}}});
    named = obj_type(p, "Named", false, false,
                     {{"Named", {{"name", &gir_t_str}, {"at", opt}}}});
  }
};

GirValue some_point(Prog &p, EqTypes &t, double x, double y) {
  GirValue pt = new_obj(p, t.point, 0, {fconst(p, x), fconst(p, y)});
  return new_obj(p, t.opt, 1, {pt});
}

// EQ or CMP (as an Int: EQ 1 / 0) of two values made by `mk`; both dropped.
template <class F> int64_t run_derived(bool eq, F mk) {
  Prog p;
  EqTypes t(p);
  p.main_int([&] {
    auto [a, b] = mk(p, t);
    GirValue r = eq ? bool_to_int(p, gir_eq(&p.g, a, b, p.at(80)))
                    : gir_cmp(&p.g, a, b, p.at(80));
    dec(p, a);
    dec(p, b);
    return r;
  });
  int64_t before = gj_rt_live_objects();
  int status = p.run(0);
  EXPECT_EQ(gj_rt_live_objects(), before);
  return status;
}

// §4: structural equality and the order of sums (tag, then fields) and
// records (fields in order), through nested objects and Str fields.
TEST(CodeGenObj, EqCmpNested) {
  REQUIRE_RUNTIME();
  using V = std::pair<GirValue, GirValue>;
  auto same = [](Prog &p, EqTypes &t) {
    return V{some_point(p, t, 1, 2), some_point(p, t, 1, 2)};
  };
  auto differ = [](Prog &p, EqTypes &t) {
    return V{some_point(p, t, 1, 2), some_point(p, t, 1, 3)};
  };
  auto none_some = [](Prog &p, EqTypes &t) {
    return V{new_obj(p, t.opt, 0, {}), some_point(p, t, -5, -5)};
  };
  auto none_none = [](Prog &p, EqTypes &t) {
    return V{new_obj(p, t.opt, 0, {}), new_obj(p, t.opt, 0, {})};
  };
  auto named = [](Prog &p, EqTypes &t) {
    GirValue b = gir_const_str(&p.g, "b", 1, p.at(81));
    GirValue a = gir_const_str(&p.g, "a", 1, p.at(81));
    return V{new_obj(p, t.named, 0, {b, new_obj(p, t.opt, 0, {})}),
             new_obj(p, t.named, 0, {a, some_point(p, t, 9, 9)})};
  };
  auto named_eq = [](Prog &p, EqTypes &t) {
    GirValue n = iconst(p, 42); // a counted (non-literal) Str
    GirValue s1 = gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &n, 1, p.at(81));
    GirValue s2 = gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &n, 1, p.at(81));
    return V{new_obj(p, t.named, 0, {s1, some_point(p, t, 1, 2)}),
             new_obj(p, t.named, 0, {s2, some_point(p, t, 1, 2)})};
  };
  auto nan = [](Prog &p, EqTypes &t) {
    GirValue z = fconst(p, 0.0);
    GirValue n = gir_op2(&p.g, GIR_OP_FDIV, &gir_t_float, z, z, p.at(81));
    GirValue a = new_obj(p, t.point, 0, {n, z});
    inc(p, a);
    return V{a, a}; // the same object: still NaN != NaN
  };
  EXPECT_EQ(run_derived(true, same), 1);
  EXPECT_EQ(run_derived(false, same), 0);
  EXPECT_EQ(run_derived(true, differ), 0);
  EXPECT_EQ(run_derived(false, differ), -1);
  EXPECT_EQ(run_derived(true, none_some), 0);
  EXPECT_EQ(run_derived(false, none_some), -1); // None < Some(x)
  EXPECT_EQ(run_derived(true, none_none), 1);
  EXPECT_EQ(run_derived(false, none_none), 0);
  EXPECT_EQ(run_derived(false, named), 1); // "b" > "a" decides
  EXPECT_EQ(run_derived(true, named), 0);
  EXPECT_EQ(run_derived(true, named_eq), 1);
  EXPECT_EQ(run_derived(false, named_eq), 0);
  EXPECT_EQ(run_derived(true, nan), 0);
  EXPECT_EQ(run_derived(false, nan), 0);
}

// Scalars: CMP of Int (signed), Char and Bool (unsigned), Float (IEEE).
TEST(CodeGenObj, CmpScalars) {
  REQUIRE_RUNTIME();
  auto run = [](auto mk) {
    Prog p;
    p.main_int([&] {
      auto [a, b] = mk(p);
      return gir_cmp(&p.g, a, b, p.at(82));
    });
    return p.run(0);
  };
  using V = std::pair<GirValue, GirValue>;
  EXPECT_EQ(run([](Prog &p) { return V{iconst(p, -3), iconst(p, 2)}; }), -1);
  EXPECT_EQ(run([](Prog &p) { return V{iconst(p, 5), iconst(p, 5)}; }), 0);
  EXPECT_EQ(run([](Prog &p) {
              return V{gir_const_char(&p.g, 0x1F600, p.at(82)),
                       gir_const_char(&p.g, 'a', p.at(82))};
            }),
            1);
  EXPECT_EQ(run([](Prog &p) {
              return V{gir_const_bool(&p.g, false, p.at(82)),
                       gir_const_bool(&p.g, true, p.at(82))};
            }),
            -1);
  EXPECT_EQ(run([](Prog &p) { return V{fconst(p, 2.5), fconst(p, -1.0)}; }), 1);
  EXPECT_EQ(run([](Prog &p) {
              return V{gir_const_str(&p.g, "ab", 2, p.at(82)),
                       gir_const_str(&p.g, "b", 1, p.at(82))};
            }),
            -1);
}

// write(to_str(v)) for each value `mk` makes, one line each; returns stdout.
std::string run_text(std::function<std::vector<std::pair<GirValue, bool>>(Prog &)> mk) {
  Prog p;
  GirFunc *f = p.func("main", &gir_t_unit, 1);
  p.enter(f, p.block(f));
  for (auto [v, nested] : mk(p)) {
    GirValue cap = iconst(p, 0);
    GirValue buf = gir_call_rt(&p.g, GIR_RT_STR_WITH_CAP, &cap, 1, p.at(90));
    buf = gir_append_text(&p.g, buf, v, nested, p.at(90));
    GirValue args[] = {buf, iconst(p, GJ_WRITE_NL)};
    gir_call_rt(&p.g, GIR_RT_WRITE_STR, args, 2, p.at(90));
    dec(p, buf);
    if (gir_type_is_heap(gir_value_type(f, v)))
      dec(p, v);
  }
  gir_ret(&p.g, GIR_NO_VALUE, p.at(91));
  p.m->main = f;
  int64_t before = gj_rt_live_objects();
  testing::internal::CaptureStdout();
  int status = p.run(0);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, 0);
  EXPECT_EQ(gj_rt_live_objects(), before);
  return out;
}

// §13: records, sums, tuples; fields nested (Str and Char quoted with
// escapes), a Str or Char on its own raw.
TEST(CodeGenObj, TextForms) {
  REQUIRE_RUNTIME();
  std::string out = run_text([](Prog &p) {
    GirType *pt = point_type(p);
    GirType *shape = shape_type(p);
    GirType *opt_str = obj_type(p, "Option[Str]", true, false,
                                {{"None", {}}, {"Some", {{nullptr, &gir_t_str}}}});
    GirType *opt_pt = obj_type(p, "Option[Point]", true, false,
                               {{"None", {}}, {"Some", {{nullptr, pt}}}});
    GirType *tup = obj_type(p, "(Int, Char)", false, true,
                            {{"", {{nullptr, &gir_t_int}, {nullptr, &gir_t_char}}}});
    GirType *misc = obj_type(p, "Misc", false, false,
                             {{"Misc",
                               {{"on", &gir_t_bool},
                                {"name", &gir_t_str},
                                {"c", &gir_t_char},
                                {"u", &gir_t_unit},
                                {"n", &gir_t_int}}}});
    // Unit fields have no storage: NEW takes no argument for them
    GirType *res = obj_type(p, "Result[Unit, Str]", true, false,
                            {{"Ok", {{nullptr, &gir_t_unit}}},
                             {"Err", {{nullptr, &gir_t_str}}}});
    const char *quote = "a\"b";
    const char *tab = "n\tm\x1b";
    GirValue p1 = new_obj(p, pt, 0, {fconst(p, 1.0), fconst(p, 2.5)});
    GirValue p2 = new_obj(p, pt, 0, {fconst(p, -0.5), fconst(p, 1e100)});
    return std::vector<std::pair<GirValue, bool>>{
        {new_obj(p, pt, 0, {fconst(p, 1.0), fconst(p, 2.5)}), false},
        {new_obj(p, opt_str, 1, {gir_const_str(&p.g, quote, 3, p.at(92))}), false},
        {new_obj(p, opt_str, 0, {}), false},
        {new_obj(p, tup, 0, {iconst(p, 1), gir_const_char(&p.g, 'x', p.at(92))}), false},
        {new_obj(p, shape, 2, {}), false},
        {new_obj(p, shape, 1, {fconst(p, 3.0), fconst(p, 4.0)}), true},
        {new_obj(p, opt_pt, 1, {p1}), false},
        {new_obj(p, misc, 0,
                 {gir_const_bool(&p.g, true, p.at(92)),
                  gir_const_str(&p.g, tab, strlen(tab), p.at(92)),
                  gir_const_char(&p.g, '\'', p.at(92)), iconst(p, -12)}),
         false},
        {new_obj(p, res, 0, {}), false},
        {p2, true},
        {gir_const_str(&p.g, quote, 3, p.at(92)), false},
        {gir_const_str(&p.g, quote, 3, p.at(92)), true},
        {gir_const_char(&p.g, 'x', p.at(92)), false},
        {gir_const_char(&p.g, 'x', p.at(92)), true},
    };
  });
  EXPECT_EQ(out, "Point { x: 1.0, y: 2.5 }\n"
                 "Some(\"a\\\"b\")\n"
                 "None\n"
                 "(1, 'x')\n"
                 "Empty\n"
                 "Rect(3.0, 4.0)\n"
                 "Some(Point { x: 1.0, y: 2.5 })\n"
                 "Misc { on: true, name: \"n\\tm\\u{1b}\", c: '\\'', u: (), n: -12 }\n"
                 "Ok(())\n"
                 "Point { x: -0.5, y: 1e+100 }\n"
                 "a\"b\n"
                 "\"a\\\"b\"\n"
                 "x\n"
                 "'x'\n");
}

// type Tree = Leaf | Node(Tree, Str, Tree); type Holder = { t: Tree, s: Str }
// Dropping the root frees every node and string, a shared subtree once.
TEST(CodeGenObj, DropNestedFreesEverything) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 0, 2}) {
    Prog p;
    GirType *tree = obj_type(p, "Tree", true, false,
                             {{"Leaf", {}},
                              {"Node", {{nullptr, nullptr}, {nullptr, &gir_t_str},
                                        {nullptr, nullptr}}}});
    GirType *holder = obj_type(p, "Holder", false, false,
                               {{"Holder", {{"t", tree}, {"s", &gir_t_str}}}});
    p.main_int([&] {
      auto str = [&](int64_t n) {
        GirValue v = iconst(p, n);
        return gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &v, 1, p.at(95));
      };
      auto leaf = [&] { return new_obj(p, tree, 0, {}); };
      GirValue a = new_obj(p, tree, 1, {leaf(), str(1), leaf()});
      inc(p, a); // shared by b and c
      GirValue b = new_obj(p, tree, 1, {a, str(2), leaf()});
      GirValue c = new_obj(p, tree, 1, {b, str(3), a});
      GirValue h = new_obj(p, holder, 0, {c, str(4)});
      dec(p, h);
      return iconst(p, 7);
    });
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), 7) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt;
  }
}

// A chain of a million Cons cells is dropped in constant stack: the drop
// of the last field is a musttail call, even without the optimizer.
TEST(CodeGenObj, DropLongChainInConstantStack) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 2}) {
    Prog p;
    GirType *list = obj_type(p, "IntList", true, false,
                             {{"Nil", {}}, {"Cons", {{nullptr, &gir_t_int}, {nullptr, nullptr}}}});
    GirFunc *f = p.func("main", &gir_t_int, 1);
    GirBlock *b0 = p.block(f), *head = p.block(f), *body = p.block(f),
             *done = p.block(f);
    GirValue i = gir_block_add_param(p.m, f, head, &gir_t_int);
    GirValue acc = gir_block_add_param(p.m, f, head, list);
    p.enter(f, b0);
    GirValue init[] = {iconst(p, 0), new_obj(p, list, 0, {})};
    gir_jmp(&p.g, head, init, 2, p.at(96));
    p.enter(f, head);
    gir_br(&p.g, gir_op2(&p.g, GIR_OP_ILT, &gir_t_bool, i, iconst(p, 1000000), p.at(96)),
           body, done, p.at(96));
    p.enter(f, body);
    GirValue next[] = {gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, i, iconst(p, 1), p.at(96)),
                       new_obj(p, list, 1, {i, acc})};
    gir_jmp(&p.g, head, next, 2, p.at(96));
    p.enter(f, done);
    GirValue t = gir_tag(&p.g, acc, p.at(97));
    dec(p, acc);
    gir_ret(&p.g, t, p.at(97));
    p.m->main = f;
    p.m->main_returns_int = true;
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), 1) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt;
  }
}

// INC/DEC of an immortal (fieldless) constructor leave it alone at run
// time; the static is never freed. The value reaches `f` as a parameter,
// so the run-time rc == 0 path is what runs.
TEST(CodeGenObj, ImmortalIncDecIsNoOp) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 2}) {
    Prog p;
    GirType *shape = shape_type(p);
    GirFunc *f = p.func("f", &gir_t_int, 100);
    GirValue s = gir_func_add_param(p.m, f, shape);
    p.enter(f, f->blocks.data[0]);
    inc(p, s);
    inc(p, s);
    dec(p, s);
    dec(p, s);
    dec(p, s);
    dec(p, s); // more decs than references: still nothing
    gir_ret(&p.g, gir_tag(&p.g, s, p.at(101)), p.at(101));
    p.main_int([&] {
      GirValue e = new_obj(p, shape, 2, {});
      GirValue a = gir_call(&p.g, f, &e, 1, p.at(102));
      GirValue e2 = new_obj(p, shape, 2, {});
      GirValue b = gir_call(&p.g, f, &e2, 1, p.at(102));
      return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, a, b, p.at(102));
    });
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), 4) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before);
  }
}

// The module's shape: one immortal header per fieldless constructor, the
// generated functions by name, none at all for a type of only fieldless
// constructors (it is not counted: GIR has no inc or dec of it, and its
// equality is the tag's).
TEST(CodeGenObj, GeneratedFunctions) {
  Prog p;
  GirType *shape = shape_type(p);
  GirType *pt = point_type(p);
  GirType *color = obj_type(p, "Color", true, false, {{"Red", {}}, {"Green", {}}});
  GirType *label = obj_type(p, "Label", false, false, {{"Label", {{"s", &gir_t_str}}}});
  GirFunc *area = build_area(p, shape);
  GirFunc *g = p.func("g", &gir_t_int, 110);
  GirValue c = gir_func_add_param(p.m, g, color);
  p.enter(g, g->blocks.data[0]);
  EXPECT_FALSE(gir_type_is_heap(color));
  gir_eq(&p.g, c, c, p.at(110));
  gir_ret(&p.g, iconst(p, 0), p.at(110));
  p.main_int([&] {
    GirValue e = new_obj(p, shape, 2, {});
    GirValue e2 = new_obj(p, shape, 2, {});
    GirValue a = gir_call(&p.g, area, &e, 1, p.at(111));
    gir_call(&p.g, area, &e2, 1, p.at(111));
    GirValue q = new_obj(p, pt, 0, {fconst(p, 1), fconst(p, 2)});
    gir_eq(&p.g, q, q, p.at(111));
    dec(p, q);
    GirValue red = new_obj(p, color, 0, {});
    gir_call(&p.g, g, &red, 1, p.at(111));
    GirValue n = iconst(p, 5);
    GirValue str = gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &n, 1, p.at(111));
    dec(p, new_obj(p, label, 0, {str}));
    return a;
  });
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx);
  ASSERT_NE(mod, nullptr);
  for (const char *name : {"dec.Shape", "drop.Shape", "dec.Point", "drop.Point", "eq.Point"}) {
    LLVMValueRef fn = LLVMGetNamedFunction(mod, name);
    ASSERT_NE(fn, nullptr) << name;
    EXPECT_EQ(LLVMGetLinkage(fn), LLVMInternalLinkage) << name;
  }
  EXPECT_EQ(LLVMGetNamedFunction(mod, "inc.Color"), nullptr);
  EXPECT_EQ(LLVMGetNamedFunction(mod, "dec.Color"), nullptr);
  int nstatic = 0;
  for (LLVMValueRef gl = LLVMGetFirstGlobal(mod); gl; gl = LLVMGetNextGlobal(gl))
    if (strncmp(LLVMGetValueName(gl), "gj.obj.Shape.Empty", 18) == 0) {
      nstatic++;
      EXPECT_TRUE(LLVMIsGlobalConstant(gl));
    }
  EXPECT_EQ(nstatic, 1);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  // drop.Label: free the object, then hand its Str to gj_dec in tail position
  EXPECT_NE(text.find("musttail call void @gj_dec"), std::string::npos) << text;
  EXPECT_NE(text.find("call void @gj_obj_free(ptr %0, i64 ptrtoint"), std::string::npos);
  EXPECT_NE(text.find("switch i64"), std::string::npos);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

// §3: a const holding an object is released after main.
TEST(CodeGenObj, ObjectGlobalReleasedAfterMain) {
  REQUIRE_RUNTIME();
  Prog p;
  GirType *pt = point_type(p);
  GirGlobal *gl = gir_global_new(p.m, "ORIGIN", "guji.ORIGIN", pt, p.at(120));
  GirFunc *init = p.func("init", &gir_t_unit, 120);
  p.enter(init, p.block(init));
  gir_global_set(&p.g, gl, new_obj(p, pt, 0, {fconst(p, 6.0), fconst(p, 7.0)}),
                 p.at(120));
  gir_ret(&p.g, GIR_NO_VALUE, p.at(120));
  p.m->init = init;
  p.main_int([&] {
    GirValue o = gir_global_get(&p.g, gl, p.at(121));
    GirValue y = gir_proj(&p.g, o, pt, 0, 1, p.at(121));
    return gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &y, 1, p.at(121));
  });
  int64_t before = gj_rt_live_objects();
  EXPECT_EQ(p.run(0), 7);
  EXPECT_EQ(gj_rt_live_objects(), before);
}

// -g: object types are pointers to structures with the fields at their
// offsets (a union of constructor structs for a sum), so gdb prints
// `*p` and `p->x`.
TEST(CodeGenObj, DebugInfo) {
  Prog p;
  GirType *pt = point_type(p);
  GirType *shape = shape_type(p);
  GirFunc *area = build_area(p, shape);
  p.main_int([&] {
    GirValue q = new_obj(p, pt, 0, {fconst(p, 1), fconst(p, 2)});
    gir_value_set_dbg(p.g.f, q, "q", p.at(1));
    dec(p, q);
    GirValue e = new_obj(p, shape, 2, {});
    return gir_call(&p.g, area, &e, 1, p.at(1));
  });
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx, /*debug=*/true);
  ASSERT_NE(mod, nullptr);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  auto has_line = [&](std::vector<std::string> parts) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      std::string line = text.substr(pos, end - pos);
      bool all = true;
      for (auto &s : parts)
        all = all && line.find(s) != std::string::npos;
      if (all)
        return true;
      if (end == std::string::npos)
        break;
      pos = end + 1;
    }
    return false;
  };
  EXPECT_TRUE(has_line({"DW_TAG_structure_type", "name: \"Point\"", "size: 192"})) << text;
  EXPECT_TRUE(has_line({"DW_TAG_member", "name: \"y\"", "offset: 128"})) << text;
  EXPECT_TRUE(has_line({"DW_TAG_typedef", "name: \"Point\""}));
  EXPECT_TRUE(has_line({"DW_TAG_union_type", "name: \"Shape\""}));
  EXPECT_TRUE(has_line({"DW_TAG_member", "name: \"Rect\""}));
  EXPECT_TRUE(has_line({"DILocalVariable(name: \"q\""}));
  EXPECT_TRUE(has_line({"DILocalVariable(name: \"s\", arg: 1"}));
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  if (runtime_linked()) {
    EXPECT_EQ(p.run(0, true), 1);
  }
}

} // namespace

// ---- closures (§8): sub values, lifted subs, captures --------------------

namespace {

// A lifted sub as lowering makes one: the closure first (borrowed), then
// the sub's own parameters; `caps` its captures.
GirFunc *lifted(Prog &p, const char *name, const GirType *fn_t,
                std::initializer_list<const GirType *> caps, int line) {
  GirFunc *f = p.func(name, fn_t->ret, line);
  f->is_closure_body = true;
  f->captures.data = ARENA_ARRAY(p.m->arena, const GirType *, caps.size() + 1);
  f->captures.cap = caps.size() + 1;
  for (const GirType *t : caps)
    f->captures.data[f->captures.len++] = t;
  gir_func_add_param(p.m, f, fn_t);
  for (uint32_t i = 0; i < fn_t->nparams; i++)
    gir_func_add_param(p.m, f, fn_t->params[i]);
  f->param_borrowed = ARENA_ARRAY(p.m->arena, bool, f->param_types.len);
  memset(f->param_borrowed, 0, f->param_types.len);
  f->param_borrowed[0] = true;
  p.enter(f, f->blocks.data[0]);
  return f;
}

const GirType *int_fn(Prog &p) { // sub(Int): Int
  const GirType *ps[] = {&gir_t_int};
  return gir_type_fn(p.m, ps, 1, &gir_t_int);
}

GirValue param(GirFunc *f, size_t i) { return f->blocks.data[0]->params.data[i]; }

// $k + $x with $k captured (Int).
GirFunc *build_adder(Prog &p, const GirType *fn_t) {
  GirFunc *f = lifted(p, "adder", fn_t, {&gir_t_int}, 20);
  GirValue k = gir_capture(&p.g, param(f, 0), 0, &gir_t_int, p.at(20));
  gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, k, param(f, 1), p.at(20)),
          p.at(20));
  return f;
}

// $s.len() + $x with $s captured (Str).
GirFunc *build_str_len(Prog &p, const GirType *fn_t) {
  GirFunc *f = lifted(p, "strlen", fn_t, {&gir_t_str}, 21);
  GirValue s = gir_capture(&p.g, param(f, 0), 0, &gir_t_str, p.at(21));
  GirValue n = gir_call_rt(&p.g, GIR_RT_STR_LEN, &s, 1, p.at(21));
  gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, n, param(f, 1), p.at(21)),
          p.at(21));
  return f;
}

GirValue str_of(Prog &p, int64_t n) {
  GirValue v = iconst(p, n);
  return gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &v, 1, p.at(22));
}

// Builds main with `body` (in main's first block), runs the RC pass and the
// tail-call marks as the pipeline does, then runs at each level and checks
// the result and that every object made was freed.
template <class B> void expect_closure_main(B build, int64_t want,
                                            std::vector<int> opts = {-1, 0, 2}) {
  for (int opt : opts) {
    Prog p;
    build(p);
    pass_rc(p.m);
    pass_mark_tail_calls(p.m);
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), want) << "opt " << opt;
    EXPECT_EQ(gj_rt_live_objects(), before) << "opt " << opt;
  }
}

} // namespace

// $f = sub($x) { $k + $x } with $k = 40; $f(2)
TEST(CodeGenClosure, AddsCapturedInt) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirFunc *adder = build_adder(p, ft);
        p.main_int([&] {
          GirValue k = iconst(p, 40);
          GirValue c = gir_closure_new(&p.g, adder, ft, &k, 1, p.at(2));
          GirValue x = iconst(p, 2);
          return gir_call_closure(&p.g, c, &x, 1, p.at(3));
        });
      },
      42);
}

// A closure capturing a Str, called twice and dropped: the Str and the
// closure are freed (the live count is back to its baseline).
TEST(CodeGenClosure, CapturedStrCalledTwiceThenDropped) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirFunc *f = build_str_len(p, ft);
        p.main_int([&] {
          GirValue s = str_of(p, 12345);
          GirValue c = gir_closure_new(&p.g, f, ft, &s, 1, p.at(2));
          GirValue one = iconst(p, 1), two = iconst(p, 2);
          GirValue a = gir_call_closure(&p.g, c, &one, 1, p.at(3));
          GirValue b = gir_call_closure(&p.g, c, &two, 1, p.at(4));
          GirValue h = gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, a, iconst(p, 100),
                               p.at(5));
          return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, h, b, p.at(5));
        });
      },
      607);
}

// Without captures a closure is one immortal static: no allocation; inc and
// dec of it (here in `apply`, which owns its parameter) leave it alone.
// $g = sub($x) { $x * 3 }; apply($g, 14), where apply($f, $x) = $f($x).
GirFunc *build_apply(Prog &p, const GirType *ft) {
  GirFunc *apply = p.func("apply", &gir_t_int, 30);
  GirValue f = gir_func_add_param(p.m, apply, ft);
  GirValue x = gir_func_add_param(p.m, apply, &gir_t_int);
  p.enter(apply, apply->blocks.data[0]);
  GirValue r = gir_call_closure(&p.g, f, &x, 1, p.at(30));
  gir_ret(&p.g, r, p.at(30));
  return apply;
}

GirFunc *build_triple(Prog &p, const GirType *ft) {
  GirFunc *f = lifted(p, "triple", ft, {}, 31);
  gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, param(f, 1), iconst(p, 3),
                        p.at(31)),
          p.at(31));
  return f;
}

TEST(CodeGenClosure, CapturelessIsImmortalStatic) {
  Prog p;
  const GirType *ft = int_fn(p);
  GirFunc *triple = build_triple(p, ft);
  GirFunc *apply = build_apply(p, ft);
  p.main_int([&] {
    GirValue c = gir_closure_new(&p.g, triple, ft, nullptr, 0, p.at(2));
    GirValue args[] = {c, iconst(p, 14)};
    return gir_call(&p.g, apply, args, 2, p.at(2));
  });
  pass_rc(p.m);
  pass_mark_tail_calls(p.m);
  {
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = p.codegen(ctx);
    ASSERT_NE(mod, nullptr);
    char *ir = LLVMPrintModuleToString(mod);
    std::string text = ir;
    LLVMDisposeMessage(ir);
    EXPECT_NE(text.find("@gj.closure.triple = private unnamed_addr constant "
                        "%gj.closure { { i32, i16, i16 } { i32 0, i16 9, i16 0 }, "
                        "ptr @guji.triple, ptr null, ptr null }"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("@gj_obj_alloc("), std::string::npos) << text;
    EXPECT_NE(text.find("define internal void @gj.closure.dec(ptr"),
              std::string::npos)
        << text; // apply drops its parameter
    // the lifted sub and the indirect call use the C convention
    EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.triple")),
              (unsigned)LLVMCCallConv);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
  }
  if (runtime_linked()) {
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(0), 42);
    EXPECT_EQ(gj_rt_live_objects(), before);
  }
}

// Higher order: closures passed to a guji sub that calls them; the same
// closure twice (the caller keeps a reference across the first call).
TEST(CodeGenClosure, PassedToHigherOrderSub) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirFunc *f = build_str_len(p, ft);
        GirFunc *triple = build_triple(p, ft);
        GirFunc *apply = build_apply(p, ft);
        p.main_int([&] {
          GirValue s = str_of(p, 1234);
          GirValue c = gir_closure_new(&p.g, f, ft, &s, 1, p.at(2));
          GirValue a1[] = {c, iconst(p, 1)};
          GirValue r1 = gir_call(&p.g, apply, a1, 2, p.at(3)); // 5
          GirValue a2[] = {c, iconst(p, 10)};
          GirValue r2 = gir_call(&p.g, apply, a2, 2, p.at(4)); // 14
          GirValue t = gir_closure_new(&p.g, triple, ft, nullptr, 0, p.at(5));
          GirValue a3[] = {t, iconst(p, 7)};
          GirValue r3 = gir_call(&p.g, apply, a3, 2, p.at(5)); // 21
          GirValue s12 = gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r1, r2, p.at(6));
          return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, s12, r3, p.at(6));
        });
      },
      40);
}

// A closure capturing another closure (and a Bool and a Float, so the
// layout has mixed fields): $twice = sub($x) { if $neg { -$g($x) * $m }
// else { $g($x) * $m } } with $g capturing a Str. Dropping the outer one
// frees the inner one and its Str.
TEST(CodeGenClosure, CapturesAnotherClosure) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirFunc *inner = build_str_len(p, ft);
        GirFunc *outer = lifted(p, "outer", ft, {&gir_t_bool, ft, &gir_t_float}, 40);
        {
          GirValue env = param(outer, 0);
          GirValue neg = gir_capture(&p.g, env, 0, &gir_t_bool, p.at(40));
          GirValue g = gir_capture(&p.g, env, 1, ft, p.at(40));
          GirValue mf = gir_capture(&p.g, env, 2, &gir_t_float, p.at(40));
          GirValue x = param(outer, 1);
          GirValue y = gir_call_closure(&p.g, g, &x, 1, p.at(41));
          GirValue yf = gir_op1(&p.g, GIR_OP_I2F, &gir_t_float, y, p.at(41));
          GirValue prod = gir_op2(&p.g, GIR_OP_FMUL, &gir_t_float, yf, mf, p.at(41));
          GirValue isneg = gir_op2(&p.g, GIR_OP_IEQ, &gir_t_bool, neg,
                                   gir_const_bool(&p.g, true, p.at(41)), p.at(41));
          GirBlock *bn = p.block(outer), *bp = p.block(outer);
          gir_br(&p.g, isneg, bn, bp, p.at(42));
          p.enter(outer, bn);
          GirValue big = gir_op2(&p.g, GIR_OP_FGT, &gir_t_bool, prod,
                                 gir_const_float(&p.g, 10.0, p.at(43)), p.at(43));
          GirBlock *b1 = p.block(outer), *b2 = p.block(outer);
          gir_br(&p.g, big, b1, b2, p.at(43));
          p.enter(outer, b1);
          gir_ret(&p.g, gir_op1(&p.g, GIR_OP_INEG, &gir_t_int, y, p.at(44)), p.at(44));
          p.enter(outer, b2);
          gir_ret(&p.g, iconst(p, -1), p.at(44));
          p.enter(outer, bp);
          gir_ret(&p.g, gir_op2(&p.g, GIR_OP_IMUL, &gir_t_int, y, iconst(p, 2),
                                p.at(45)),
                  p.at(45));
        }
        p.main_int([&] {
          GirValue s = str_of(p, 12345);
          GirValue g = gir_closure_new(&p.g, inner, ft, &s, 1, p.at(2));
          GirValue caps[] = {gir_const_bool(&p.g, true, p.at(2)), g,
                             gir_const_float(&p.g, 2.5, p.at(2))};
          GirValue o = gir_closure_new(&p.g, outer, ft, caps, 3, p.at(2));
          GirValue x = iconst(p, 3);
          // -(5 + 3) since (5 + 3) * 2.5 > 10
          GirValue r = gir_call_closure(&p.g, o, &x, 1, p.at(3));
          return gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, r, iconst(p, 100), p.at(3));
        });
      },
      92);
}

// A closure held in a record field: the record's drop releases it (the last
// field's release is a musttail call of the closure's drop).
TEST(CodeGenClosure, InRecordField) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirType *box = obj_type(p, "Box", false, false,
                                {{"Box", {{"n", &gir_t_int}, {"f", ft}}}});
        GirFunc *f = build_str_len(p, ft);
        p.main_int([&] {
          GirValue s = str_of(p, 123);
          GirValue c = gir_closure_new(&p.g, f, ft, &s, 1, p.at(2));
          GirValue b = new_obj(p, box, 0, {iconst(p, 4), c});
          GirValue g = gir_proj(&p.g, b, box, 0, 1, p.at(3));
          GirValue n = gir_proj(&p.g, b, box, 0, 0, p.at(3));
          return gir_call_closure(&p.g, g, &n, 1, p.at(3)); // 3 + 4
        });
      },
      7);
}

// A chain of a million closures, each capturing the one before, dropped in
// constant stack (each drop's last release is a musttail call).
TEST(CodeGenClosure, DropLongChainInConstantStack) {
  REQUIRE_RUNTIME();
  expect_closure_main(
      [](Prog &p) {
        const GirType *ft = int_fn(p);
        GirFunc *adder = build_adder(p, ft);
        GirFunc *wrap = lifted(p, "wrap", ft, {ft}, 50);
        {
          GirValue g = gir_capture(&p.g, param(wrap, 0), 0, ft, p.at(50));
          GirValue x = param(wrap, 1);
          gir_ret(&p.g, gir_call_closure(&p.g, g, &x, 1, p.at(50)), p.at(50));
        }
        GirFunc *f = p.func("main", &gir_t_int, 1);
        GirBlock *b0 = p.block(f), *head = p.block(f), *body = p.block(f),
                 *done = p.block(f);
        GirValue i = gir_block_add_param(p.m, f, head, &gir_t_int);
        GirValue acc = gir_block_add_param(p.m, f, head, ft);
        p.enter(f, b0);
        GirValue k = iconst(p, 5);
        GirValue init[] = {iconst(p, 0),
                           gir_closure_new(&p.g, adder, ft, &k, 1, p.at(51))};
        gir_jmp(&p.g, head, init, 2, p.at(51));
        p.enter(f, head);
        gir_br(&p.g,
               gir_op2(&p.g, GIR_OP_ILT, &gir_t_bool, i, iconst(p, 1000000), p.at(52)),
               body, done, p.at(52));
        p.enter(f, body);
        GirValue next[] = {gir_op2(&p.g, GIR_OP_IADD, &gir_t_int, i, iconst(p, 1), p.at(53)),
                           gir_closure_new(&p.g, wrap, ft, &acc, 1, p.at(53))};
        gir_jmp(&p.g, head, next, 2, p.at(53));
        p.enter(f, done);
        gir_ret(&p.g, iconst(p, 9), p.at(54));
        p.m->main = f;
        p.m->main_returns_int = true;
      },
      9, {-1, 2});
}

// A lifted sub's tail call into a tailcc group: the lifted sub stays on the
// C convention (closures are called indirectly) and the call is a plain
// one; the module is valid. With -g, a closure is a typedef named after
// its sub type.
TEST(CodeGenClosure, CallingConventionAndDebugInfo) {
  Prog p;
  const GirType *ft = int_fn(p);
  GirFunc *one = p.func("one", &gir_t_int, 60);
  GirFunc *two = p.func("two", &gir_t_int, 61);
  GirValue a1 = gir_func_add_param(p.m, one, &gir_t_int);
  GirValue b2 = gir_func_add_param(p.m, two, &gir_t_int);
  gir_func_add_param(p.m, two, &gir_t_int);
  p.enter(one, one->blocks.data[0]);
  GirValue args[2] = {a1, a1};
  GirValue r1 = gir_call(&p.g, two, args, 2, p.at(60));
  p.mark_tail();
  gir_ret(&p.g, r1, p.at(60));
  p.enter(two, two->blocks.data[0]);
  GirValue r2 = gir_call(&p.g, one, &b2, 1, p.at(61));
  p.mark_tail();
  gir_ret(&p.g, r2, p.at(61));
  GirFunc *lam = lifted(p, "lam", ft, {&gir_t_str}, 62);
  gir_value_set_dbg(lam, param(lam, 0), "self", p.at(62));
  gir_value_set_dbg(lam, param(lam, 1), "x", p.at(62));
  GirValue x = param(lam, 1);
  GirValue r3 = gir_call(&p.g, one, &x, 1, p.at(63));
  p.mark_tail();
  gir_ret(&p.g, r3, p.at(63));
  p.main_int([&] {
    GirValue s = str_of(p, 77);
    gir_value_set_dbg(p.g.f, s, "s", p.at(1));
    GirValue c = gir_closure_new(&p.g, lam, ft, &s, 1, p.at(2));
    gir_value_set_dbg(p.g.f, c, "f", p.at(2));
    GirValue y = iconst(p, 0);
    return gir_call_closure(&p.g, c, &y, 1, p.at(3));
  });
  pass_rc(p.m);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx, /*debug=*/true);
  ASSERT_NE(mod, nullptr);
  EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.one")), 18u);
  EXPECT_EQ(LLVMGetFunctionCallConv(LLVMGetNamedFunction(mod, "guji.lam")),
            (unsigned)LLVMCCallConv);
  char *ir = LLVMPrintModuleToString(mod);
  std::string text = ir;
  LLVMDisposeMessage(ir);
  EXPECT_NE(text.find("= call tailcc i64 @guji.one"), std::string::npos) << text;
  EXPECT_NE(text.find("name: \"sub(Int): Int\""), std::string::npos) << text;
  EXPECT_NE(text.find("name: \"GjClosure\""), std::string::npos) << text;
  EXPECT_NE(text.find("DILocalVariable(name: \"self\", arg: 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("DILocalVariable(name: \"f\""), std::string::npos) << text;
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}
