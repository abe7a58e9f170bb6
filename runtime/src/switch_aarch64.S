/* switch_aarch64.S — the task context switch for AArch64 (AAPCS64).
 *
 * A context is one word: the stack pointer it was suspended at. The rest
 * is on the suspended stack, 176 bytes written by gj_rt_ctx_switch:
 *
 *     sp+0    x19 x20   sp+16  x21 x22   sp+32  x23 x24
 *     sp+48   x25 x26   sp+64  x27 x28   sp+80  x29 (fp) x30 (lr)
 *     sp+96   d8 d9     sp+112 d10 d11   sp+128 d12 d13  sp+144 d14 d15
 *     sp+160  FPCR      sp+168 padding
 *
 * These are exactly the callee-saved registers of AAPCS64 (only the low
 * 64 bits of v8-v15 are callee-saved) plus FPCR (rounding mode). Returning
 * goes through the restored x30.
 *
 * gj_rt_ctx_init (sched.c) lays out a fresh stack the same way: x30 =
 * gj_rt_ctx_trampoline, x19 = the entry function, x20 = its argument,
 * x29 = 0 (the end of the frame chain).
 *
 * Check that it assembles and links on an x86-64 host with
 *   clang-19 --target=aarch64-linux-gnu -nostdlib -shared -fuse-ld=lld \
 *       runtime/src/switch_aarch64.S -o /tmp/a.so
 * (the ctest `switch-aarch64-links` does this when clang-19 and lld are
 * present).
 */
#if defined(__aarch64__)

    .text

/* void gj_rt_ctx_switch(void **save_sp, void *const *load_sp) */
    .globl  gj_rt_ctx_switch
    .hidden gj_rt_ctx_switch
    .type   gj_rt_ctx_switch, %function
    .p2align 4
gj_rt_ctx_switch:
    .cfi_startproc
    sub     sp, sp, #176
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mrs     x9, fpcr
    str     x9, [sp, #160]
    mov     x9, sp
    str     x9, [x0]
    ldr     x9, [x1]
    mov     sp, x9
    ldr     x9, [sp, #160]
    msr     fpcr, x9
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #176
    ret
    .cfi_endproc
    .size   gj_rt_ctx_switch, .-gj_rt_ctx_switch

/* First code of a new context: entry(arg), entry in x19, arg in x20. */
    .globl  gj_rt_ctx_trampoline
    .hidden gj_rt_ctx_trampoline
    .type   gj_rt_ctx_trampoline, %function
    .p2align 4
gj_rt_ctx_trampoline:
    .cfi_startproc
    .cfi_undefined x30
    mov     x0, x20
    blr     x19
    brk     #0
    .cfi_endproc
    .size   gj_rt_ctx_trampoline, .-gj_rt_ctx_trampoline

#endif

    .section .note.GNU-stack,"",%progbits
