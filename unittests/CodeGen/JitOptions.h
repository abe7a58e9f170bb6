// JitOptions.h — CgOptions for code the tests JIT into this process: like
// `guji run`, the stack check reads the runtime's thread-local
// gj_task_stack_limit at the thread pointer plus its offset (CgOptions),
// since gj_rt_start runs the entry as a task (§17).
#ifndef GUJI_UNITTESTS_JIT_OPTIONS_H
#define GUJI_UNITTESTS_JIT_OPTIONS_H

extern "C" {
#include "guji/CodeGen.h"
#include "gujirt.h"
}

inline CgOptions jit_cg_options() {
  CgOptions o = {};
  o.limit_tp_offset_known = true;
  o.limit_tp_offset = gj_task_stack_limit_tp_offset();
  return o;
}

#endif
