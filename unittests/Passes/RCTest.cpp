// RCTest.cpp — pass_rc (Perceus-style RC insertion), pass_mark_tail_calls
// and the pipeline.
//
// Besides checking where inc/dec land, every function is run by a small
// reference-count simulator (Sim below): it executes GIR on Int inputs with
// symbolic string objects and symbolic objects with fields (NEW makes an
// object owning its field references, freeing it drops them; a NEW without
// fields is immortal, like the runtime's static), and fails on a use or dec
// of a freed object, an in-place append through an aliased argument, and
// any object whose count is not back to 0 at the end (globals release their
// reference last). That makes "no leak, no double free" a property checked
// on every path run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#define _Noreturn [[noreturn]] // Support.h is C17
extern "C" {
#include "guji/GIR.h"
#include "guji/Passes.h"
}

#define ARGS(...) std::initializer_list<GirValue>{__VA_ARGS__}.begin()

namespace {

Span sp() { return span_make(0, 0, 0); }

// ---- the simulator ---------------------------------------------------------

struct Obj {
  int rc = 1;
  bool immortal = false;
  std::string text;            // a Str's text; an object's constructor name
  uint32_t tag = 0;            // objects:
  std::vector<int64_t> fields;
  std::vector<const GirType *> field_types;
  const GirFunc *code = nullptr; // a closure's lifted sub (fields: captures)
};

struct Sim {
  std::vector<Obj> objs;
  std::map<const GirGlobal *, int64_t> globals;
  std::vector<std::string> errors;
  std::string out;
  long steps = 0;
  bool panicked = false;

  void err(const std::string &e) { errors.push_back(e); }
  int64_t fresh(const std::string &t, bool immortal = false) {
    Obj o;
    o.text = t;
    o.immortal = immortal;
    o.rc = immortal ? 0 : 1;
    objs.push_back(o);
    return (int64_t)objs.size() - 1;
  }
  bool alive(int64_t id, const char *what) {
    if (id < 0 || id >= (int64_t)objs.size()) {
      err(std::string(what) + " of a non-object");
      return false;
    }
    if (!objs[id].immortal && objs[id].rc <= 0) {
      err(std::string(what) + " of freed object #" + std::to_string(id) +
          " \"" + objs[id].text + "\"");
      return false;
    }
    return true;
  }
  void inc(int64_t id) {
    if (alive(id, "inc") && !objs[id].immortal) objs[id].rc++;
  }
  // Freeing an object drops the references its fields hold.
  void dec(int64_t id) {
    if (!alive(id, "dec") || objs[id].immortal || --objs[id].rc > 0) return;
    for (size_t i = 0; i < objs[id].fields.size(); i++)
      if (gir_type_is_heap(objs[id].field_types[i])) dec(objs[id].fields[i]);
  }
  int64_t make(const GirInst &in, const std::vector<int64_t> &v) {
    const GirCtor &c = in.imm.ctor.type->ctors[in.imm.ctor.index];
    int64_t id = fresh(c.name, in.nargs == 0);
    objs[id].tag = in.imm.ctor.index;
    for (uint32_t i = 0; i < in.nargs; i++) {
      objs[id].fields.push_back(v[in.args[i]]);
      objs[id].field_types.push_back(c.fields[i]);
    }
    return id;
  }
  // Reuse (GIR.h): a token is an object id whose memory is held (its count
  // 0, so any use of the old object is a use after free) or -1.
  std::vector<int64_t> held;
  bool kept(const GirInst &in, size_t i) {
    return i < 64 && (in.imm.reset.keep >> i & 1);
  }
  int64_t reset(const GirInst &in, int64_t x, bool drop) {
    if (!alive(x, gir_op_name(in.op))) return -1;
    Obj &o = objs[x];
    if (o.tag != in.imm.reset.ctor) err("reset of the wrong constructor");
    if (!o.immortal && o.rc == 1) {
      o.rc = 0;
      for (size_t i = 0; i < o.fields.size(); i++)
        if (!kept(in, i) && gir_type_is_heap(o.field_types[i]))
          dec(objs[x].fields[i]);
      if (drop) return -1;
      held.push_back(x);
      return x;
    }
    for (size_t i = 0; i < o.fields.size(); i++)
      if (kept(in, i) && gir_type_is_heap(o.field_types[i])) inc(o.fields[i]);
    dec(x);
    return -1;
  }
  bool take_token(int64_t t) {
    auto it = std::find(held.begin(), held.end(), t);
    if (it == held.end()) {
      err("reuse or release of a token not held (twice?)");
      return false;
    }
    held.erase(it);
    return true;
  }
  int64_t reuse(const GirInst &in, const std::vector<int64_t> &v) {
    int64_t t = v[in.args[0]];
    if (t < 0) {
      GirInst rest = in;
      rest.args++, rest.nargs--;
      return make(rest, v);
    }
    if (!take_token(t)) return -1;
    const GirCtor &c = in.imm.ctor.type->ctors[in.imm.ctor.index];
    Obj &o = objs[t];
    o = Obj();
    o.text = c.name;
    o.tag = in.imm.ctor.index;
    for (uint32_t i = 1; i < in.nargs; i++) {
      o.fields.push_back(v[in.args[i]]);
      o.field_types.push_back(c.fields[i - 1]);
    }
    return t;
  }
  int64_t proj(const GirInst &in, int64_t o) {
    if (!alive(o, "proj")) return -1;
    if (objs[o].tag != in.imm.ctor.index) {
      err("proj of the wrong constructor");
      return -1;
    }
    return objs[o].fields[in.imm.ctor.field];
  }
  // §4's order, structurally (Ints, Strs, objects, lists).
  int cmp(const GirType *t, int64_t a, int64_t b) {
    if (t->kind == GIR_T_STR) return text(a).compare(text(b));
    if (t->kind == GIR_T_LIST) {
      if (!alive(a, "cmp") || !alive(b, "cmp")) return 0;
      const std::vector<int64_t> &x = objs[a].fields, &y = objs[b].fields;
      for (size_t i = 0; i < x.size() && i < y.size(); i++)
        if (int c = cmp(t->elem, x[i], y[i])) return c;
      return x.size() < y.size() ? -1 : x.size() > y.size();
    }
    if (t->kind != GIR_T_OBJ) return a < b ? -1 : a > b;
    if (!alive(a, "cmp") || !alive(b, "cmp")) return 0;
    if (objs[a].tag != objs[b].tag) return objs[a].tag < objs[b].tag ? -1 : 1;
    for (size_t i = 0; i < objs[a].fields.size(); i++)
      if (int c = cmp(objs[a].field_types[i], objs[a].fields[i], objs[b].fields[i]))
        return c;
    return 0;
  }
  std::string show(const GirType *t, int64_t v, bool nested) {
    if (t->kind == GIR_T_STR) return nested ? "\"" + text(v) + "\"" : text(v);
    if (t->kind == GIR_T_LIST) {
      if (!alive(v, "append_text")) return "";
      std::string r = "[";
      for (size_t i = 0; i < objs[v].fields.size(); i++)
        r += (i ? ", " : "") + show(t->elem, objs[v].fields[i], true);
      return r + "]";
    }
    if (t->kind != GIR_T_OBJ) return std::to_string(v);
    if (!alive(v, "append_text")) return "";
    std::string r = objs[v].text;
    for (size_t i = 0; i < objs[v].fields.size(); i++)
      r += (i ? ", " : "(") + show(objs[v].field_types[i], objs[v].fields[i], true);
    return objs[v].fields.empty() ? r : r + ")";
  }
  const std::string &text(int64_t id) {
    static const std::string none;
    return alive(id, "use") ? objs[id].text : none;
  }
  // gj_str_append_*: consumes `s`; mutates in place when unique.
  int64_t append(int64_t s, const std::string &suffix, int64_t borrowed = -1) {
    if (!alive(s, "append")) return s;
    if (!objs[s].immortal && objs[s].rc == 1) {
      if (s == borrowed) err("in-place append of an aliased argument");
      objs[s].text += suffix;
      return s;
    }
    int64_t r = fresh(objs[s].text + suffix);
    dec(s);
    return r;
  }

  int64_t rt(GirRtId id, const std::vector<int64_t> &a) {
    switch (id) {
    case GIR_RT_WRITE_INT: out += std::to_string(a[0]); return 0;
    case GIR_RT_WRITE_STR: out += text(a[0]) + (a[1] & 1 ? "\n" : ""); return 0;
    case GIR_RT_STR_FROM_INT: return fresh(std::to_string(a[0]));
    case GIR_RT_STR_CONCAT: return fresh(text(a[0]) + text(a[1]));
    case GIR_RT_STR_APPEND_STR: return append(a[0], text(a[1]), a[1]);
    case GIR_RT_STR_APPEND_INT: return append(a[0], std::to_string(a[1]));
    case GIR_RT_STR_LEN: return (int64_t)text(a[0]).size();
    case GIR_RT_STR_EQ: return text(a[0]) == text(a[1]);
    case GIR_RT_PANIC: out += "panic: " + text(a[0]); panicked = true; return 0;
    case GIR_RT_DEC: dec(a[0]); return 0;
    default: err("runtime function not simulated"); return 0;
    }
  }

