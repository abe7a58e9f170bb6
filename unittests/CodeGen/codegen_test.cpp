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
#include "guji/CodeGen.h"
#include "guji/GIR.h"
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

#include <string>
#include <vector>

#define CG_PRAGMA(x) _Pragma(#x)
#define GJ_RT(id, cname, sig, flags) CG_PRAGMA(weak cname)
#include "guji/RtFns.def"
#undef GJ_RT
#pragma weak gj_stack_limit
#pragma weak gj_rt_start

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
    CgOptions o = {};
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
  EXPECT_NE(text.find("@gj_stack_limit"), std::string::npos);
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
