/* Parse.h — tokens → AST (spec §22), by recursive descent with precedence
 * climbing for §6's operators.
 *
 * parse_module always returns a Module; syntax errors are reported to the
 * session's DiagEngine and the parser recovers at the next statement or
 * item boundary, so one run reports several independent errors.
 */
#ifndef GUJI_PARSE_H
#define GUJI_PARSE_H

#include "guji/AST.h"
#include "guji/Session.h"

Module *parse_module(Session *s, const SrcFile *f);
/* The module name of a file: its path's stem ("dir/util.guji" → "util"). */
const char *parse_module_name(Session *s, const char *path);

#endif