  int64_t inst(const GirInst &in, std::vector<int64_t> &v) {
    auto A = [&](int i) { return v[in.args[i]]; };
    switch (in.op) {
    case GIR_OP_CONST_INT: return in.imm.i;
    case GIR_OP_CONST_BOOL: return in.imm.b;
    case GIR_OP_CONST_STR: return fresh(std::string(in.imm.str.data, in.imm.str.len), true);
    case GIR_OP_IADD: return A(0) + A(1);
    case GIR_OP_ISUB: return A(0) - A(1);
    case GIR_OP_IMUL: return A(0) * A(1);
    case GIR_OP_IEQ: return A(0) == A(1);
    case GIR_OP_ILT: return A(0) < A(1);
    case GIR_OP_BNOT: return !A(0);
    case GIR_OP_INC: inc(A(0)); return 0;
    case GIR_OP_DEC: dec(A(0)); return 0;
    case GIR_OP_GLOBAL_GET:
      if (gir_type_is_heap(in.type)) alive(globals[in.imm.global], "global.get");
      return globals[in.imm.global];
    case GIR_OP_GLOBAL_SET: globals[in.imm.global] = A(0); return 0;
    case GIR_OP_NEW: return make(in, v);
    case GIR_OP_RESET: return reset(in, A(0), false);
    case GIR_OP_DROP: reset(in, A(0), true); return 0;
    case GIR_OP_REUSE: return reuse(in, v);
    case GIR_OP_RELEASE:
      if (A(0) >= 0) take_token(A(0));
      return 0;
    case GIR_OP_PROJ: return proj(in, A(0));
    case GIR_OP_TAG: return alive(A(0), "tag") ? objs[A(0)].tag : -1;
    case GIR_OP_EQ: return cmp(type_of(in.args[0]), A(0), A(1)) == 0;
    case GIR_OP_CMP: return cmp(type_of(in.args[0]), A(0), A(1));
    case GIR_OP_APPEND_TEXT: {
      const GirType *t = type_of(in.args[1]);
      return append(A(0), show(t, A(1), in.imm.nested),
                    gir_type_is_heap(t) ? A(1) : -1);
    }
    case GIR_OP_CALL_RT: {
      std::vector<int64_t> a;
      for (uint32_t i = 0; i < in.nargs; i++) a.push_back(A(i));
      return rt(in.imm.rt, a);
    }
    case GIR_OP_CALL: {
      std::vector<int64_t> a;
      for (uint32_t i = 0; i < in.nargs; i++) a.push_back(A(i));
      return call(in.imm.call.callee, a);
    }
    case GIR_OP_LIST_NEW: case GIR_OP_LIST_PUSH: case GIR_OP_LIST_SET:
    case GIR_OP_LIST_GET: case GIR_OP_LIST_LEN: case GIR_OP_LIST_CONCAT:
    case GIR_OP_LIST_SLICE: case GIR_OP_LIST_OP:
      return list_op(in, v);
    case GIR_OP_CLOSURE_NEW: { // an object of the captures; none: immortal
      const GirFunc *c = in.imm.closure.callee;
      int64_t id = fresh(c->name, in.nargs == 0);
      objs[id].code = c;
      for (uint32_t i = 0; i < in.nargs; i++) {
        objs[id].fields.push_back(A(i));
        objs[id].field_types.push_back(c->captures.data[i]);
      }
      return id;
    }
    case GIR_OP_CAPTURE:
      if (!alive(A(0), "capture")) return -1;
      return objs[A(0)].fields.at(in.imm.closure.field);
    case GIR_OP_CALL_CLOSURE: {
      if (!alive(A(0), "call.closure") || objs[A(0)].code == nullptr) {
        err("call.closure of a non-closure");
        return 0;
      }
      std::vector<int64_t> a;
      for (uint32_t i = 0; i < in.nargs; i++) a.push_back(A(i));
      return call(objs[A(0)].code, a);
    }
    default: err(std::string("op not simulated: ") + gir_op_name(in.op)); return 0;
    }
  }

  const GirFunc *cur = nullptr;
  const GirType *type_of(GirValue x) { return cur->values.data[x].type; }

  // Lists: objects whose fields are the elements (references they own).
  // An update consumes the list: in place when its count is 1 (as the
  // runtime does), else on a copy that incs the elements it shares, so a
  // missing inc shows up as a changed old version or a use after free.
  int64_t new_list(const GirType *lt, std::vector<int64_t> elems, bool share) {
    int64_t id = fresh("list");
    for (int64_t e : elems) {
      if (share && gir_type_is_heap(lt->elem)) inc(e);
      objs[id].fields.push_back(e);
      objs[id].field_types.push_back(lt->elem);
    }
    return id;
  }
  int64_t unique_list(const GirType *lt, int64_t l) {
    if (objs[l].rc == 1) return l;
    int64_t c = new_list(lt, objs[l].fields, true);
    dec(l);
    return c;
  }
  int64_t list_op(const GirInst &in, std::vector<int64_t> &v) {
    auto A = [&](int i) { return v[in.args[i]]; };
    const GirType *lt = in.op == GIR_OP_LIST_NEW ? in.imm.list.type
                                                 : type_of(in.args[0]);
    if (in.op == GIR_OP_LIST_NEW) {
      std::vector<int64_t> es;
      for (uint32_t i = 0; i < in.nargs; i++) es.push_back(A(i));
      return new_list(lt, es, false);
    }
    int64_t l = A(0);
    if (!alive(l, gir_op_name(in.op))) return -1;
    std::vector<int64_t> es = objs[l].fields;
    int64_t n = (int64_t)es.size();
    bool heap = gir_type_is_heap(lt->elem);
    switch (in.op) {
    case GIR_OP_LIST_PUSH: {
      l = unique_list(lt, l);
      objs[l].fields.push_back(A(1));
      objs[l].field_types.push_back(lt->elem);
      return l;
    }
    case GIR_OP_LIST_SET: {
      if (A(1) < 0 || A(1) >= n) {
        out += "panic: index out of range";
        panicked = true;
        return 0;
      }
      l = unique_list(lt, l);
      if (heap) dec(objs[l].fields[A(1)]);
      objs[l].fields[A(1)] = A(2);
      return l;
    }
    case GIR_OP_LIST_GET:
      if (A(1) < 0 || A(1) >= n) {
        out += "panic: index out of range";
        panicked = true;
        return 0;
      }
      if (heap) alive(es[A(1)], "list.get");
      return es[A(1)]; // borrowed: the RC pass incs it
    case GIR_OP_LIST_LEN: return n;
    case GIR_OP_LIST_CONCAT: {
      if (!alive(A(1), "list.concat")) return -1;
      for (int64_t e : objs[A(1)].fields) es.push_back(e);
      return new_list(lt, es, true);
    }
    case GIR_OP_LIST_SLICE:
      if (A(1) < 0 || A(1) > A(2) || A(2) > n) {
        out += "panic: slice out of range";
        panicked = true;
        return 0;
      }
      return new_list(lt, std::vector<int64_t>(es.begin() + A(1), es.begin() + A(2)),
                      true);
    case GIR_OP_LIST_OP:
      switch ((GirListFn)in.imm.list.fn) {
      case GIR_LIST_SORTED:
        std::stable_sort(es.begin(), es.end(), [&](int64_t x, int64_t y) {
          return cmp(lt->elem, x, y) < 0;
        });
        return new_list(lt, es, true);
      case GIR_LIST_REVERSED:
        std::reverse(es.begin(), es.end());
        return new_list(lt, es, true);
      case GIR_LIST_TAKE:
      case GIR_LIST_DROP: {
        int64_t k = std::max<int64_t>(0, std::min<int64_t>(A(1), n));
        if (in.imm.list.fn == GIR_LIST_TAKE) es.resize((size_t)k);
        else es.erase(es.begin(), es.begin() + k);
        return new_list(lt, es, true);
      }
      case GIR_LIST_CONTAINS:
      case GIR_LIST_INDEX_OF:
        if (heap) alive(A(1), "list.op's argument");
        for (int64_t i = 0; i < n; i++)
          if (cmp(lt->elem, es[i], A(1)) == 0)
            return in.imm.list.fn == GIR_LIST_CONTAINS ? 1 : i;
        return in.imm.list.fn == GIR_LIST_CONTAINS ? 0 : -1;
      case GIR_LIST_JOIN: {
        std::string r;
        for (int64_t i = 0; i < n; i++) r += (i ? text(A(1)) : "") + text(es[i]);
        return fresh(r);
      }
      }
      break;
    default: break;
    }
    err("bad list op");
    return 0;
  }

  int64_t call(const GirFunc *f, const std::vector<int64_t> &args) {
    const GirFunc *saved = cur;
    int64_t r = run_func(f, args);
    cur = saved;
    return r;
  }

  int64_t run_func(const GirFunc *f, const std::vector<int64_t> &args) {
    cur = f;
    std::vector<int64_t> v(f->values.len, -1);
    const GirBlock *b = f->blocks.data[0];
    for (size_t i = 0; i < args.size(); i++) v[b->params.data[i]] = args[i];
    while (errors.size() < 20 && ++steps < 1000000) {
      for (size_t i = 0; i < b->insts.len; i++) {
        const GirInst &in = b->insts.data[i];
        int64_t r = inst(in, v);
        if (panicked) return 0;
        if (in.result != GIR_NO_VALUE) v[in.result] = r;
      }
      const GirTerm &t = b->term;
      switch (t.kind) {
      case GIR_TERM_RET: return t.value == GIR_NO_VALUE ? 0 : v[t.value];
      case GIR_TERM_JMP: {
        std::vector<int64_t> a;
        for (uint32_t i = 0; i < t.nargs; i++) a.push_back(v[t.args[i]]);
        for (uint32_t i = 0; i < t.nargs; i++) v[t.target->params.data[i]] = a[i];
        b = t.target;
        break;
      }
      case GIR_TERM_BR: b = v[t.value] ? t.target : t.else_target; break;
      case GIR_TERM_SWITCH: {
        const GirBlock *next = t.else_target;
        for (uint32_t i = 0; i < t.ncases; i++)
          if (t.cases[i].value == v[t.value]) next = t.cases[i].target;
        if (next == nullptr) {
          err("switch without a matching case");
          return 0;
        }
        b = next;
        break;
      }
      default: err("reached unreachable"); return 0;
      }
    }
    err("step limit");
    return 0;
  }

  // Runs init (if any), then f; drops f's heap result, the Str arguments of
  // its borrowed parameters (the caller owns them) and the globals; then
  // checks every count. Returns f's result (for Int) .
  int64_t run(const GirModule *m, const GirFunc *f, std::vector<int64_t> args,
              const std::vector<bool> &str_args = {}) {
    for (size_t i = 0; i < str_args.size(); i++)
      if (str_args[i]) args[i] = fresh("arg" + std::to_string(i));
    if (m->init) call(m->init, {});
    int64_t r = call(f, args);
    if (!panicked) {
      for (size_t i = 0; i < str_args.size(); i++) // the caller's references
        if (str_args[i] && f->param_borrowed && f->param_borrowed[i])
          dec(args[i]);
      if (gir_type_is_heap(f->ret)) {
        result_text = text(r);
        dec(r);
      }
      for (auto &g : globals)
        if (gir_type_is_heap(g.first->type)) dec(g.second);
      if (!held.empty()) err("a reuse token was neither reused nor released");
      for (size_t i = 0; i < objs.size(); i++)
        if (!objs[i].immortal && objs[i].rc != 0)
          err("object #" + std::to_string(i) + " \"" + objs[i].text +
              "\" ends with count " + std::to_string(objs[i].rc));
    }
    return r;
  }
  std::string result_text;
};

std::string join(const std::vector<std::string> &v) {
  std::string s;
  for (auto &x : v) s += x + "\n";
  return s;
}

// ---- fixture ---------------------------------------------------------------

struct RCTest : ::testing::Test {
  Arena *arena = arena_new();
  GirModule *m = gir_module_new(arena, "t.guji");
  ~RCTest() override { arena_free(arena); }

