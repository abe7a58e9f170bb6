/* frontend.c — the front end of one program: source → verified GIR.
 *
 * Parse the main file and the modules it uses (modules.c), check them as
 * one program, lower, then the GIR pipeline (RC insertion, tail-call
 * marking). Each stage runs only if the previous one reported no error:
 * Sema on a broken tree would mostly repeat the parser's complaints, and
 * lowering assumes a well-typed tree. The GIR verifier runs after every
 * pass; a failure there is a compiler bug and is reported as one.
 */
#include "drv_internal.h"
#include "guji/Lower.h"
#include "guji/Parse.h"
#include "guji/Passes.h"
#include "guji/Sema.h"

GirModule *drv_frontend(Session *s, SrcFile *main_file, DrvTimer *t) {
  drv_timer_start(t);
  Module *mod = parse_module(s, main_file);
  drv_load_modules(s, mod);
  drv_timer_stop(t, DRV_T_PARSE);
  if (diag_has_errors(s->diag)) return NULL;
  drv_timer_start(t);
  Program *prog = sema_check(s, mod);
  drv_timer_stop(t, DRV_T_SEMA);
  if (!prog || diag_has_errors(s->diag)) return NULL;
  drv_timer_start(t);
  GirModule *m = lower_program(s, prog);
  drv_timer_stop(t, DRV_T_LOWER);
  if (!m) return NULL;
  drv_timer_start(t);
  bool ok = gir_verify_module(m, stderr) && pass_run_pipeline(m, true, stderr);
  drv_timer_stop(t, DRV_T_PASSES);
  if (!ok) {
    diag_error_nospan(s->diag, "internal compiler error: invalid GIR for %s "
                      "(please report this bug with the program)",
                      main_file->path);
    return NULL;
  }
  return m;
}
