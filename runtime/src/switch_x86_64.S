/* switch_x86_64.S — the task context switch for x86-64 (System V ABI).
 *
 * A context is one word: the stack pointer it was suspended at. Everything
 * else a suspended context needs lives on its own stack, pushed by
 * gj_rt_ctx_switch:
 *
 *     sp+0   MXCSR (4 bytes), x87 control word (2 bytes), padding
 *     sp+8   r15, r14, r13, r12, rbx, rbp
 *     sp+56  return address
 *
 * Only the callee-saved state is kept: the caller of gj_rt_ctx_switch has
 * already saved everything the ABI lets a call clobber. MXCSR's control
 * bits and the x87 control word are callee-saved too (rounding mode,
 * exception masks), so each context keeps its own.
 *
 * gj_rt_ctx_init (sched.c, in C) lays out a fresh stack the same way with
 * the return address pointing at gj_rt_ctx_trampoline, r12 = the argument
 * and r13 = the entry function; the trampoline calls entry(arg) on the
 * new stack, which must never return.
 *
 * Built on every host (CMake keeps only this architecture's .S); the
 * guard makes the file empty elsewhere.
 */
#if defined(__x86_64__)

    .text

/* void gj_rt_ctx_switch(void **save_sp, void *const *load_sp) */
    .globl  gj_rt_ctx_switch
    .hidden gj_rt_ctx_switch
    .type   gj_rt_ctx_switch, @function
    .p2align 4
gj_rt_ctx_switch:
    .cfi_startproc
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    subq    $8, %rsp
    stmxcsr (%rsp)
    fnstcw  4(%rsp)
    movq    %rsp, (%rdi)
    movq    (%rsi), %rsp
    ldmxcsr (%rsp)
    fldcw   4(%rsp)
    addq    $8, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
    .cfi_endproc
    .size   gj_rt_ctx_switch, .-gj_rt_ctx_switch

/* First code of a new context: entry(arg), entry in r13, arg in r12. The
 * stack is 16-byte aligned here, so the call gives entry the alignment
 * the ABI promises. rbp is 0: debuggers stop unwinding at it. */
    .globl  gj_rt_ctx_trampoline
    .hidden gj_rt_ctx_trampoline
    .type   gj_rt_ctx_trampoline, @function
    .p2align 4
gj_rt_ctx_trampoline:
    .cfi_startproc
    .cfi_undefined rip
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   gj_rt_ctx_trampoline, .-gj_rt_ctx_trampoline

#endif

    .section .note.GNU-stack,"",@progbits