  GirFunc *func(const char *name, const GirType *ret,
                std::initializer_list<const GirType *> params = {}) {
    GirFunc *f = gir_func_new(m, name, name, ret, sp());
    for (auto t : params) gir_func_add_param(m, f, t);
    if (f->blocks.len == 0) gir_block_new(m, f, nullptr);
    return f;
  }
  static GirBuilder at(GirModule *m, GirFunc *f, uint32_t block = 0) {
    return GirBuilder{m, f, f->blocks.data[block]};
  }
  void rc() {
    ASSERT_TRUE(gir_verify_module(m, stderr)) << ir();
    pass_rc(m);
    ASSERT_TRUE(gir_verify_module(m, stderr)) << ir();
  }
  // RC and tail calls with the borrow flags the test set (the pipeline
  // would infer its own and add reuse).
  bool rc_tail() {
    if (!gir_verify_module(m, stderr)) return false;
    pass_rc(m);
    if (!gir_verify_module(m, stderr)) return false;
    pass_mark_tail_calls(m);
    return gir_verify_module(m, stderr);
  }
  std::string ir() {
    char *s = gir_module_to_string(m, nullptr);
    std::string r(s);
    free(s);
    return r;
  }
  // The text of block b of f (f alone: block ids repeat across functions).
  std::string block_text(GirFunc *f, uint32_t b) {
    char *buf = nullptr;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    gir_print_func(f, nullptr, mem);
    fclose(mem);
    std::string all(buf, len);
    free(buf);
    std::string head = "\nb" + std::to_string(b);
    size_t at = all.find(head + ":");
    if (at == std::string::npos) at = all.find(head + "(");
    if (at == std::string::npos) at = all.find(head + ".");
    if (at == std::string::npos) return "";
    size_t end = all.find("\nb", at + 1);
    size_t fn_end = all.find("\n}", at + 1);
    if (end == std::string::npos || fn_end < end) end = fn_end;
    return all.substr(at + 1, end - at);
  }
  static int count(const GirFunc *f, GirOp op, GirValue v = GIR_NO_VALUE) {
    int n = 0;
    for (size_t b = 0; b < f->blocks.len; b++)
      for (size_t i = 0; i < f->blocks.data[b]->insts.len; i++) {
        const GirInst &in = f->blocks.data[b]->insts.data[i];
        if (in.op == op && (v == GIR_NO_VALUE || in.args[0] == v)) n++;
      }
    return n;
  }
  void sim_ok(GirFunc *f, std::vector<int64_t> args, std::vector<bool> strs = {},
              std::string *out = nullptr) {
    Sim s;
    s.run(m, f, args, strs);
    EXPECT_TRUE(s.errors.empty()) << join(s.errors) << ir();
    if (out) *out = s.out + s.result_text;
  }
};

// A Str built, printed, then dropped: one dec right after the print.
TEST_F(RCTest, PrintedThenDropped) {
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue n = gir_const_int(&g, 42, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n, 1, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(s, one), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0:\n"
            "  %0: Int = const.i 42\n"
            "  %1: Str = call.rt gj_str_from_int(%0)\n"
            "  %2: Int = const.i 1\n"
            "  call.rt gj_write_str(%1, %2)\n"
            "  dec %1\n"
            "  ret\n");
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "42\n");
}

// Consumed twice by one call: one inc, no dec in the caller.
TEST_F(RCTest, PassedTwiceToConsumingCall) {
  GirFunc *g2 = func("both", &gir_t_unit, {&gir_t_str, &gir_t_str});
  {
    GirBuilder g = at(m, g2);
    GirValue zero = gir_const_int(&g, 0, sp());
    gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(0, zero), 2, sp());
    gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(1, zero), 2, sp());
    gir_ret(&g, GIR_NO_VALUE, sp());
  }
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue n = gir_const_int(&g, 7, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n, 1, sp());
  gir_call(&g, g2, ARGS(s, s), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, s), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC), 0);
  EXPECT_EQ(count(g2, GIR_OP_DEC), 2); // the callee owns both
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "77");
}

// Used in one branch only: dec at the start of the other branch, and after
// the last (borrowing) use in the first.
TEST_F(RCTest, UsedInOneBranch) {
  GirFunc *f = func("f", &gir_t_unit, {&gir_t_str, &gir_t_bool});
  GirBlock *b1 = gir_block_new(m, f, "then");
  GirBlock *b2 = gir_block_new(m, f, "else");
  GirBuilder g = at(m, f);
  gir_br(&g, 1, b1, b2, sp());
  gir_set_block(&g, b1);
  GirValue z = gir_const_int(&g, 0, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(0, z), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  gir_set_block(&g, b2);
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(block_text(f, 1),
            "b1.then:\n"
            "  %2: Int = const.i 0\n"
            "  call.rt gj_write_str(%0, %2)\n"
            "  dec %0\n"
            "  ret\n");
  EXPECT_EQ(block_text(f, 2), "b2.else:\n  dec %0\n  ret\n");
  sim_ok(f, {0, 1}, {true});
  sim_ok(f, {0, 0}, {true});
}

// A br target with two predecessors where the value dies on one edge only:
// the edge is split.
TEST_F(RCTest, CriticalEdgeIsSplit) {
  GirFunc *f = func("f", &gir_t_unit, {&gir_t_str, &gir_t_bool});
  GirBlock *use = gir_block_new(m, f, "use");
  GirBlock *join_b = gir_block_new(m, f, "join");
  GirBuilder g = at(m, f);
  gir_br(&g, 1, use, join_b, sp());
  gir_set_block(&g, use);
  GirValue z = gir_const_int(&g, 0, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(0, z), 2, sp());
  gir_jmp(&g, join_b, nullptr, 0, sp());
  gir_set_block(&g, join_b);
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  ASSERT_EQ(f->blocks.len, 4u);
  EXPECT_EQ(f->blocks.data[0]->term.else_target, f->blocks.data[3]);
  EXPECT_EQ(block_text(f, 3), "b3.edge:\n  dec %0\n  jmp b2\n");
  EXPECT_EQ(count(f, GIR_OP_DEC), 2);
  sim_ok(f, {0, 1}, {true});
  sim_ok(f, {0, 0}, {true});
}

// `mut $s = ""; while $i < $n { $s = $s ++ "x"; $i += 1 }; $s` in both
// forms lowering may use: concat (borrows) and append (consumes).
GirFunc *build_repeat(GirModule *m, const char *name, bool append) {
  GirFunc *f = gir_func_new(m, name, name, &gir_t_str, sp());
  GirValue n = gir_func_add_param(m, f, &gir_t_int);
  GirBlock *loop = gir_block_new(m, f, "loop");
  GirValue s = gir_block_add_param(m, f, loop, &gir_t_str);
  GirValue i = gir_block_add_param(m, f, loop, &gir_t_int);
  GirBlock *body = gir_block_new(m, f, "body");
  GirBlock *done = gir_block_new(m, f, "done");
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue e = gir_const_str(&g, "", 0, sp());
  GirValue zero = gir_const_int(&g, 0, sp());
  gir_jmp(&g, loop, ARGS(e, zero), 2, sp());
  gir_set_block(&g, loop);
  GirValue c = gir_op2(&g, GIR_OP_ILT, &gir_t_bool, i, n, sp());
  gir_br(&g, c, body, done, sp());
  gir_set_block(&g, body);
  GirValue x = gir_const_str(&g, "x", 1, sp());
  GirValue s2 = gir_call_rt(&g, append ? GIR_RT_STR_APPEND_STR : GIR_RT_STR_CONCAT,
                            ARGS(s, x), 2, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue i2 = gir_op2(&g, GIR_OP_IADD, &gir_t_int, i, one, sp());
  gir_jmp(&g, loop, ARGS(s2, i2), 2, sp());
  gir_set_block(&g, done);
  gir_ret(&g, s, sp());
  return f;
}

TEST_F(RCTest, LoopRebindingStrConcat) {
  GirFunc *f = build_repeat(m, "rep", false);
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC), 0);
  EXPECT_EQ(count(f, GIR_OP_DEC), 1); // the old $s, after the concat
  for (int64_t n : {0, 1, 3}) {
    std::string out;
    sim_ok(f, {n}, {}, &out);
    EXPECT_EQ(out, std::string((size_t)n, 'x'));
  }
}

TEST_F(RCTest, LoopRebindingStrAppend) {
  GirFunc *f = build_repeat(m, "rep", true);
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC), 0);
  EXPECT_EQ(count(f, GIR_OP_DEC), 0); // the append consumes the old $s
  for (int64_t n : {0, 1, 5}) {
    std::string out;
    sim_ok(f, {n}, {}, &out);
    EXPECT_EQ(out, std::string((size_t)n, 'x'));
  }
}

// A value both consumed and borrowed by one runtime call keeps a reference
// across it (no in-place append through an alias).
TEST_F(RCTest, ConsumedAndBorrowedBySameCall) {
  GirFunc *f = func("dbl", &gir_t_str, {&gir_t_int});
  GirBuilder g = at(m, f);
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, ARGS(0), 1, sp());
  GirValue d = gir_call_rt(&g, GIR_RT_STR_APPEND_STR, ARGS(s, s), 2, sp());
  gir_ret(&g, d, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, s), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, s), 1);
  std::string out;
  sim_ok(f, {12}, {}, &out);
  EXPECT_EQ(out, "1212");
}

// Unused values: a result dec'd right after its definition, an unused
// parameter at the entry.
TEST_F(RCTest, UnusedResultAndParam) {
  GirFunc *f = func("f", &gir_t_int, {&gir_t_str, &gir_t_int});
  GirBuilder g = at(m, f);
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, ARGS(1), 1, sp());
  (void)s;
  gir_ret(&g, 1, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0(%0: Str, %1: Int):\n"
            "  dec %0\n"
            "  %2: Str = call.rt gj_str_from_int(%1)\n"
            "  dec %2\n"
            "  ret %1\n");
  sim_ok(f, {0, 3}, {true});
}

