/* Pipeline.c — the order of the GIR passes.
 *
 * Block merging first (a jump to a block with one predecessor is only a
 * renaming, and RC would count it), then borrow inference (RC reads its
 * result), then RC (it needs the IR
 * as lowered: no inc/dec yet), reuse (it rewrites RC's output), then
 * tail-call marking (it needs the final instruction order). With `verify`, the
 * verifier checks the input and the output of each pass, so a failure
 * names the pass that broke an invariant.
 */
#include "guji/Passes.h"

static bool check(GirModule *m, bool verify, FILE *errs, const char *after) {
  if (!verify || gir_verify_module(m, errs)) return true;
  if (errs) fprintf(errs, "gir: verification failed %s\n", after);
  return false;
}

bool pass_run_pipeline(GirModule *m, bool verify, FILE *errs) {
  if (!check(m, verify, errs, "on the lowered input")) return false;
  pass_simplify(m);
  if (!check(m, verify, errs, "after pass_simplify")) return false;
  pass_infer_borrowed(m);
  pass_rc(m);
  if (!check(m, verify, errs, "after pass_rc")) return false;
  pass_reuse(m);
  if (!check(m, verify, errs, "after pass_reuse")) return false;
  pass_mark_tail_calls(m);
  return check(m, verify, errs, "after pass_mark_tail_calls");
}
