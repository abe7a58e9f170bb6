/* FmtSpec.h — the format spec of an interpolation, `"${$n:>8}"` (§13).
 *
 * fmtspec_parse reads Python's format-spec mini-language, the subset §13
 * allows: [[fill]align][sign][0][width][.precision][type]. It knows no
 * value types: which parts fit which type is Sema's rule (Python's
 * format() on an int, a float or a str). The result records where each
 * part was written, so Sema can point at the offending character, and
 * fmtspec_pack folds it into the one int64 that generated code passes to
 * gj_str_append_fmt_* (the layout, GJ_FMT_*, is part of the runtime ABI
 * and lives in gujirt.h).
 */
#ifndef GUJI_FMTSPEC_H
#define GUJI_FMTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gujirt.h"

typedef struct FmtSpec {
  uint32_t fill;      /* a Unicode scalar; meaningful when fill_set */
  bool fill_set;
  char align;         /* 0, '<', '>', '^' or '=' */
  char sign;          /* 0, '+', '-' or ' ' */
  bool zero;          /* the '0' flag before the width */
  int width;          /* 0 when none */
  int precision;      /* -1 when none */
  char type;          /* 0 or one of d x X o b e E f F g G % s */
  /* byte offsets in the spec text of each part written, -1 when absent */
  int fill_at, align_at, sign_at, zero_at, width_at, prec_at, type_at;
} FmtSpec;

typedef struct FmtSpecError {
  size_t offset;      /* byte offset in the spec text */
  char msg[200];      /* for the user: what is wrong and what to write */
} FmtSpecError;

/* Parses spec[0..len). On error returns false and fills *err. */
bool fmtspec_parse(const char *spec, size_t len, FmtSpec *out,
                   FmtSpecError *err);
/* The packed form (GJ_FMT_* in gujirt.h). */
int64_t fmtspec_pack(const FmtSpec *f);
/* The inverse, for tests and debugging (offsets are left at -1). */
void fmtspec_unpack(int64_t packed, FmtSpec *out);

#endif