// §8: the recursive call stays the last instruction, so it is a tail call;
// the dec of the old string goes before it.
TEST_F(RCTest, TailCallStaysLast) {
  GirFunc *f = func("count", &gir_t_int, {&gir_t_str, &gir_t_int});
  GirBlock *base = gir_block_new(m, f, "base");
  GirBlock *rec = gir_block_new(m, f, "rec");
  GirBuilder g = at(m, f);
  GirValue zero = gir_const_int(&g, 0, sp());
  GirValue c = gir_op2(&g, GIR_OP_IEQ, &gir_t_bool, 1, zero, sp());
  gir_br(&g, c, base, rec, sp());
  gir_set_block(&g, base);
  GirValue len = gir_call_rt(&g, GIR_RT_STR_LEN, ARGS(0), 1, sp());
  gir_ret(&g, len, sp());
  gir_set_block(&g, rec);
  GirValue ab = gir_const_str(&g, "ab", 2, sp());
  GirValue s2 = gir_call_rt(&g, GIR_RT_STR_CONCAT, ARGS(0, ab), 2, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue n1 = gir_op2(&g, GIR_OP_ISUB, &gir_t_int, 1, one, sp());
  GirValue r = gir_call(&g, f, ARGS(s2, n1), 2, sp());
  gir_ret(&g, r, sp());
  ASSERT_TRUE(rc_tail());
  EXPECT_EQ(block_text(f, 2),
            "b2.rec:\n"
            "  %5: Str = const.s \"ab\"\n"
            "  %6: Str = call.rt gj_str_concat(%0, %5)\n"
            "  dec %0\n"
            "  %7: Int = const.i 1\n"
            "  %8: Int = sub.i %1, %7\n"
            "  %9: Int = call count(%6, %8) tail\n"
            "  ret %9\n");
  EXPECT_EQ(block_text(f, 1),
            "b1.base:\n"
            "  %4: Int = call.rt gj_str_len(%0)\n"
            "  dec %0\n"
            "  ret %4\n");
  Sim s;
  int64_t res = s.run(m, f, {0, 3}, {true});
  EXPECT_TRUE(s.errors.empty()) << join(s.errors);
  EXPECT_EQ(res, 4 + 6); // "arg0" + 3 × "ab"
}

// A Unit call followed by `ret` is a tail call too; a call whose result is
// not returned is not.
TEST_F(RCTest, MarkTailCalls) {
  GirFunc *h = func("h", &gir_t_unit);
  GirBuilder gh = at(m, h);
  gir_ret(&gh, GIR_NO_VALUE, sp());
  GirFunc *k = func("k", &gir_t_int);
  GirBuilder gk = at(m, k);
  gir_ret(&gk, gir_const_int(&gk, 1, sp()), sp());
  GirFunc *f = func("f", &gir_t_unit);
  GirBuilder g = at(m, f);
  gir_call(&g, k, nullptr, 0, sp());
  gir_call(&g, h, nullptr, 0, sp());
  gir_call(&g, h, nullptr, 0, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  ASSERT_TRUE(rc_tail());
  const GirBlock *b = f->blocks.data[0];
  EXPECT_FALSE(b->insts.data[0].imm.call.tail);
  EXPECT_FALSE(b->insts.data[1].imm.call.tail);
  EXPECT_TRUE(b->insts.data[2].imm.call.tail);
  // idempotent, and clears a stale mark
  b->insts.data[1].imm.call.tail = true;
  pass_mark_tail_calls(m);
  EXPECT_FALSE(b->insts.data[1].imm.call.tail);
  EXPECT_TRUE(b->insts.data[2].imm.call.tail);
}

// Literals are immortal: no inc or dec, even when consumed twice. Global
// values are borrowed: inc at each consuming use, never dec.
TEST_F(RCTest, LiteralsAndGlobals) {
  GirGlobal *gl = gir_global_new(m, "greeting", "guji.greeting", &gir_t_str, sp());
  GirFunc *init = func("init", &gir_t_unit);
  m->init = init;
  {
    GirBuilder g = at(m, init);
    GirValue n = gir_const_int(&g, 5, sp());
    GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n, 1, sp());
    gir_global_set(&g, gl, s, sp());
    gir_ret(&g, GIR_NO_VALUE, sp());
  }
  GirFunc *take = func("take", &gir_t_unit, {&gir_t_str, &gir_t_str});
  {
    GirBuilder g = at(m, take);
    GirValue z = gir_const_int(&g, 0, sp());
    GirValue c = gir_call_rt(&g, GIR_RT_STR_CONCAT, ARGS(0, 1), 2, sp());
    gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(c, z), 2, sp());
    gir_ret(&g, GIR_NO_VALUE, sp());
  }
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue lit = gir_const_str(&g, "hi", 2, sp());
  gir_call(&g, take, ARGS(lit, lit), 2, sp());
  GirValue gv = gir_global_get(&g, gl, sp());
  GirValue z = gir_const_int(&g, 0, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(gv, z), 2, sp());
  gir_call(&g, take, ARGS(gv, gv), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, lit), 0);
  EXPECT_EQ(count(f, GIR_OP_DEC, lit), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, gv), 2);
  EXPECT_EQ(count(f, GIR_OP_DEC, gv), 0);
  EXPECT_EQ(count(init, GIR_OP_INC) + count(init, GIR_OP_DEC), 0);
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "hihi555");
}

// After a panic nothing is dec'd: the block ends in `unreachable`.
TEST_F(RCTest, NoDecAfterPanic) {
  GirFunc *f = func("f", &gir_t_unit, {&gir_t_str});
  GirBuilder g = at(m, f);
  gir_call_rt(&g, GIR_RT_PANIC, ARGS(0), 1, sp());
  gir_unreachable(&g, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0(%0: Str):\n"
            "  call.rt gj_panic(%0)\n"
            "  unreachable\n");
}

// A loop whose exit passes the string on through a jmp, and a string
// kept alive across iterations while another is rebuilt.
TEST_F(RCTest, LoopCarryingTwoStrings) {
  // loop(keep: Str, acc: Str, i: Int): if i < n { acc2 = append(acc, keep);
  // jmp loop(keep, acc2, i+1) } else { jmp out(acc) }; out(r): write keep?
  GirFunc *f = func("f", &gir_t_str, {&gir_t_int, &gir_t_str});
  GirBlock *loop = gir_block_new(m, f, "loop");
  GirValue keep = gir_block_add_param(m, f, loop, &gir_t_str);
  GirValue acc = gir_block_add_param(m, f, loop, &gir_t_str);
  GirValue i = gir_block_add_param(m, f, loop, &gir_t_int);
  GirBlock *body = gir_block_new(m, f, "body");
  GirBlock *exit = gir_block_new(m, f, "exit");
  GirBlock *out = gir_block_new(m, f, "out");
  GirValue r = gir_block_add_param(m, f, out, &gir_t_str);
  GirBuilder g = at(m, f);
  GirValue e = gir_const_str(&g, "<", 1, sp());
  GirValue zero = gir_const_int(&g, 0, sp());
  gir_jmp(&g, loop, ARGS(1, e, zero), 3, sp());
  gir_set_block(&g, loop);
  GirValue c = gir_op2(&g, GIR_OP_ILT, &gir_t_bool, i, 0, sp());
  gir_br(&g, c, body, exit, sp());
  gir_set_block(&g, body);
  GirValue acc2 = gir_call_rt(&g, GIR_RT_STR_APPEND_STR, ARGS(acc, keep), 2, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue i2 = gir_op2(&g, GIR_OP_IADD, &gir_t_int, i, one, sp());
  gir_jmp(&g, loop, ARGS(keep, acc2, i2), 3, sp());
  gir_set_block(&g, exit);
  gir_jmp(&g, out, ARGS(acc), 1, sp());
  gir_set_block(&g, out);
  GirValue fin = gir_call_rt(&g, GIR_RT_STR_APPEND_INT, ARGS(r, 0), 2, sp());
  gir_ret(&g, fin, sp());
  rc();
  for (int64_t n : {0, 1, 3}) {
    std::string res;
    sim_ok(f, {n, 0}, {false, true}, &res);
    std::string want = "<";
    for (int k = 0; k < n; k++) want += "arg1";
    EXPECT_EQ(res, want + std::to_string(n));
  }
}

// The simulator itself: without RC the loop leaks; one dec too many is a
// use after free.
TEST_F(RCTest, SimulatorCatchesLeaksAndDoubleFrees) {
  GirFunc *f = build_repeat(m, "rep", false);
  Sim leak;
  leak.run(m, f, {2});
  EXPECT_FALSE(leak.errors.empty());
  pass_rc(m);
  GirBlock *done = f->blocks.data[3];
  GirInst extra = done->insts.len ? done->insts.data[0] : GirInst{};
  extra.op = GIR_OP_DEC;
  extra.result = GIR_NO_VALUE;
  extra.type = &gir_t_unit;
  extra.args = ARENA_ARRAY(arena, GirValue, 1);
  extra.args[0] = f->blocks.data[1]->params.data[0];
  extra.nargs = 1;
  std::vector<GirInst> insts(done->insts.data, done->insts.data + done->insts.len);
  insts.push_back(extra);
  done->insts.data = ARENA_ARRAY(arena, GirInst, insts.size());
  std::copy(insts.begin(), insts.end(), done->insts.data);
  done->insts.len = done->insts.cap = insts.size();
  Sim twice;
  twice.run(m, f, {2});
  EXPECT_NE(join(twice.errors).find("of freed object"), std::string::npos)
      << join(twice.errors);
}

// ---- objects (§10), switch, borrowed parameters ------------------------------

// Person = {name: Str, age: Int}; Option[Str] = None | Some(Str)
struct RCObjTest : RCTest {
  GirType *person = nullptr, *opt = nullptr;
  RCObjTest() {
    person = gir_type_obj(m, "Person", false, false, 1);
    GirCtor &pc = person->ctors[0];
    pc.name = "Person";
    pc.nfields = 2;
    pc.fields = ARENA_ARRAY(arena, const GirType *, 2);
    pc.fields[0] = &gir_t_str;
    pc.fields[1] = &gir_t_int;
    pc.field_names = ARENA_ARRAY(arena, const char *, 2);
    pc.field_names[0] = "name";
    pc.field_names[1] = "age";
    opt = gir_type_obj(m, "Option[Str]", true, false, 2);
    opt->ctors[0].name = "None";
    opt->ctors[1].name = "Some";
    opt->ctors[1].nfields = 1;
    opt->ctors[1].fields = ARENA_ARRAY(arena, const GirType *, 1);
    opt->ctors[1].fields[0] = &gir_t_str;
  }
  static void borrow(GirModule *m, GirFunc *f, std::initializer_list<bool> bs) {
    f->param_borrowed = ARENA_ARRAY(m->arena, bool, bs.size());
    std::copy(bs.begin(), bs.end(), f->param_borrowed);
  }
};

// `let $p = Person{name: 7.to_str, age: 3}; print($p.name)`: NEW takes the
// string over; the projected name is inc'd right after the PROJ, before
// the record (and with it its reference to the name) is dropped.
TEST_F(RCObjTest, RecordFieldProjectedThenBothDropped) {
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue k = gir_const_int(&g, 7, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &k, 1, sp());
  GirValue age = gir_const_int(&g, 3, sp());
  GirValue p = gir_new(&g, person, 0, ARGS(s, age), 2, sp());
  GirValue name = gir_proj(&g, p, person, 0, 0, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(name, one), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0:\n"
            "  %0: Int = const.i 7\n"
            "  %1: Str = call.rt gj_str_from_int(%0)\n"
            "  %2: Int = const.i 3\n"
            "  %3: Person = new Person(%1, %2)\n"
            "  %4: Str = proj %3.Person.name\n"
            "  inc %4\n"
            "  dec %3\n"
            "  %5: Int = const.i 1\n"
            "  call.rt gj_write_str(%4, %5)\n"
            "  dec %4\n"
            "  ret\n");
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "7\n");
  // The simulator models the fields: without the inc, dropping the record
  // frees the name before it is printed.
  GirBlock *b = f->blocks.data[0];
  ASSERT_EQ(b->insts.data[5].op, GIR_OP_INC);
  b->insts.data[5].op = GIR_OP_IADD; // disable it (no result: a no-op)
  b->insts.data[5].nargs = 0;
  Sim bad;
  bad.run(m, f, {});
  EXPECT_NE(join(bad.errors).find("of freed object"), std::string::npos)
      << join(bad.errors);
}

