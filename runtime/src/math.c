/* math.c — the §18 math module's functions, as gj_ entry points over libm
 * (so every symbol generated code calls is the runtime's own, and JIT code
 * finds them with the rest). sqrt is an LLVM intrinsic and not here. */
#include <math.h>

#include "gujirt.h"

double gj_math_sin(double x) { return sin(x); }
double gj_math_cos(double x) { return cos(x); }
double gj_math_tan(double x) { return tan(x); }
double gj_math_atan2(double y, double x) { return atan2(y, x); }
double gj_math_exp(double x) { return exp(x); }
double gj_math_log(double x) { return log(x); }
double gj_math_pow(double x, double y) { return pow(x, y); }

/* §13 char(i): the caller has checked that i is a scalar value. */
uint32_t gj_char_from_int(int64_t v) { return (uint32_t)v; }