// match $o { None => 0, Some($s) => $s.len }: the payload is projected in
// one arm only; the other arm drops the scrutinee on entry.
GirFunc *build_len_or_zero(GirModule *m, const GirType *opt) {
  GirFunc *f = gir_func_new(m, "len_or_zero", "len_or_zero", &gir_t_int, sp());
  GirValue o = gir_func_add_param(m, f, opt);
  GirBlock *none_b = gir_block_new(m, f, "none");
  GirBlock *some_b = gir_block_new(m, f, "some");
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue t = gir_tag(&g, o, sp());
  GirCase cs[2] = {{0, none_b}, {1, some_b}};
  gir_switch(&g, t, cs, 2, nullptr, sp());
  gir_set_block(&g, none_b);
  gir_ret(&g, gir_const_int(&g, 0, sp()), sp());
  gir_set_block(&g, some_b);
  GirValue s = gir_proj(&g, o, opt, 1, 0, sp());
  gir_ret(&g, gir_call_rt(&g, GIR_RT_STR_LEN, &s, 1, sp()), sp());
  return f;
}

// main($k) = len_or_zero(if $k == 0 { None } else { Some($k.to_str) })
GirFunc *build_opt_main(GirModule *m, const GirType *opt, GirFunc *callee) {
  GirFunc *f = gir_func_new(m, "main", "main", &gir_t_int, sp());
  GirValue k = gir_func_add_param(m, f, &gir_t_int);
  GirBlock *b_none = gir_block_new(m, f, nullptr);
  GirBlock *b_some = gir_block_new(m, f, nullptr);
  GirBlock *join_b = gir_block_new(m, f, "join");
  GirValue p = gir_block_add_param(m, f, join_b, opt);
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue z = gir_const_int(&g, 0, sp());
  gir_br(&g, gir_op2(&g, GIR_OP_IEQ, &gir_t_bool, k, z, sp()), b_none, b_some,
         sp());
  gir_set_block(&g, b_none);
  GirValue n = gir_new(&g, opt, 0, nullptr, 0, sp());
  gir_jmp(&g, join_b, &n, 1, sp());
  gir_set_block(&g, b_some);
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &k, 1, sp());
  GirValue o = gir_new(&g, opt, 1, &s, 1, sp());
  gir_jmp(&g, join_b, &o, 1, sp());
  gir_set_block(&g, join_b);
  gir_ret(&g, gir_call(&g, callee, &p, 1, sp()), sp());
  return f;
}

TEST_F(RCObjTest, SumSwitchedPayloadProjectedInOneArm) {
  GirFunc *f = build_len_or_zero(m, opt);
  GirFunc *main_f = build_opt_main(m, opt, f);
  ASSERT_TRUE(rc_tail()) << ir();
  EXPECT_EQ(block_text(f, 0),
            "b0(%0: Option[Str]):\n"
            "  %1: Int = tag %0\n"
            "  switch %1 [0 → b1, 1 → b2]\n");
  EXPECT_EQ(block_text(f, 1),
            "b1.none:\n"
            "  dec %0\n"
            "  %2: Int = const.i 0\n"
            "  ret %2\n");
  EXPECT_EQ(block_text(f, 2),
            "b2.some:\n"
            "  %3: Str = proj %0.Some.0\n"
            "  inc %3\n"
            "  dec %0\n"
            "  %4: Int = call.rt gj_str_len(%3)\n"
            "  dec %3\n"
            "  ret %4\n");
  // the owning call stays a tail call
  EXPECT_TRUE(VEC_LAST(main_f->blocks.data[3]->insts).imm.call.tail);
  EXPECT_EQ(count(main_f, GIR_OP_INC) + count(main_f, GIR_OP_DEC), 0);
  Sim none_run, some_run;
  EXPECT_EQ(none_run.run(m, main_f, {0}), 0);
  EXPECT_TRUE(none_run.errors.empty()) << join(none_run.errors) << ir();
  EXPECT_EQ(some_run.run(m, main_f, {4242}), 4);
  EXPECT_TRUE(some_run.errors.empty()) << join(some_run.errors) << ir();
}

// The same with a borrowed scrutinee: the callee neither decs it nor incs
// it for reading, and its payload, read from a borrowed value, is borrowed
// too (no inc/dec pair around the read); the caller decs it after the
// call, which is therefore no tail call.
TEST_F(RCObjTest, BorrowedScrutinee) {
  GirFunc *f = build_len_or_zero(m, opt);
  borrow(m, f, {true});
  GirFunc *main_f = build_opt_main(m, opt, f);
  ASSERT_TRUE(rc_tail()) << ir();
  EXPECT_EQ(count(f, GIR_OP_DEC, 0), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, 0), 0);
  EXPECT_EQ(block_text(f, 2),
            "b2.some:\n"
            "  %3: Str = proj %0.Some.0\n"
            "  %4: Int = call.rt gj_str_len(%3)\n"
            "  ret %4\n");
  EXPECT_EQ(block_text(main_f, 3),
            "b3.join(%1: Option[Str]):\n"
            "  %7: Int = call len_or_zero(%1)\n"
            "  dec %1\n"
            "  ret %7\n");
  EXPECT_FALSE(VEC_LAST(main_f->blocks.data[3]->insts).imm.call.tail);
  for (int64_t k : {0, 77}) {
    Sim s;
    EXPECT_EQ(s.run(m, main_f, {k}), k ? 2 : 0);
    EXPECT_TRUE(s.errors.empty()) << join(s.errors) << ir();
  }
}

// A borrowed parameter that is returned is inc'd (the callee does not own
// it); one that is only read gets no inc or dec at all; one passed to an
// owning callee is inc'd before, and that call stays a tail call.
TEST_F(RCObjTest, BorrowedParameters) {
  GirFunc *ident = func("ident", &gir_t_str, {&gir_t_str});
  borrow(m, ident, {true});
  {
    GirBuilder g = at(m, ident);
    gir_ret(&g, 0, sp());
  }
  GirFunc *peek = func("peek", &gir_t_int, {&gir_t_str});
  borrow(m, peek, {true});
  {
    GirBuilder g = at(m, peek);
    GirValue n = gir_call_rt(&g, GIR_RT_STR_LEN, ARGS(0), 1, sp());
    GirValue d = gir_op2(&g, GIR_OP_IADD, &gir_t_int, n, n, sp());
    gir_ret(&g, d, sp());
  }
  GirFunc *take = func("take", &gir_t_int, {&gir_t_str});
  {
    GirBuilder g = at(m, take);
    gir_ret(&g, gir_call_rt(&g, GIR_RT_STR_LEN, ARGS(0), 1, sp()), sp());
  }
  GirFunc *pass = func("pass", &gir_t_int, {&gir_t_str});
  borrow(m, pass, {true});
  {
    GirBuilder g = at(m, pass);
    gir_ret(&g, gir_call(&g, take, ARGS(0), 1, sp()), sp());
  }
  // main() = { $s = 12.to_str; $t = ident($s); peek($t) + pass($s) +
  //            peek($s) }
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue k = gir_const_int(&g, 12, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &k, 1, sp());
  GirValue t = gir_call(&g, ident, &s, 1, sp());
  GirValue a = gir_call(&g, peek, &t, 1, sp());
  GirValue b = gir_call(&g, pass, &s, 1, sp());
  GirValue c = gir_call(&g, peek, &s, 1, sp());
  GirValue ab = gir_op2(&g, GIR_OP_IADD, &gir_t_int, a, b, sp());
  gir_ret(&g, gir_op2(&g, GIR_OP_IADD, &gir_t_int, ab, c, sp()), sp());
  ASSERT_TRUE(rc_tail()) << ir();
  EXPECT_EQ(block_text(ident, 0), "b0(%0: Str):\n  inc %0\n  ret %0\n");
  EXPECT_EQ(count(peek, GIR_OP_INC) + count(peek, GIR_OP_DEC), 0);
  EXPECT_EQ(block_text(pass, 0),
            "b0(%0: Str):\n"
            "  inc %0\n"
            "  %1: Int = call take(%0) tail\n"
            "  ret %1\n");
  EXPECT_EQ(count(take, GIR_OP_DEC, 0), 1);
  // main: no inc for the borrowing calls; each value dec'd after its last
  EXPECT_EQ(count(f, GIR_OP_INC), 0);
  EXPECT_EQ(block_text(f, 0),
            "b0:\n"
            "  %0: Int = const.i 12\n"
            "  %1: Str = call.rt gj_str_from_int(%0)\n"
            "  %2: Str = call ident(%1)\n"
            "  %3: Int = call peek(%2)\n"
            "  dec %2\n"
            "  %4: Int = call pass(%1)\n"
            "  %5: Int = call peek(%1)\n"
            "  dec %1\n"
            "  %6: Int = add.i %3, %4\n"
            "  %7: Int = add.i %6, %5\n"
            "  ret %7\n");
  Sim sim;
  EXPECT_EQ(sim.run(m, f, {}), 4 + 2 + 4);
  EXPECT_TRUE(sim.errors.empty()) << join(sim.errors) << ir();
  // called directly (the test owns the argument)
  for (GirFunc *h : {ident, peek, pass}) {
    Sim d;
    d.run(m, h, {0}, {true});
    EXPECT_TRUE(d.errors.empty()) << h->name << "\n" << join(d.errors);
  }
}

// A value stored by NEW and used afterwards is inc'd before the NEW; the
// record's drop releases that reference.
TEST_F(RCObjTest, NewConsumesValueUsedLater) {
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue k = gir_const_int(&g, 5, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &k, 1, sp());
  GirValue p = gir_new(&g, person, 0, ARGS(s, k), 2, sp());
  GirValue z = gir_const_int(&g, 0, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(s, z), 2, sp());
  GirValue age = gir_proj(&g, p, person, 0, 1, sp());
  gir_ret(&g, age, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0:\n"
            "  %0: Int = const.i 5\n"
            "  %1: Str = call.rt gj_str_from_int(%0)\n"
            "  inc %1\n"
            "  %2: Person = new Person(%1, %0)\n"
            "  %3: Int = const.i 0\n"
            "  call.rt gj_write_str(%1, %3)\n"
            "  dec %1\n"
            "  %4: Int = proj %2.Person.age\n"
            "  dec %2\n"
            "  ret %4\n");
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "5");
}

// A nullary constructor's NEW is its immortal static: treated like any
// owned value (the dec is a no-op at run time). A projected value nobody
// uses gets neither inc nor dec.
TEST_F(RCObjTest, NullaryConstructorAndUnusedProjection) {
  GirFunc *f = func("f", &gir_t_int, {&gir_t_str});
  GirBuilder g = at(m, f);
  GirValue n = gir_new(&g, opt, 0, nullptr, 0, sp());
  GirValue t = gir_tag(&g, n, sp());
  GirValue p = gir_new(&g, person, 0, ARGS(0, t), 2, sp());
  gir_proj(&g, p, person, 0, 0, sp());
  GirValue e = gir_eq(&g, p, p, sp());
  GirValue c = gir_cmp(&g, n, n, sp());
  GirValue r = gir_op2(&g, GIR_OP_IADD, &gir_t_int, t, c, sp());
  (void)e;
  gir_ret(&g, r, sp());
  rc();
  EXPECT_EQ(block_text(f, 0),
            "b0(%0: Str):\n"
            "  %1: Option[Str] = new Option[Str].None()\n"
            "  %2: Int = tag %1\n"
            "  %3: Person = new Person(%0, %2)\n"
            "  %4: Str = proj %3.Person.name\n"
            "  %5: Bool = eq %3, %3\n"
            "  dec %3\n"
            "  %6: Int = cmp %1, %1\n"
            "  dec %1\n"
            "  %7: Int = add.i %2, %6\n"
            "  ret %7\n");
  sim_ok(f, {0}, {true});
}

// append_text consumes its buffer and borrows the value; the same string
// as both keeps a reference across (no in-place append of an alias).
TEST_F(RCObjTest, AppendTextConsumesBufferBorrowsValue) {
  GirFunc *f = func("show", &gir_t_str, {&gir_t_str});
  GirBuilder g = at(m, f);
  GirValue o = gir_new(&g, opt, 1, ARGS(0), 1, sp());
  GirValue pre = gir_const_str(&g, "v=", 2, sp());
  GirValue b1 = gir_append_text(&g, pre, o, false, sp());
  GirValue b2 = gir_append_text(&g, b1, b1, true, sp());
  gir_ret(&g, b2, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_DEC, o), 1);
  EXPECT_EQ(count(f, GIR_OP_INC, o), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, b1), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, b1), 1);
  std::string out;
  sim_ok(f, {0}, {true}, &out);
  EXPECT_EQ(out, "v=Some(\"arg0\")\"v=Some(\"arg0\")\"");
}

// Several switch slots into a join the value dies on: they share one
// split edge, and the arm that uses the value decs it itself.
// pass_simplify: a jump to a block nothing else jumps to is a renaming;
// the blocks merge (the parameter's binding name passes to the argument),
// while a block with two predecessors stays.
TEST_F(RCTest, SimplifyMergesSinglePredecessorBlocks) {
  GirFunc *f = func("f", &gir_t_int, {&gir_t_int});
  GirBlock *arm = gir_block_new(m, f, "arm");
  GirValue p = gir_block_add_param(m, f, arm, &gir_t_int);
  gir_value_set_dbg(f, p, "x", sp());
  GirBlock *join_b = gir_block_new(m, f, "join");
  GirValue q = gir_block_add_param(m, f, join_b, &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue a = gir_op2(&g, GIR_OP_IADD, &gir_t_int, 0, one, sp());
  gir_jmp(&g, arm, &a, 1, sp());
  gir_set_block(&g, arm);
  GirValue c = gir_op2(&g, GIR_OP_ILT, &gir_t_bool, p, one, sp());
  GirBlock *t = gir_block_new(m, f, "t"), *e = gir_block_new(m, f, "e");
  gir_br(&g, c, t, e, sp());
  gir_set_block(&g, t);
  gir_jmp(&g, join_b, &p, 1, sp());
  gir_set_block(&g, e);
  gir_jmp(&g, join_b, &one, 1, sp());
  gir_set_block(&g, join_b);
  gir_ret(&g, q, sp());
  pass_simplify(m);
  ASSERT_TRUE(gir_verify_module(m, stderr)) << ir();
  ASSERT_EQ(f->blocks.len, 4u) << ir(); // entry+arm, join, t, e
  EXPECT_EQ(block_text(f, 0),
            "b0(%0: Int):\n"
            "  %3: Int = const.i 1\n"
            "  %4: Int = add.i %0, %3                 ; $x\n"
            "  %5: Bool = lt.i %4, %3\n"
            "  br %5, b2, b3\n");
  EXPECT_EQ(block_text(f, 1), "b1.join(%2: Int):\n  ret %2\n");
}

// ---- the whole pipeline: borrow inference, RC, reuse -----------------------

// rewrap($o) = match $o { None => None, Some($s) => Some($s ++ "!") }
GirFunc *build_rewrap(GirModule *m, const GirType *opt) {
  GirFunc *f = gir_func_new(m, "rewrap", "rewrap", opt, sp());
  GirValue o = gir_func_add_param(m, f, opt);
  GirBlock *none_b = gir_block_new(m, f, "none");
  GirBlock *some_b = gir_block_new(m, f, "some");
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirCase cs[2] = {{0, none_b}, {1, some_b}};
  gir_switch(&g, gir_tag(&g, o, sp()), cs, 2, nullptr, sp());
  gir_set_block(&g, none_b);
  gir_ret(&g, gir_new(&g, opt, 0, nullptr, 0, sp()), sp());
  gir_set_block(&g, some_b);
  GirValue s = gir_proj(&g, o, opt, 1, 0, sp());
  GirValue bang = gir_const_str(&g, "!", 1, sp());
  GirValue s2 = gir_call_rt(&g, GIR_RT_STR_CONCAT, ARGS(s, bang), 2, sp());
  gir_ret(&g, gir_new(&g, opt, 1, &s2, 1, sp()), sp());
  return f;
}

// main($k): $o = Some($k.to_str); $r = rewrap($o); then, when `keep`, the
// length of $o's payload (so $o is shared at the call) plus $r's.
GirFunc *build_rewrap_main(GirModule *m, const GirType *opt, GirFunc *rw,
                           bool keep) {
  GirFunc *f = gir_func_new(m, "main", "main", &gir_t_int, sp());
  GirValue k = gir_func_add_param(m, f, &gir_t_int);
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &k, 1, sp());
  GirValue o = gir_new(&g, opt, 1, &s, 1, sp());
  GirValue r = gir_call(&g, rw, &o, 1, sp());
  GirValue rs = gir_proj(&g, r, opt, 1, 0, sp());
  GirValue n = gir_call_rt(&g, GIR_RT_STR_LEN, &rs, 1, sp());
  if (keep) {
    GirValue os = gir_proj(&g, o, opt, 1, 0, sp());
    GirValue n2 = gir_call_rt(&g, GIR_RT_STR_LEN, &os, 1, sp());
    n = gir_op2(&g, GIR_OP_IMUL, &gir_t_int, n, gir_const_int(&g, 10, sp()), sp());
    n = gir_op2(&g, GIR_OP_IADD, &gir_t_int, n, n2, sp());
  }
  gir_ret(&g, n, sp());
  return f;
}

// The arm that takes Some apart and builds a Some hands the payload to
// the projection (no inc) and builds in the old cell; the unique and the
// shared case both run clean in the simulator (no leak, no use after
// free, the shared original intact).
void check_rewrap(RCObjTest &t, bool keep) {
  GirFunc *rw = build_rewrap(t.m, t.opt);
  GirFunc *main_f = build_rewrap_main(t.m, t.opt, rw, keep);
  t.m->main = main_f;
  ASSERT_TRUE(pass_run_pipeline(t.m, true, stderr)) << t.ir();
  EXPECT_FALSE(rw->param_borrowed[0]) << "reusable: owned";
  EXPECT_EQ(t.block_text(rw, 2),
            "b2.some:\n"
            "  %3: Str = proj %0.Some.0\n"
            "  %7: Reuse = reset %0 Option[Str].Some keep 0\n"
            "  %4: Str = const.s \"!\"\n"
            "  %5: Str = call.rt gj_str_concat(%3, %4)\n"
            "  dec %3\n"
            "  %6: Option[Str] = reuse %7 Option[Str].Some(%5)\n"
            "  ret %6\n");
  Sim sim;
  int64_t r = sim.run(t.m, main_f, {123});
  EXPECT_TRUE(sim.errors.empty()) << join(sim.errors) << t.ir();
  EXPECT_EQ(r, keep ? 43 : 4);
  // The simulator models RESET: without `keep`, the unique path would drop
  // the payload the projection still reads.
  GirInst *reset = &rw->blocks.data[2]->insts.data[1];
  ASSERT_EQ(reset->op, GIR_OP_RESET);
  reset->imm.reset.keep = 0;
  Sim bad;
  bad.run(t.m, main_f, {123});
  if (!keep) {
    EXPECT_NE(join(bad.errors).find("of freed object"), std::string::npos)
        << join(bad.errors);
  }
}

TEST_F(RCObjTest, ReuseUnique) { check_rewrap(*this, false); }
TEST_F(RCObjTest, ReuseShared) { check_rewrap(*this, true); }

// A sub that only reads its argument borrows it — but a tail call that
// passes it a value the caller owns makes the parameter owned again, so
// the call stays a tail call (§8); a sub passing its parameter on to an
// owned one then owns it too (consumed there).
TEST_F(RCObjTest, BorrowInferenceKeepsTailCalls) {
  GirFunc *f = build_len_or_zero(m, opt);
  GirFunc *reader = func("reader", &gir_t_int, {opt});
  {
    GirBuilder g = at(m, reader);
    GirValue a = gir_call(&g, f, ARGS(0), 1, sp());
    GirValue b = gir_call(&g, f, ARGS(0), 1, sp());
    gir_ret(&g, gir_op2(&g, GIR_OP_IADD, &gir_t_int, a, b, sp()), sp());
  }
  pass_infer_borrowed(m);
  EXPECT_TRUE(f->param_borrowed[0]);
  EXPECT_TRUE(reader->param_borrowed[0]);
  // now a caller that owns its Option and calls f in tail position
  GirFunc *main_f = build_opt_main(m, opt, f);
  m->main = main_f;
  ASSERT_TRUE(pass_run_pipeline(m, true, stderr)) << ir();
  EXPECT_FALSE(f->param_borrowed[0]) << "tail-called with an owned value";
  EXPECT_FALSE(reader->param_borrowed[0]);
  const GirBlock *join_b = main_f->blocks.data[3];
  EXPECT_TRUE(join_b->insts.data[join_b->insts.len - 1].imm.call.tail) << ir();
  // reader passes its parameter on twice: one inc, the last use consumes
  EXPECT_EQ(count(reader, GIR_OP_INC, 0), 1) << ir();
  EXPECT_EQ(count(reader, GIR_OP_DEC, 0), 0) << ir();
  for (int64_t k : {0, 5}) {
    Sim sim;
    sim.run(m, main_f, {k});
    EXPECT_TRUE(sim.errors.empty()) << join(sim.errors) << ir();
  }
}

TEST_F(RCObjTest, SwitchEdgesSplitOnce) {
  GirFunc *f = func("f", &gir_t_unit, {&gir_t_str, &gir_t_int});
  GirBlock *use = gir_block_new(m, f, "use");
  GirBlock *join_b = gir_block_new(m, f, "join");
  GirBuilder g = at(m, f);
  GirCase cs[3] = {{0, use}, {1, join_b}, {2, join_b}};
  gir_switch(&g, 1, cs, 3, join_b, sp());
  gir_set_block(&g, use);
  GirValue z = gir_const_int(&g, 0, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(0, z), 2, sp());
  gir_jmp(&g, join_b, nullptr, 0, sp());
  gir_set_block(&g, join_b);
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  ASSERT_EQ(f->blocks.len, 4u);
  const GirTerm &t = f->blocks.data[0]->term;
  EXPECT_EQ(t.cases[0].target, use);
  EXPECT_EQ(t.cases[1].target, f->blocks.data[3]);
  EXPECT_EQ(t.cases[2].target, f->blocks.data[3]);
  EXPECT_EQ(t.else_target, f->blocks.data[3]);
  EXPECT_EQ(block_text(f, 3), "b3.edge:\n  dec %0\n  jmp b2\n");
  EXPECT_EQ(count(f, GIR_OP_DEC), 2);
  for (int64_t k : {0, 1, 2, 3}) sim_ok(f, {0, k}, {true});
}

// ---- closures (§8) -----------------------------------------------------------

struct RCClosureTest : RCTest {
  // A lifted sub: first parameter the closure (borrowed), then `params`.
  GirFunc *lifted(const char *name, const GirType *fn_t, const GirType *ret,
                  std::initializer_list<const GirType *> caps,
                  std::initializer_list<const GirType *> params) {
    GirFunc *f = gir_func_new(m, name, name, ret, sp());
    f->is_closure_body = true;
    f->captures.data = ARENA_ARRAY(m->arena, const GirType *, caps.size() + 1);
    for (auto t : caps) f->captures.data[f->captures.len++] = t;
    f->captures.cap = caps.size() + 1;
    gir_func_add_param(m, f, fn_t);
    for (auto t : params) gir_func_add_param(m, f, t);
    f->param_borrowed = ARENA_ARRAY(m->arena, bool, f->param_types.len);
    f->param_borrowed[0] = true;
    return f;
  }
};

// sub main() { $s = 42.to_str(); $f = sub($x: Int): Str { $s };
//   print($f(1)); print($f(2)) } — the captured Str is returned (a new
// reference each time), the closure borrowed by both calls and dropped
// after the last; every count returns to zero.
TEST_F(RCClosureTest, CapturedStrCalledTwiceThenDropped) {
  const GirType *ps[] = {&gir_t_int};
  const GirType *fn_t = gir_type_fn(m, ps, 1, &gir_t_str);
  EXPECT_EQ(gir_type_fn(m, ps, 1, &gir_t_str), fn_t); // interned
  EXPECT_STREQ(gir_type_name(fn_t), "sub(Int): Str");
  EXPECT_TRUE(gir_type_is_heap(fn_t));
  GirFunc *lam = lifted("lam", fn_t, &gir_t_str, {&gir_t_str}, {&gir_t_int});
  {
    GirBuilder g = at(m, lam);
    GirValue s = gir_capture(&g, 0, 0, &gir_t_str, sp());
    gir_ret(&g, s, sp());
  }
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue n = gir_const_int(&g, 42, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n, 1, sp());
  GirValue c = gir_closure_new(&g, lam, fn_t, &s, 1, sp());
  GirValue zero = gir_const_int(&g, 0, sp());
  for (int64_t k : {1, 2}) {
    GirValue x = gir_const_int(&g, k, sp());
    GirValue r = gir_call_closure(&g, c, &x, 1, sp());
    gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(r, zero), 2, sp());
  }
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(block_text(lam, 0),
            "b0(%0: sub(Int): Str, %1: Int):\n"
            "  %2: Str = capture %0.0\n"
            "  inc %2\n"
            "  ret %2\n");
  EXPECT_EQ(count(lam, GIR_OP_DEC), 0); // the closure is borrowed
  EXPECT_EQ(count(f, GIR_OP_INC), 0);   // s moves into the closure
  EXPECT_EQ(count(f, GIR_OP_DEC, c), 1);
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "4242");
}

// A capture used only by a borrowing op: borrowed, like the closure it is
// read from (no inc after the CAPTURE, no dec after the use); an argument of CALL_CLOSURE is consumed (the caller does not dec
// it), and a capture-less closure is immortal.
TEST_F(RCClosureTest, CaptureBorrowedAndArgumentsConsumed) {
  const GirType *ps[] = {&gir_t_str};
  const GirType *fn_t = gir_type_fn(m, ps, 1, &gir_t_int);
  GirFunc *lam = lifted("lam", fn_t, &gir_t_int, {&gir_t_str}, {&gir_t_str});
  {
    GirBuilder g = at(m, lam);
    GirValue s = gir_capture(&g, 0, 0, &gir_t_str, sp());
    GirValue a = gir_call_rt(&g, GIR_RT_STR_LEN, &s, 1, sp());
    GirValue b = gir_call_rt(&g, GIR_RT_STR_LEN, ARGS(1), 1, sp());
    gir_ret(&g, gir_op2(&g, GIR_OP_IADD, &gir_t_int, a, b, sp()), sp());
  }
  GirFunc *none = lifted("none", fn_t, &gir_t_int, {}, {&gir_t_str});
  {
    GirBuilder g = at(m, none);
    gir_ret(&g, gir_call_rt(&g, GIR_RT_STR_LEN, ARGS(1), 1, sp()), sp());
  }
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue n = gir_const_int(&g, 123, sp());
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n, 1, sp());
  GirValue c = gir_closure_new(&g, lam, fn_t, &s, 1, sp());
  GirValue n2 = gir_const_int(&g, 4567, sp());
  GirValue arg = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n2, 1, sp());
  GirValue r = gir_call_closure(&g, c, &arg, 1, sp());
  GirValue c0 = gir_closure_new(&g, none, fn_t, nullptr, 0, sp());
  GirValue arg2 = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &n2, 1, sp());
  GirValue r2 = gir_call_closure(&g, c0, &arg2, 1, sp());
  gir_ret(&g, gir_op2(&g, GIR_OP_IADD, &gir_t_int, r, r2, sp()), sp());
  rc();
  EXPECT_EQ(block_text(lam, 0),
            "b0(%0: sub(Str): Int, %1: Str):\n"
            "  %2: Str = capture %0.0\n"
            "  %3: Int = call.rt gj_str_len(%2)\n"
            "  %4: Int = call.rt gj_str_len(%1)\n"
            "  dec %1\n"
            "  %5: Int = add.i %3, %4\n"
            "  ret %5\n");
  EXPECT_EQ(count(f, GIR_OP_DEC, arg), 0);
  EXPECT_EQ(count(f, GIR_OP_DEC, c), 1);
  Sim sim;
  EXPECT_EQ(sim.run(m, f, {}), 3 + 4 + 4);
  EXPECT_TRUE(sim.errors.empty()) << join(sim.errors) << ir();
}

// The verifier's closure rules.
TEST_F(RCClosureTest, VerifierRejectsMisuse) {
  const GirType *ps[] = {&gir_t_int};
  const GirType *fn_t = gir_type_fn(m, ps, 1, &gir_t_int);
  const GirType *unit_fn = gir_type_fn(m, ps, 1, &gir_t_unit);
  EXPECT_STREQ(gir_type_name(unit_fn), "sub(Int)");
  GirFunc *lam = lifted("lam", fn_t, &gir_t_int, {&gir_t_int}, {&gir_t_int});
  {
    GirBuilder g = at(m, lam);
    GirValue k = gir_capture(&g, 0, 0, &gir_t_int, sp());
    gir_ret(&g, gir_op2(&g, GIR_OP_IADD, &gir_t_int, k, 1, sp()), sp());
  }
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue k = gir_const_int(&g, 1, sp());
  GirValue c = gir_closure_new(&g, lam, fn_t, &k, 1, sp());
  GirValue r = gir_call_closure(&g, c, &k, 1, sp());
  gir_ret(&g, r, sp());
  ASSERT_TRUE(gir_verify_module(m, stderr)) << ir();
  EXPECT_NE(ir().find("closure.new lam(%0)"), std::string::npos) << ir();
  EXPECT_NE(ir().find("call.closure %1(%0)"), std::string::npos) << ir();
  EXPECT_NE(ir().find("-> Int captures(Int) {"), std::string::npos) << ir();

  auto fails = [&](const char *what) {
    char *buf = nullptr;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    bool ok = gir_verify_module(m, errs);
    fclose(errs);
    std::string msg(buf, len);
    free(buf);
    EXPECT_FALSE(ok) << what;
    return msg;
  };
  GirInst &cn = f->blocks.data[0]->insts.data[1];
  GirInst &cc = f->blocks.data[0]->insts.data[2];
  // wrong capture count
  cn.nargs = 0;
  EXPECT_NE(fails("captures").find("0 captures given"), std::string::npos);
  cn.nargs = 1;
  // not a closure body
  lam->is_closure_body = false;
  EXPECT_NE(fails("body").find("not a closure body"), std::string::npos);
  lam->is_closure_body = true;
  // the closure parameter must be borrowed
  lam->param_borrowed[0] = false;
  EXPECT_NE(fails("borrowed").find("borrow"), std::string::npos);
  lam->param_borrowed[0] = true;
  // call.closure arity
  cc.nargs = 1;
  EXPECT_NE(fails("arity").find("0 arguments"), std::string::npos);
  cc.nargs = 2;
  // capture out of range
  GirInst &cap = lam->blocks.data[0]->insts.data[0];
  cap.imm.closure.field = 3;
  EXPECT_NE(fails("index").find("capture 3"), std::string::npos);
  cap.imm.closure.field = 0;
  // eq of subs
  {
    GirBuilder g2 = at(m, f);
    g2.b->term.kind = GIR_TERM_NONE;
    GirValue e = gir_eq(&g2, c, c, sp());
    (void)e;
    gir_ret(&g2, r, sp());
  }
  EXPECT_NE(fails("eq").find("no equality"), std::string::npos);
}

// ---- lists (§15) ---------------------------------------------------------------

struct RCListTest : RCTest {
  GirValue str(GirBuilder &g, int64_t n) {
    GirValue v = gir_const_int(&g, n, sp());
    return gir_call_rt(&g, GIR_RT_STR_FROM_INT, &v, 1, sp());
  }
  GirValue num(GirBuilder &g, int64_t n) { return gir_const_int(&g, n, sp()); }
  void print(GirBuilder &g, GirValue v) {
    GirValue e = gir_const_str(&g, "", 0, sp());
    GirValue b = gir_append_text(&g, e, v, false, sp());
    gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(b, num(g, 1)), 2, sp());
  }
};

// [s1, s2]: LIST_NEW consumes both (no inc, no dec of them); the GET
// result is a new reference: inc right after it, dec after its last use.
TEST_F(RCListTest, NewConsumesElementsGetIncs) {
  const GirType *lt = gir_type_list(m, &gir_t_str);
  EXPECT_EQ(gir_type_list(m, &gir_t_str), lt); // interned
  EXPECT_STREQ(gir_type_name(lt), "List[Str]");
  EXPECT_STREQ(gir_type_name(gir_type_list(m, lt)), "List[List[Str]]");
  EXPECT_TRUE(gir_type_is_heap(lt));
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue s1 = str(g, 1), s2 = str(g, 2);
  GirValue l = gir_list_new(&g, lt, ARGS(s1, s2), 2, sp());
  GirValue x = gir_op2(&g, GIR_OP_LIST_GET, &gir_t_str, l, num(g, 1), sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(x, num(g, 1)), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, s1) + count(f, GIR_OP_INC, s2), 0);
  EXPECT_EQ(count(f, GIR_OP_DEC, s1) + count(f, GIR_OP_DEC, s2), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, x), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, x), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, l), 1);
  EXPECT_NE(ir().find("%4: List[Str] = list.new [%1, %3]\n"
                      "  %5: Int = const.i 1\n"
                      "  %6: Str = list.get %4, %5\n"
                      "  inc %6\n"
                      "  dec %4\n"),
            std::string::npos)
      << ir();
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "2\n");
}

// A list pushed to (consumed) and still used after: inc before the push,
// so the push copies and the old version keeps its length.
TEST_F(RCListTest, PushOfSharedListIncs) {
  const GirType *lt = gir_type_list(m, &gir_t_str);
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue l = gir_list_new(&g, lt, ARGS(str(g, 1)), 1, sp());
  GirValue l2 = gir_op2(&g, GIR_OP_LIST_PUSH, lt, l, str(g, 2), sp());
  GirValue l3 = gir_op(&g, GIR_OP_LIST_SET, lt, ARGS(l2, num(g, 0), str(g, 3)), 3, sp());
  print(g, l);
  print(g, l3);
  GirValue n = gir_op1(&g, GIR_OP_LIST_LEN, &gir_t_int, l, sp());
  gir_ret(&g, n, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, l), 1);
  EXPECT_EQ(count(f, GIR_OP_INC, l2), 0); // its last use: moved into set
  EXPECT_EQ(count(f, GIR_OP_DEC, l), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, l3), 1);
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "[\"1\"]\n[\"3\", \"2\"]\n");
}

// LEN, CONCAT, SLICE and LIST_OP borrow: the operands are dec'd after
// their last use, the results owned.
TEST_F(RCListTest, BorrowingOps) {
  const GirType *lt = gir_type_list(m, &gir_t_str);
  GirFunc *f = func("main", &gir_t_str);
  GirBuilder g = at(m, f);
  GirValue a = gir_list_new(&g, lt, ARGS(str(g, 3), str(g, 1)), 2, sp());
  GirValue b = gir_list_new(&g, lt, ARGS(str(g, 2)), 1, sp());
  GirValue c = gir_op2(&g, GIR_OP_LIST_CONCAT, lt, a, b, sp());
  GirValue d = gir_op(&g, GIR_OP_LIST_SLICE, lt, ARGS(c, num(g, 1), num(g, 3)), 3, sp());
  GirValue e = gir_list_op(&g, GIR_LIST_SORTED, ARGS(c), 1, sp());
  GirValue r = gir_list_op(&g, GIR_LIST_REVERSED, ARGS(d), 1, sp());
  GirValue t = gir_list_op(&g, GIR_LIST_TAKE, ARGS(e, num(g, 2)), 2, sp());
  GirValue k = str(g, 1);
  GirValue has = gir_list_op(&g, GIR_LIST_CONTAINS, ARGS(t, k), 2, sp());
  GirValue at_ = gir_list_op(&g, GIR_LIST_INDEX_OF, ARGS(r, k), 2, sp());
  EXPECT_EQ(gir_value_type(f, has), &gir_t_bool);
  EXPECT_EQ(gir_value_type(f, at_), &gir_t_int);
  EXPECT_EQ(gir_value_type(f, t), lt);
  print(g, r);
  print(g, t);
  GirValue sum = gir_op2(&g, GIR_OP_IADD, &gir_t_int, at_, gir_cmp(&g, has, gir_const_bool(&g, false, sp()), sp()), sp());
  gir_call_rt(&g, GIR_RT_WRITE_INT, ARGS(sum, num(g, 0)), 2, sp());
  GirValue sep = gir_const_str(&g, "+", 1, sp());
  GirValue j = gir_list_op(&g, GIR_LIST_JOIN, ARGS(e, sep), 2, sp());
  gir_ret(&g, j, sp());
  rc();
  for (GirValue v : {a, b, c, d, e, r, t, k})
    EXPECT_EQ(count(f, GIR_OP_DEC, v), 1) << "%" << v << "\n" << ir();
  EXPECT_EQ(count(f, GIR_OP_INC), 0) << ir();
  std::string out;
  sim_ok(f, {}, {}, &out);
  EXPECT_EQ(out, "[\"2\", \"1\"]\n[\"1\", \"2\"]\n21+2+3");
}

// Records in a list: GET then PROJ, each a new reference; an unused GET
// gets neither inc nor dec; EQ and CMP borrow lists.
TEST_F(RCListTest, ListOfObjects) {
  GirType *box = gir_type_obj(m, "Box", false, false, 1);
  box->ctors[0].name = "Box";
  box->ctors[0].nfields = 1;
  box->ctors[0].fields = ARENA_ARRAY(m->arena, const GirType *, 1);
  box->ctors[0].fields[0] = &gir_t_str;
  const GirType *lt = gir_type_list(m, box);
  GirFunc *f = func("main", &gir_t_int);
  GirBuilder g = at(m, f);
  GirValue b1 = gir_new(&g, box, 0, ARGS(str(g, 7)), 1, sp());
  GirValue b2 = gir_new(&g, box, 0, ARGS(str(g, 8)), 1, sp());
  GirValue l = gir_list_new(&g, lt, ARGS(b1, b2), 2, sp());
  GirValue unused = gir_op2(&g, GIR_OP_LIST_GET, box, l, num(g, 0), sp());
  GirValue x = gir_op2(&g, GIR_OP_LIST_GET, box, l, num(g, 1), sp());
  GirValue s = gir_proj(&g, x, box, 0, 0, sp());
  GirValue l2 = gir_list_new(&g, lt, ARGS(gir_new(&g, box, 0, ARGS(str(g, 7)), 1, sp())), 1, sp());
  GirValue c = gir_cmp(&g, l, l2, sp());
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(s, num(g, 0)), 2, sp());
  print(g, l);
  gir_ret(&g, c, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, unused) + count(f, GIR_OP_DEC, unused), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, x), 1);
  EXPECT_EQ(count(f, GIR_OP_INC, s), 1);
  Sim sim;
  int64_t r = sim.run(m, f, {});
  EXPECT_TRUE(sim.errors.empty()) << join(sim.errors) << ir();
  EXPECT_EQ(sim.out, "8[Box(\"7\"), Box(\"8\")]\n");
  EXPECT_EQ(r, 1);
}

// `mut $xs = []; while $i < $n { $xs = $xs.push($i.to_str()) }`, then
// `$xs[$n - 1]`: the list is carried through the loop uniquely (no inc).
TEST_F(RCListTest, LoopPush) {
  const GirType *lt = gir_type_list(m, &gir_t_str);
  GirFunc *f = func("build", &gir_t_str, {&gir_t_int});
  GirBlock *loop = gir_block_new(m, f, "loop");
  GirValue xs = gir_block_add_param(m, f, loop, lt);
  GirValue i = gir_block_add_param(m, f, loop, &gir_t_int);
  GirBlock *body = gir_block_new(m, f, "body");
  GirBlock *done = gir_block_new(m, f, "done");
  GirBuilder g = at(m, f);
  GirValue e = gir_list_new(&g, lt, nullptr, 0, sp());
  gir_jmp(&g, loop, ARGS(e, num(g, 0)), 2, sp());
  gir_set_block(&g, loop);
  gir_br(&g, gir_op2(&g, GIR_OP_ILT, &gir_t_bool, i, 0, sp()), body, done, sp());
  gir_set_block(&g, body);
  GirValue s = gir_call_rt(&g, GIR_RT_STR_FROM_INT, &i, 1, sp());
  GirValue xs2 = gir_op2(&g, GIR_OP_LIST_PUSH, lt, xs, s, sp());
  GirValue i2 = gir_op2(&g, GIR_OP_IADD, &gir_t_int, i, num(g, 1), sp());
  gir_jmp(&g, loop, ARGS(xs2, i2), 2, sp());
  gir_set_block(&g, done);
  GirValue last = gir_op2(&g, GIR_OP_ISUB, &gir_t_int, 0, num(g, 1), sp());
  GirValue x = gir_op2(&g, GIR_OP_LIST_GET, &gir_t_str, xs, last, sp());
  gir_ret(&g, x, sp());
  rc();
  EXPECT_EQ(count(f, GIR_OP_INC, xs), 0);
  EXPECT_EQ(count(f, GIR_OP_INC, x), 1);
  EXPECT_EQ(count(f, GIR_OP_DEC, xs), 1);
  for (int64_t n : {1, 3}) {
    std::string out;
    sim_ok(f, {n}, {}, &out);
    EXPECT_EQ(out, std::to_string(n - 1));
  }
}

// The simulator catches a missing inc before a push of a shared list
// (the old version would change) and a GET result used without its inc.
TEST_F(RCListTest, SimulatorCatchesListMistakes) {
  const GirType *lt = gir_type_list(m, &gir_t_str);
  GirFunc *f = func("main", &gir_t_unit);
  GirBuilder g = at(m, f);
  GirValue l = gir_list_new(&g, lt, ARGS(str(g, 1)), 1, sp());
  GirValue x = gir_op2(&g, GIR_OP_LIST_GET, &gir_t_str, l, num(g, 0), sp());
  gir_op1(&g, GIR_OP_DEC, &gir_t_unit, l, sp());  // frees x with the list
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(x, num(g, 0)), 2, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  Sim s;
  s.run(m, f, {});
  EXPECT_FALSE(s.errors.empty());
}

} // namespace
