/* parse.c — tokens → AST, for the whole grammar of spec §22.
 *
 * Recursive descent for items, statements, patterns and types; precedence
 * climbing for §6's binary operators. The lexer has already applied §2's
 * newline rules, so a TOK_NEWLINE here always ends a statement (or
 * separates match arms). Two rules of §2 live here instead: a statement
 * that ends with a block needs no separator after its `}`, and one that
 * *starts* with a block keyword (`if`, `while`, `for`, `match`, `select`,
 * `hatch`) ends with that construct unless `.` or `?` follows.
 *
 * Disambiguations that need lookahead (the token array makes it free):
 *   - `{` in expression position opens a Map literal when it is `{:}` or its
 *     first element is followed by `:` at bracket depth 0 — except
 *     `{ $x: T = …`, a declaration (scan for `=` before `,` `}` or newline);
 *   - `T {` opens a record literal only when `name:` or `..` follows;
 *   - `name[…]` gives type arguments when the brackets hold only type-like
 *     tokens and `(` follows (`first[Int]($xs)`), else it indexes;
 *   - `mod.name` is parsed as a field/method on a name; Sema decides whether
 *     `mod` is a module.
 * Errors: each is reported once; the parser then skips to the end of the
 * statement (or item) and goes on, so independent errors are all reported.
 */
#include <stdlib.h>
#include <string.h>

#include "guji/Parse.h"

typedef struct Parser {
  Session *s;
  const SrcFile *f;
  Token *toks;
  size_t n, pos;
  bool panicking;   /* an error was reported; silent until resynchronized */
  bool unclosed;    /* passed a string or regex literal the lexer reported
                       as unterminated: what follows on its line was taken
                       into it, so later parse errors would be follow-ons */
} Parser;

/* ---- token helpers ------------------------------------------------------ */

static Token *peek(Parser *p) { return &p->toks[p->pos]; }
static Token *peek_at(Parser *p, size_t k) {
  size_t i = p->pos + k;
  return &p->toks[i < p->n ? i : p->n - 1];
}
static TokKind kind(Parser *p) { return p->toks[p->pos].kind; }
static TokKind kind_at(Parser *p, size_t k) { return peek_at(p, k)->kind; }
static Token *prev(Parser *p) { return &p->toks[p->pos ? p->pos - 1 : 0]; }
static Token *advance(Parser *p) {
  Token *t = &p->toks[p->pos];
  if (t->unterminated) p->unclosed = true;
  if (p->pos + 1 < p->n) p->pos++;
  return t;
}
static bool check(Parser *p, TokKind k) { return kind(p) == k; }
static bool accept(Parser *p, TokKind k) {
  if (!check(p, k)) return false;
  advance(p);
  return true;
}

static void error_at(Parser *p, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_at(Parser *p, Span sp, const char *fmt, ...) {
  if (p->panicking) return;
  p->panicking = true;
  if (p->unclosed) return; /* the lexer's error stands for this one */
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(p->s->diag, DIAG_ERROR, &sp, fmt, ap);
  va_end(ap);
}

static const char *describe(Parser *p, const Token *t) {
  switch (t->kind) {
  case TOK_EOF: return "end of file";
  case TOK_NEWLINE: return "end of line";
  case TOK_STR: return "a string literal";
  case TOK_INT: case TOK_FLOAT: case TOK_CHAR:
    return arena_printf(p->s->arena, "'%s'", tok_text(p->s, t));
  default:
    return arena_printf(p->s->arena, "'%s'", tok_text(p->s, t));
  }
}

static bool expect(Parser *p, TokKind k, const char *what) {
  if (accept(p, k)) return true;
  error_at(p, peek(p)->span, "expected %s, found %s", what, describe(p, peek(p)));
  return false;
}

static Span span_from(Parser *p, Span start) {
  return span_join(start, prev(p)->span);
}

static bool at_sep(Parser *p) {
  TokKind k = kind(p);
  return k == TOK_NEWLINE || k == TOK_SEMI;
}
static void skip_seps(Parser *p) {
  while (at_sep(p)) advance(p);
}
static void skip_newlines(Parser *p) {
  while (check(p, TOK_NEWLINE)) advance(p);
}

/* Skips to the end of the current statement: a separator or a closing
 * brace at depth 0 (not consumed). */
static void sync_stmt(Parser *p) {
  int depth = 0;
  for (;;) {
    TokKind k = kind(p);
    if (k == TOK_EOF) break;
    if (depth == 0 && (k == TOK_NEWLINE || k == TOK_SEMI || k == TOK_RBRACE))
      break;
    if (k == TOK_LBRACE || k == TOK_LPAREN || k == TOK_LBRACKET) depth++;
    /* a stray closer (the error may sit inside brackets) is skipped */
    if ((k == TOK_RBRACE || k == TOK_RPAREN || k == TOK_RBRACKET) && depth > 0)
      depth--;
    advance(p);
  }
  p->panicking = false;
}

static bool is_item_start(TokKind k) {
  return k == TOK_KW_SUB || k == TOK_KW_TYPE || k == TOK_KW_CONST ||
         k == TOK_KW_USE || k == TOK_KW_EXTERN || k == TOK_KW_TEST;
}

/* Skips to the next item keyword at the start of a line, depth 0. */
static void sync_item(Parser *p) {
  int depth = 0;
  for (;;) {
    Token *t = peek(p);
    if (t->kind == TOK_EOF) break;
    if (depth <= 0 && is_item_start(t->kind) && t->nl_before) break;
    if (t->kind == TOK_LBRACE || t->kind == TOK_LPAREN || t->kind == TOK_LBRACKET)
      depth++;
    if (t->kind == TOK_RBRACE || t->kind == TOK_RPAREN || t->kind == TOK_RBRACKET)
      depth--;
    advance(p);
  }
  p->panicking = false;
}

static Expr *new_expr(Parser *p, ExprKind k, Span sp) {
  Expr *e = ARENA_NEW(p->s->arena, Expr);
  e->kind = k;
  e->span = sp;
  return e;
}
static Pattern *new_pat(Parser *p, PatternKind k, Span sp) {
  Pattern *pt = ARENA_NEW(p->s->arena, Pattern);
  pt->kind = k;
  pt->span = sp;
  return pt;
}
static TypeExpr *new_te(Parser *p, TypeExprKind k, Span sp) {
  TypeExpr *t = ARENA_NEW(p->s->arena, TypeExpr);
  t->kind = k;
  t->span = sp;
  return t;
}

static Expr *parse_expr(Parser *p);
static Expr *parse_block(Parser *p);
static Pattern *parse_pattern(Parser *p);
static TypeExpr *parse_type(Parser *p);
static Expr *parse_postfix(Parser *p, Expr *e);
static Expr *parse_binary_from(Parser *p, Expr *lhs, int min_prec);
static Expr *parse_unary(Parser *p);

/* ---- types (§22 typeexpr) ----------------------------------------------- */

/* typeexpr = [ name "." ] TypeName [ "[" types "]" ] | "(" [ types ] ")"
 *          | "sub" "(" [ types ] ")" [ ":" typeexpr ] */
static TypeExpr *parse_type(Parser *p) {
  Span start = peek(p)->span;
  if (accept(p, TOK_LPAREN)) {
    TypeExpr *t = new_te(p, TE_TUPLE, start);
    while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
      TypeExpr *el = parse_type(p);
      if (!el) return NULL;
      VEC_PUSH(p->s->arena, t->args, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RPAREN, "')' to close the tuple type")) return NULL;
    t->span = span_from(p, start);
    if (t->args.len == 1) return t->args.data[0];
    return t;
  }
  if (accept(p, TOK_KW_SUB)) {
    TypeExpr *t = new_te(p, TE_FN, start);
    if (!expect(p, TOK_LPAREN, "'(' after 'sub' in a function type")) return NULL;
    while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
      TypeExpr *el = parse_type(p);
      if (!el) return NULL;
      VEC_PUSH(p->s->arena, t->args, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RPAREN, "')' to close the parameter types")) return NULL;
    if (accept(p, TOK_COLON)) t->ret = parse_type(p);
    t->span = span_from(p, start);
    return t;
  }
  if (!check(p, TOK_NAME)) {
    error_at(p, peek(p)->span, "expected a type, found %s", describe(p, peek(p)));
    return NULL;
  }
  TypeExpr *t = new_te(p, TE_NAME, start);
  t->name = advance(p)->name;
  if (check(p, TOK_DOT) && kind_at(p, 1) == TOK_NAME) {
    advance(p);
    t->module = t->name;
    t->name = advance(p)->name;
  }
  if (accept(p, TOK_LBRACKET)) {
    while (!check(p, TOK_RBRACKET) && !check(p, TOK_EOF)) {
      TypeExpr *el = parse_type(p);
      if (!el) return NULL;
      VEC_PUSH(p->s->arena, t->args, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RBRACKET, "']' to close the type arguments")) return NULL;
  }
  t->span = span_from(p, start);
  return t;
}

/* ---- patterns (§9, §22 pattern) ----------------------------------------- */

static Expr *parse_lit_expr(Parser *p) {
  Token *t = peek(p);
  Span start = t->span;
  bool neg = false;
  if (t->kind == TOK_MINUS && kind_at(p, 1) == TOK_INT) {
    neg = true;
    advance(p);
    t = peek(p);
  }
  Expr *e = NULL;
  switch (t->kind) {
  case TOK_INT:
    e = new_expr(p, EX_INT, span_join(start, t->span));
    if (t->int_overflow && !neg)
      error_at(p, t->span, "integer literal %s is out of range for Int "
               "(max 9223372036854775807)", tok_text(p->s, t));
    e->i.value = t->int_overflow ? INT64_MIN : (neg ? -t->ival : t->ival);
    break;
  case TOK_CHAR:
    e = new_expr(p, EX_CHAR, t->span);
    e->ch.value = t->ch;
    break;
  case TOK_KW_TRUE: case TOK_KW_FALSE:
    e = new_expr(p, EX_BOOL, t->span);
    e->b.value = t->kind == TOK_KW_TRUE;
    break;
  case TOK_STR: {
    e = new_expr(p, EX_STR, t->span);
    for (size_t i = 0; i < t->str.nparts; i++) {
      StrPart *sp = &t->str.parts[i];
      if (sp->is_code) {
        error_at(p, sp->span, "a string pattern cannot interpolate; "
                 "match on the text and compare in a guard instead");
        break;
      }
      StrSeg seg = {.text = sp->text, .len = sp->len, .span = sp->span};
      VEC_PUSH(p->s->arena, e->str.segs, seg);
    }
    break;
  }
  default:
    return NULL;
  }
  advance(p);
  return e;
}

/* pat = "_" | binding | lit | lit (".." | "..=") lit
 *     | [ name "." ] Ctor [ "(" pattern { "," pattern } ")" ]
 *     | [ name "." ] TypeName "{" [ fpat { "," fpat } ] [ ".." ] "}"
 *     | "(" pattern { "," pattern } ")" | "[" [ lpat { "," lpat } ] "]" */
static Pattern *parse_pat(Parser *p) {
  Token *t = peek(p);
  Span start = t->span;
  Arena *A = p->s->arena;
  switch (t->kind) {
  case TOK_UNDERSCORE:
    advance(p);
    return new_pat(p, PAT_WILD, start);
  case TOK_BINDING: {
    advance(p);
    if (strcmp(t->name, "_") == 0) return new_pat(p, PAT_WILD, start);
    Pattern *pt = new_pat(p, PAT_BIND, start);
    pt->name = t->name;
    return pt;
  }
  case TOK_INT: case TOK_MINUS: case TOK_CHAR: case TOK_STR:
  case TOK_KW_TRUE: case TOK_KW_FALSE: {
    Expr *lo = parse_lit_expr(p);
    if (!lo) {
      error_at(p, t->span, "expected a pattern, found %s", describe(p, t));
      return NULL;
    }
    if (check(p, TOK_DOTDOT) || check(p, TOK_DOTDOTEQ)) {
      Pattern *pt = new_pat(p, PAT_RANGE, start);
      pt->inclusive = advance(p)->kind == TOK_DOTDOTEQ;
      pt->lit = lo;
      pt->lit_hi = parse_lit_expr(p);
      if (!pt->lit_hi) {
        error_at(p, peek(p)->span, "expected the upper bound of the range pattern");
        return NULL;
      }
      pt->span = span_from(p, start);
      return pt;
    }
    Pattern *pt = new_pat(p, PAT_LIT, start);
    pt->lit = lo;
    pt->span = lo->span;
    return pt;
  }
  case TOK_NAME: {
    advance(p);
    const char *module = NULL, *name = t->name;
    if (check(p, TOK_DOT) && kind_at(p, 1) == TOK_NAME) {
      advance(p);
      module = name;
      name = advance(p)->name;
    }
    if (check(p, TOK_LBRACE)) {
      Pattern *pt = new_pat(p, PAT_RECORD, start);
      pt->module = module;
      pt->name = name;
      advance(p);
      skip_newlines(p);
      while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
        if (accept(p, TOK_DOTDOT)) {
          pt->has_rest = true;
          skip_newlines(p);
          break;
        }
        if (!check(p, TOK_NAME)) {
          error_at(p, peek(p)->span, "expected a field name in the record "
                   "pattern, found %s", describe(p, peek(p)));
          return NULL;
        }
        FieldPat fp = {.name = peek(p)->name, .span = peek(p)->span};
        advance(p);
        if (!expect(p, TOK_COLON, "':' after the field name")) return NULL;
        fp.pat = parse_pattern(p);
        if (!fp.pat) return NULL;
        VEC_PUSH(A, pt->fields, fp);
        skip_newlines(p);
        if (!accept(p, TOK_COMMA)) break;
        skip_newlines(p);
      }
      skip_newlines(p);
      if (!expect(p, TOK_RBRACE, "'}' to close the record pattern")) return NULL;
      pt->span = span_from(p, start);
      return pt;
    }
    Pattern *pt = new_pat(p, PAT_CTOR, start);
    pt->module = module;
    pt->name = name;
    if (accept(p, TOK_LPAREN)) {
      while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
        Pattern *el = parse_pattern(p);
        if (!el) return NULL;
        VEC_PUSH(A, pt->elems, el);
        if (!accept(p, TOK_COMMA)) break;
      }
      if (!expect(p, TOK_RPAREN, "')' to close the constructor pattern"))
        return NULL;
    }
    pt->span = span_from(p, start);
    return pt;
  }
  case TOK_LPAREN: {
    advance(p);
    Pattern *pt = new_pat(p, PAT_TUPLE, start);
    while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
      Pattern *el = parse_pattern(p);
      if (!el) return NULL;
      VEC_PUSH(A, pt->elems, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RPAREN, "')' to close the tuple pattern")) return NULL;
    pt->span = span_from(p, start);
    if (pt->elems.len == 1) return pt->elems.data[0];
    return pt;
  }
  case TOK_LBRACKET: {
    advance(p);
    Pattern *pt = new_pat(p, PAT_LIST, start);
    while (!check(p, TOK_RBRACKET) && !check(p, TOK_EOF)) {
      Pattern *el;
      Span es = peek(p)->span;
      if (accept(p, TOK_DOTDOT)) {
        el = new_pat(p, PAT_REST, es);
        if (check(p, TOK_BINDING)) {
          el->name = advance(p)->name;
          el->span = span_from(p, es);
        }
      } else {
        el = parse_pattern(p);
        if (!el) return NULL;
      }
      VEC_PUSH(A, pt->elems, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RBRACKET, "']' to close the list pattern")) return NULL;
    pt->span = span_from(p, start);
    return pt;
  }
  case TOK_KW_MUT:
    /* `(mut $a, mut $b) = e`, as Rust writes it */
    error_at(p, t->span, "'mut' cannot go inside a pattern; put it before "
             "the whole pattern: mut ($a, $b) = … declares every name in it "
             "mut (§5)");
    return NULL;
  default:
    error_at(p, t->span, "expected a pattern, found %s", describe(p, t));
    return NULL;
  }
}

/* pattern = pat { "|" pat } */
static Pattern *parse_pattern(Parser *p) {
  Span start = peek(p)->span;
  Pattern *first = parse_pat(p);
  if (!first || !check(p, TOK_PIPE)) return first;
  Pattern *alt = new_pat(p, PAT_OR, start);
  VEC_PUSH(p->s->arena, alt->elems, first);
  while (accept(p, TOK_PIPE)) {
    Pattern *q = parse_pat(p);
    if (!q) return NULL;
    VEC_PUSH(p->s->arena, alt->elems, q);
  }
  alt->span = span_from(p, start);
  return alt;
}

/* ---- strings ------------------------------------------------------------- */

static Expr *parse_interpolation(Parser *p, const StrPart *part) {
  TokenList tl = lex_span(p->s, p->f, part->code.start, part->code.end);
  Parser sub = {.s = p->s, .f = p->f, .toks = tl.toks, .n = tl.len};
  if (tl.len == 0 || tl.toks[0].kind == TOK_EOF) {
    error_at(p, part->span, "empty interpolation '${}'; write an expression "
             "inside, or '\\$' for a literal '$'");
    return NULL;
  }
  Expr *e = parse_expr(&sub);
  if (e && !check(&sub, TOK_EOF)) {
    error_at(&sub, peek(&sub)->span, "unexpected %s in interpolation",
             describe(&sub, peek(&sub)));
    e = NULL;
  }
  return e;
}

static Expr *parse_string(Parser *p) {
  Token *t = advance(p);
  Expr *e = new_expr(p, EX_STR, t->span);
  e->str.raw = t->str.raw;
  for (size_t i = 0; i < t->str.nparts; i++) {
    const StrPart *sp = &t->str.parts[i];
    StrSeg seg = {.span = sp->span};
    if (!sp->is_code) {
      seg.text = sp->text;
      seg.len = sp->len;
    } else {
      seg.is_expr = true;
      seg.expr = parse_interpolation(p, sp);
      if (!seg.expr) {
        /* keep going: the rest of the string is still checked */
        p->panicking = false;
        continue;
      }
      if (sp->has_spec) {
        seg.spec = arena_strndup(p->s->arena, p->f->text + sp->spec.start,
                                 sp->spec.end - sp->spec.start);
        seg.spec_span = sp->spec;
      }
    }
    VEC_PUSH(p->s->arena, e->str.segs, seg);
  }
  return e;
}

/* ---- primary expressions ------------------------------------------------- */

/* Is the `{` at the current position the start of a Map literal? */
static bool brace_starts_map(Parser *p) {
  if (kind_at(p, 1) == TOK_COLON && kind_at(p, 2) == TOK_RBRACE) return true;
  /* `{ mut $x: T = …` declares: no map key starts with `mut` */
  if (kind_at(p, 1) == TOK_KW_MUT) return false;
  int depth = 0;
  bool first_is_binding = kind_at(p, 1) == TOK_BINDING;
  for (size_t k = 1; p->pos + k < p->n; k++) {
    TokKind tk = kind_at(p, k);
    if (tk == TOK_EOF) return false;
    if (tk == TOK_LPAREN || tk == TOK_LBRACKET || tk == TOK_LBRACE) depth++;
    else if (tk == TOK_RPAREN || tk == TOK_RBRACKET) depth--;
    else if (tk == TOK_RBRACE) {
      if (depth == 0) return false;
      depth--;
    } else if (depth == 0 && (tk == TOK_NEWLINE || tk == TOK_SEMI ||
                              tk == TOK_COMMA || tk == TOK_ASSIGN))
      return false;
    else if (depth == 0 && tk == TOK_COLON) {
      if (!(first_is_binding && k == 2)) return true;
      /* `{ $x: T = …` declares; `{ $k: v, … }` is a map */
      int d2 = 0;
      for (size_t j = k + 1; p->pos + j < p->n; j++) {
        TokKind tj = kind_at(p, j);
        if (tj == TOK_EOF) return true;
        if (tj == TOK_LPAREN || tj == TOK_LBRACKET || tj == TOK_LBRACE) d2++;
        else if (tj == TOK_RPAREN || tj == TOK_RBRACKET) d2--;
        else if (tj == TOK_RBRACE) {
          if (d2 == 0) return true;
          d2--;
        } else if (d2 == 0 && tj == TOK_ASSIGN) return false;
        else if (d2 == 0 && (tj == TOK_COMMA || tj == TOK_NEWLINE ||
                             tj == TOK_SEMI))
          return true;
      }
      return true;
    }
  }
  return false;
}

static Expr *parse_map(Parser *p) {
  Span start = advance(p)->span; /* { */
  Expr *e = new_expr(p, EX_MAP, start);
  skip_newlines(p);
  if (accept(p, TOK_COLON)) {
    skip_newlines(p);
    expect(p, TOK_RBRACE, "'}' after '{:'");
    e->span = span_from(p, start);
    return e;
  }
  while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
    Expr *k = parse_expr(p);
    if (!k || !expect(p, TOK_COLON, "':' between a key and its value"))
      return NULL;
    Expr *v = parse_expr(p);
    if (!v) return NULL;
    VEC_PUSH(p->s->arena, e->map.keys, k);
    VEC_PUSH(p->s->arena, e->map.values, v);
    skip_newlines(p);
    if (!accept(p, TOK_COMMA)) break;
    skip_newlines(p);
  }
  skip_newlines(p);
  if (!expect(p, TOK_RBRACE, "'}' to close the map literal")) return NULL;
  e->span = span_from(p, start);
  return e;
}

/* Does `{` at the current position start a record literal's inits? */
/* Does the token at offset `at` open a record literal's { field: … }? */
static bool brace_starts_record_at(Parser *p, size_t at) {
  if (kind_at(p, at) != TOK_LBRACE) return false;
  size_t k = at + 1;
  while (kind_at(p, k) == TOK_NEWLINE) k++;
  return (kind_at(p, k) == TOK_NAME && kind_at(p, k + 1) == TOK_COLON) ||
         kind_at(p, k) == TOK_DOTDOT || kind_at(p, k) == TOK_RBRACE;
}
static bool brace_starts_record(Parser *p) {
  return brace_starts_record_at(p, 0);
}

/* inits = name ":" expr { "," name ":" expr } */
static bool parse_inits(Parser *p, void *vec_ptr) {
  VEC(FieldInit) *inits = vec_ptr;
  if (!expect(p, TOK_LBRACE, "'{'")) return false;
  skip_newlines(p);
  while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
    if (!check(p, TOK_NAME)) {
      error_at(p, peek(p)->span, "expected a field name, found %s",
               describe(p, peek(p)));
      return false;
    }
    FieldInit fi = {.name = peek(p)->name, .span = peek(p)->span};
    advance(p);
    if (!expect(p, TOK_COLON, "':' after the field name")) return false;
    fi.value = parse_expr(p);
    if (!fi.value) return false;
    VEC_PUSH(p->s->arena, *inits, fi);
    skip_newlines(p);
    if (!accept(p, TOK_COMMA)) break;
    skip_newlines(p);
  }
  skip_newlines(p);
  return expect(p, TOK_RBRACE, "'}' to close the field list");
}

/* Are the brackets at the current position type arguments? */
static bool brackets_hold_types(Parser *p) {
  int depth = 0;
  bool first = true;
  for (size_t k = 0; p->pos + k < p->n; k++) {
    TokKind tk = kind_at(p, k);
    if (k == 1 && !(tk == TOK_NAME && peek_at(p, k)->upper) &&
        tk != TOK_LPAREN && tk != TOK_KW_SUB)
      return false;
    switch (tk) {
    case TOK_LBRACKET: case TOK_LPAREN: depth++; break;
    case TOK_RBRACKET: case TOK_RPAREN:
      /* f[Int](…), or a record literal Box[Int] { v: … } */
      if (--depth == 0)
        return kind_at(p, k + 1) == TOK_LPAREN ||
               (prev(p)->upper && brace_starts_record_at(p, k + 1));
      break;
    case TOK_NAME: case TOK_COMMA: case TOK_DOT: case TOK_COLON:
    case TOK_KW_SUB:
      break;
    default:
      return false;
    }
    first = false;
  }
  (void)first;
  return false;
}

static bool parse_type_args(Parser *p, TypeExprList *out) {
  advance(p); /* [ */
  while (!check(p, TOK_RBRACKET) && !check(p, TOK_EOF)) {
    TypeExpr *t = parse_type(p);
    if (!t) return false;
    VEC_PUSH(p->s->arena, *out, t);
    if (!accept(p, TOK_COMMA)) break;
  }
  return expect(p, TOK_RBRACKET, "']' to close the type arguments");
}

static Expr *parse_if(Parser *p) {
  Span start = advance(p)->span;
  Expr *e = new_expr(p, EX_IF, start);
  e->if_.cond = parse_expr(p);
  if (!e->if_.cond) return NULL;
  e->if_.then_ = parse_block(p);
  if (!e->if_.then_) return NULL;
  if (accept(p, TOK_KW_ELSE)) {
    if (check(p, TOK_KW_IF)) e->if_.else_ = parse_if(p);
    else e->if_.else_ = parse_block(p);
    if (!e->if_.else_) return NULL;
  }
  e->span = span_from(p, start);
  return e;
}

/* match = "match" expr "{" [ arm { ( sep | "," ) arm } ] "}"
 * arm   = pattern [ "if" expr ] "=>" expr */
static Expr *parse_match(Parser *p) {
  Span start = advance(p)->span;
  Expr *e = new_expr(p, EX_MATCH, start);
  e->match.scrut = parse_expr(p);
  if (!e->match.scrut || !expect(p, TOK_LBRACE, "'{' to open the match arms"))
    return NULL;
  for (;;) {
    while (at_sep(p) || check(p, TOK_COMMA)) advance(p);
    if (check(p, TOK_RBRACE) || check(p, TOK_EOF)) break;
    MatchArm arm = {.span = peek(p)->span};
    arm.pat = parse_pattern(p);
    if (arm.pat && accept(p, TOK_KW_IF)) arm.guard = parse_expr(p);
    if (!arm.pat || !expect(p, TOK_FATARROW, "'=>' after the pattern")) {
      sync_stmt(p);
      continue;
    }
    arm.body = parse_expr(p);
    if (!arm.body) {
      sync_stmt(p);
      continue;
    }
    arm.span = span_from(p, arm.span);
    VEC_PUSH(p->s->arena, e->match.arms, arm);
    if (!at_sep(p) && !check(p, TOK_COMMA) && !check(p, TOK_RBRACE) &&
        prev(p)->kind != TOK_RBRACE) {
      TokKind k = kind(p);
      if (k >= TOK_ASSIGN && k <= TOK_PLUSPLUSEQ)
        /* `Some($v) => $n += $v`: Rust and Go users expect this to work */
        error_at(p, peek(p)->span, "'%s' here would make the match arm's "
                 "body an assignment, which is a statement, not an "
                 "expression: put the body in a block, `=> { … }`",
                 tok_text(p->s, peek(p)));
      else
        error_at(p, peek(p)->span, "expected a newline or ',' after the "
                 "match arm, found %s", describe(p, peek(p)));
      sync_stmt(p);
    }
  }
  if (!expect(p, TOK_RBRACE, "'}' to close the match")) return NULL;
  e->span = span_from(p, start);
  return e;
}

/* select = "select" "{" { [ binding "=" ] expr block } [ "else" block ] "}" */
static Expr *parse_select(Parser *p) {
  Span start = advance(p)->span;
  Expr *e = new_expr(p, EX_SELECT, start);
  if (!expect(p, TOK_LBRACE, "'{' after 'select'")) return NULL;
  for (;;) {
    skip_seps(p);
    if (check(p, TOK_RBRACE) || check(p, TOK_EOF)) break;
    if (accept(p, TOK_KW_ELSE)) {
      e->select.else_ = parse_block(p);
      continue;
    }
    SelectArm arm = {.span = peek(p)->span};
    if (check(p, TOK_BINDING) && kind_at(p, 1) == TOK_ASSIGN) {
      arm.bind = peek(p)->name;
      arm.bind_span = peek(p)->span;
      advance(p);
      advance(p);
    }
    /* the operation is a postfix expression; its block follows */
    arm.op = parse_postfix(p, NULL);
    if (!arm.op) return NULL;
    arm.body = parse_block(p);
    if (!arm.body) return NULL;
    VEC_PUSH(p->s->arena, e->select.arms, arm);
  }
  if (!expect(p, TOK_RBRACE, "'}' to close the select")) return NULL;
  e->span = span_from(p, start);
  return e;
}

/* anonsub = "sub" "(" [ aparam { "," aparam } ] ")" [ ":" typeexpr ] block */
static Expr *parse_lambda(Parser *p) {
  Span start = advance(p)->span;
  Expr *e = new_expr(p, EX_LAMBDA, start);
  if (!check(p, TOK_LPAREN)) {
    error_at(p, peek(p)->span, "expected '(' after 'sub': named subs are "
             "declared at the top level; an anonymous sub is sub($x) { … }");
    return NULL;
  }
  advance(p);
  while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
    if (!check(p, TOK_BINDING)) {
      error_at(p, peek(p)->span, "expected a parameter like $x, found %s",
               describe(p, peek(p)));
      return NULL;
    }
    Param pm = {.name = peek(p)->name, .span = peek(p)->span};
    advance(p);
    if (accept(p, TOK_COLON)) pm.type = parse_type(p);
    VEC_PUSH(p->s->arena, e->lambda.params, pm);
    if (!accept(p, TOK_COMMA)) break;
  }
  if (!expect(p, TOK_RPAREN, "')' to close the parameters")) return NULL;
  if (accept(p, TOK_COLON)) {
    e->lambda.ret = parse_type(p);
    if (!e->lambda.ret) return NULL;
  }
  e->lambda.body = parse_block(p);
  if (!e->lambda.body) return NULL;
  e->span = span_from(p, start);
  return e;
}

static bool parse_call_args(Parser *p, ExprList *args) {
  advance(p); /* ( */
  while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
    Expr *a = parse_expr(p);
    if (!a) return false;
    VEC_PUSH(p->s->arena, *args, a);
    if (!accept(p, TOK_COMMA)) break;
  }
  return expect(p, TOK_RPAREN, "')' to close the argument list");
}

static Expr *parse_primary(Parser *p) {
  Token *t = peek(p);
  Span start = t->span;
  Arena *A = p->s->arena;
  Expr *e;
  switch (t->kind) {
  case TOK_INT:
    advance(p);
    if (t->int_overflow)
      error_at(p, t->span, "integer literal %s is out of range for Int "
               "(max 9223372036854775807)", tok_text(p->s, t));
    e = new_expr(p, EX_INT, start);
    e->i.value = t->ival;
    return e;
  case TOK_FLOAT:
    advance(p);
    e = new_expr(p, EX_FLOAT, start);
    e->f.value = t->fval;
    return e;
  case TOK_CHAR:
    advance(p);
    e = new_expr(p, EX_CHAR, start);
    e->ch.value = t->ch;
    return e;
  case TOK_KW_TRUE: case TOK_KW_FALSE:
    advance(p);
    e = new_expr(p, EX_BOOL, start);
    e->b.value = t->kind == TOK_KW_TRUE;
    return e;
  case TOK_STR:
    return parse_string(p);
  case TOK_REGEX:
    advance(p);
    e = new_expr(p, EX_REGEX, start);
    e->re.pattern = t->regex.pattern;
    e->re.len = t->regex.len;
    e->re.flags = t->regex.flags;
    e->re.pattern_span = t->regex.pattern_span;
    return e;
  case TOK_BINDING:
    advance(p);
    e = new_expr(p, EX_BINDING, start);
    e->bind.name = t->name;
    return e;
  case TOK_NAME: {
    advance(p);
    if (t->upper && brace_starts_record(p)) {
      e = new_expr(p, EX_RECORD, start);
      e->record.name = t->name;
      if (!parse_inits(p, &e->record.inits)) return NULL;
      e->span = span_from(p, start);
      return e;
    }
    e = new_expr(p, EX_NAME, start);
    e->name.name = t->name;
    if (check(p, TOK_LBRACKET) && brackets_hold_types(p)) {
      if (!parse_type_args(p, &e->name.targs)) return NULL;
      e->span = span_from(p, start);
      if (t->upper && brace_starts_record(p)) {
        /* Box[Int] { v: 1 }: a record literal with its type arguments */
        TypeExprList targs = e->name.targs;
        memset(&e->record, 0, sizeof e->record);
        e->kind = EX_RECORD;
        e->record.name = t->name;
        e->record.targs = targs;
        if (!parse_inits(p, &e->record.inits)) return NULL;
        e->span = span_from(p, start);
      }
    }
    return e;
  }
  case TOK_LPAREN: {
    advance(p);
    if (accept(p, TOK_RPAREN)) return new_expr(p, EX_UNIT, span_from(p, start));
    Expr *first = parse_expr(p);
    if (!first) return NULL;
    if (accept(p, TOK_RPAREN)) { /* (e) is e; its span takes the parens */
      first->span = span_from(p, start);
      return first;
    }
    e = new_expr(p, EX_TUPLE, start);
    VEC_PUSH(A, e->tuple.elems, first);
    while (accept(p, TOK_COMMA)) {
      if (check(p, TOK_RPAREN)) break;
      Expr *el = parse_expr(p);
      if (!el) return NULL;
      VEC_PUSH(A, e->tuple.elems, el);
    }
    if (!expect(p, TOK_RPAREN, "')' or ','")) return NULL;
    e->span = span_from(p, start);
    return e;
  }
  case TOK_LBRACKET: {
    advance(p);
    e = new_expr(p, EX_LIST, start);
    while (!check(p, TOK_RBRACKET) && !check(p, TOK_EOF)) {
      Expr *el = parse_expr(p);
      if (!el) return NULL;
      VEC_PUSH(A, e->tuple.elems, el);
      if (!accept(p, TOK_COMMA)) break;
    }
    if (!expect(p, TOK_RBRACKET, "']' or ','")) return NULL;
    e->span = span_from(p, start);
    return e;
  }
  case TOK_LBRACE:
    if (brace_starts_map(p)) return parse_map(p);
    return parse_block(p);
  case TOK_KW_IF:
    return parse_if(p);
  case TOK_KW_WHILE: {
    advance(p);
    e = new_expr(p, EX_WHILE, start);
    e->while_.cond = parse_expr(p);
    if (!e->while_.cond) return NULL;
    e->while_.body = parse_block(p);
    if (!e->while_.body) return NULL;
    e->span = span_from(p, start);
    return e;
  }
  case TOK_KW_FOR: {
    advance(p);
    e = new_expr(p, EX_FOR, start);
    e->for_.pat = parse_pattern(p);
    if (!e->for_.pat || !expect(p, TOK_KW_IN, "'in' after the loop pattern"))
      return NULL;
    e->for_.iter = parse_expr(p);
    if (!e->for_.iter) return NULL;
    e->for_.body = parse_block(p);
    if (!e->for_.body) return NULL;
    e->span = span_from(p, start);
    return e;
  }
  case TOK_KW_MATCH:
    return parse_match(p);
  case TOK_KW_SELECT:
    return parse_select(p);
  case TOK_KW_HATCH:
    advance(p);
    e = new_expr(p, EX_HATCH, start);
    e->hatch.body = parse_block(p);
    if (!e->hatch.body) return NULL;
    e->span = span_from(p, start);
    return e;
  case TOK_KW_SUB:
    return parse_lambda(p);
  case TOK_KW_RETURN: {
    advance(p);
    e = new_expr(p, EX_RETURN, start);
    TokKind k = kind(p);
    if (k != TOK_NEWLINE && k != TOK_SEMI && k != TOK_RBRACE && k != TOK_EOF &&
        k != TOK_COMMA && k != TOK_RPAREN) {
      e->ret.value = parse_expr(p);
      if (!e->ret.value) return NULL;
    }
    e->span = span_from(p, start);
    return e;
  }
  case TOK_KW_BREAK:
    advance(p);
    return new_expr(p, EX_BREAK, start);
  case TOK_KW_CONTINUE:
    advance(p);
    return new_expr(p, EX_CONTINUE, start);
  case TOK_KW_CHANNEL: {
    advance(p);
    e = new_expr(p, EX_CHANNEL, start);
    if (accept(p, TOK_LBRACKET)) {
      e->chan.elem = parse_type(p);
      if (!e->chan.elem || !expect(p, TOK_RBRACKET, "']' after the element type"))
        return NULL;
    }
    if (!check(p, TOK_LPAREN)) {
      error_at(p, peek(p)->span, "expected '(' after 'channel': write "
               "channel() or channel(capacity)");
      return NULL;
    }
    if (!parse_call_args(p, &e->chan.args)) return NULL;
    e->span = span_from(p, start);
    return e;
  }
  case TOK_KW_RESERVED:
    error_at(p, t->span, "'%s' is reserved for future use and cannot be "
             "used here", t->name);
    return NULL;
  case TOK_ERROR:
    p->panicking = true; /* already reported by the lexer */
    return NULL;
  default:
    error_at(p, t->span, "expected an expression, found %s", describe(p, t));
    return NULL;
  }
}

/* postfix = primary { "(" args ")" | "." name [ "(" args ")" ] | "." INT
 *         | "[" expr "]" | "?" | "with" "{" inits "}" }
 * With e == NULL, parses the primary first. */
static Expr *parse_postfix(Parser *p, Expr *e) {
  if (!e) e = parse_primary(p);
  while (e) {
    Span start = e->span;
    switch (kind(p)) {
    case TOK_LPAREN: {
      Expr *c = new_expr(p, EX_CALL, start);
      c->call.callee = e;
      c->call.builtin = -1;
      if (!parse_call_args(p, &c->call.args)) return NULL;
      c->span = span_from(p, start);
      e = c;
      break;
    }
    case TOK_DOT: {
      advance(p);
      Token *t = peek(p);
      if (t->kind == TOK_INT) {
        advance(p);
        Expr *ti = new_expr(p, EX_TUPLE_INDEX, span_from(p, start));
        ti->tindex.recv = e;
        ti->tindex.index = t->ival;
        e = ti;
        break;
      }
      /* a keyword is a method name when a call follows: $s.match(re) (§14) */
      const char *kw = t->kind != TOK_NAME ? tok_text(p->s, t) : NULL;
      bool kw_method = kw && (kw[0] >= 'a' && kw[0] <= 'z') &&
                       kind_at(p, 1) == TOK_LPAREN;
      if (t->kind != TOK_NAME && !kw_method) {
        error_at(p, t->span, "expected a field or method name after '.', "
                 "found %s", describe(p, t));
        return NULL;
      }
      advance(p);
      if (check(p, TOK_LPAREN)) {
        Expr *m = new_expr(p, EX_METHOD, start);
        m->method.recv = e;
        m->method.name = kw_method ? intern(p->s->names, kw, strlen(kw)) : t->name;
        m->method.name_span = t->span;
        m->method.builtin = -1;
        if (!parse_call_args(p, &m->method.args)) return NULL;
        m->span = span_from(p, start);
        e = m;
      } else if (t->upper && e->kind == EX_NAME && brace_starts_record(p)) {
        Expr *r = new_expr(p, EX_RECORD, start);
        r->record.module = e->name.name;
        r->record.name = t->name;
        if (!parse_inits(p, &r->record.inits)) return NULL;
        r->span = span_from(p, start);
        e = r;
      } else {
        Expr *fe = new_expr(p, EX_FIELD, span_from(p, start));
        fe->field.recv = e;
        fe->field.name = t->name;
        fe->field.name_span = t->span;
        if (e->kind == EX_NAME && !e->name.module && !e->name.targs.len &&
            check(p, TOK_LBRACKET) && brackets_hold_types(p)) {
          /* util.name[T](…): qualified name with type arguments (§11) */
          Expr *qn = new_expr(p, EX_NAME, start);
          qn->name.module = e->name.name;
          qn->name.name = t->name;
          qn->name.name_span = t->span;
          if (!parse_type_args(p, &qn->name.targs)) return NULL;
          qn->span = span_from(p, start);
          fe = qn;
        }
        e = fe;
      }
      break;
    }
    case TOK_LBRACKET: {
      advance(p);
      Expr *ix = new_expr(p, EX_INDEX, start);
      ix->index.recv = e;
      ix->index.index = parse_expr(p);
      if (!ix->index.index || !expect(p, TOK_RBRACKET, "']' to close the index"))
        return NULL;
      ix->span = span_from(p, start);
      e = ix;
      break;
    }
    case TOK_QUESTION: {
      advance(p);
      Expr *q = new_expr(p, EX_TRY, span_from(p, start));
      q->try_.operand = e;
      e = q;
      break;
    }
    case TOK_KW_WITH: {
      advance(p);
      Expr *w = new_expr(p, EX_WITH, start);
      w->with.recv = e;
      if (!parse_inits(p, &w->with.inits)) return NULL;
      w->span = span_from(p, start);
      e = w;
      break;
    }
    default:
      return e;
    }
  }
  return e;
}

/* unary = { "-" | "!" | "~" } postfix
 * A '-' directly before an Int literal (with no postfix operator after it)
 * is part of the literal, so -9223372036854775808 is valid (§2). */
static Expr *parse_unary(Parser *p) {
  Token *t = peek(p);
  if (t->kind == TOK_MINUS && kind_at(p, 1) == TOK_INT) {
    TokKind after = kind_at(p, 2);
    if (after != TOK_DOT && after != TOK_LPAREN && after != TOK_LBRACKET &&
        after != TOK_QUESTION) {
      Span start = advance(p)->span;
      Token *lit = advance(p);
      Expr *e = new_expr(p, EX_INT, span_join(start, lit->span));
      e->i.value = lit->int_overflow ? INT64_MIN : -lit->ival;
      return e;
    }
  }
  if (t->kind == TOK_MINUS || t->kind == TOK_BANG || t->kind == TOK_TILDE) {
    Span start = advance(p)->span;
    Expr *operand = parse_unary(p);
    if (!operand) return NULL;
    Expr *e = new_expr(p, EX_UNARY, span_join(start, operand->span));
    e->un.op = t->kind;
    e->un.operand = operand;
    return e;
  }
  return parse_postfix(p, NULL);
}

/* §6's precedence levels; 0 for a token that is not a binary operator. */
static int binop_prec(TokKind k) {
  switch (k) {
  case TOK_OROR: return 1;
  case TOK_ANDAND: return 2;
  case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE: case TOK_GT: case TOK_GE:
  case TOK_MATCH: case TOK_NOMATCH: case TOK_KW_IS: return 3;
  case TOK_DOTDOT: case TOK_DOTDOTEQ: return 4;
  case TOK_PIPE: case TOK_CARET: return 5;
  case TOK_AMP: return 6;
  case TOK_SHL: case TOK_SHR: return 7;
  case TOK_PLUS: case TOK_MINUS: case TOK_PLUSPLUS: return 8;
  case TOK_STAR: case TOK_SLASH: case TOK_PERCENT: return 9;
  default: return 0;
  }
}

static bool nonassoc(int prec) { return prec == 3 || prec == 4; }

static Expr *parse_binary_from(Parser *p, Expr *lhs, int min_prec) {
  while (lhs) {
    TokKind op = kind(p);
    int prec = binop_prec(op);
    if (prec == 0 || prec < min_prec) break;
    Token *opt = advance(p);
    Expr *e;
    if (op == TOK_KW_IS) {
      e = new_expr(p, EX_IS, lhs->span);
      e->is.lhs = lhs;
      e->is.pat = parse_pattern(p);
      if (!e->is.pat) return NULL;
      e->span = span_from(p, lhs->span);
    } else {
      Expr *rhs = parse_unary(p);
      rhs = parse_binary_from(p, rhs, prec + 1);
      if (!rhs) return NULL;
      e = new_expr(p, EX_BINARY, span_join(lhs->span, rhs->span));
      e->bin.op = op;
      e->bin.lhs = lhs;
      e->bin.rhs = rhs;
    }
    if (nonassoc(prec) && binop_prec(kind(p)) == prec) {
      error_at(p, peek(p)->span, "'%s' cannot follow '%s' without parentheses: "
               "%s operators do not chain (use && to combine comparisons)",
               tok_text(p->s, peek(p)), tok_text(p->s, opt),
               prec == 3 ? "comparison" : "range");
      return NULL;
    }
    lhs = e;
  }
  return lhs;
}

/* expr = "return" [ expr ] | "break" | "continue" | binary */
static Expr *parse_expr(Parser *p) {
  Expr *lhs = parse_unary(p);
  return parse_binary_from(p, lhs, 1);
}

/* ---- statements and blocks ---------------------------------------------- */

static bool starts_block_construct(TokKind k) {
  return k == TOK_KW_IF || k == TOK_KW_WHILE || k == TOK_KW_FOR ||
         k == TOK_KW_MATCH || k == TOK_KW_SELECT || k == TOK_KW_HATCH;
}

static TokKind compound_op(TokKind k) {
  switch (k) {
  case TOK_PLUSEQ: case TOK_MINUSEQ: case TOK_STAREQ: case TOK_SLASHEQ:
  case TOK_PERCENTEQ: case TOK_PLUSPLUSEQ:
    return k;
  default:
    return TOK_EOF;
  }
}

/* Does a parenthesized or bracketed pattern at the current position stand
 * before '=' (a destructuring statement)? */
static bool destructuring_ahead(Parser *p) {
  int depth = 0;
  for (size_t k = 0; p->pos + k < p->n; k++) {
    TokKind tk = kind_at(p, k);
    if (tk == TOK_LPAREN || tk == TOK_LBRACKET) depth++;
    else if (tk == TOK_RPAREN || tk == TOK_RBRACKET) {
      if (--depth == 0) return kind_at(p, k + 1) == TOK_ASSIGN;
    } else if (tk == TOK_EOF || tk == TOK_NEWLINE || tk == TOK_SEMI)
      return false;
  }
  return false;
}

/* stmt = [ "mut" ] pattern [ ":" typeexpr ] "=" expr | expr
 *      | binding ( "+=" | "-=" | "*=" | "/=" | "%=" | "++=" ) expr */
static Stmt *parse_stmt(Parser *p) {
  Arena *A = p->s->arena;
  Span start = peek(p)->span;
  Stmt *st = ARENA_NEW(A, Stmt);
  st->span = start;
  bool is_mut = accept(p, TOK_KW_MUT);
  if (is_mut || (check(p, TOK_BINDING) &&
                 (kind_at(p, 1) == TOK_ASSIGN || kind_at(p, 1) == TOK_COLON)) ||
      ((check(p, TOK_LPAREN) || check(p, TOK_LBRACKET)) &&
       destructuring_ahead(p))) {
    st->kind = ST_LET;
    st->let.is_mut = is_mut;
    st->let.pat = parse_pattern(p);
    if (!st->let.pat) return NULL;
    if (accept(p, TOK_COLON)) {
      st->let.annot = parse_type(p);
      if (!st->let.annot) return NULL;
    }
    if (!expect(p, TOK_ASSIGN, "'=' in the binding")) return NULL;
    st->let.value = parse_expr(p);
    if (!st->let.value) return NULL;
    st->span = span_from(p, start);
    return st;
  }
  if (check(p, TOK_BINDING) && compound_op(kind_at(p, 1)) != TOK_EOF) {
    st->kind = ST_ASSIGN_OP;
    st->assign.name = peek(p)->name;
    st->assign.name_span = peek(p)->span;
    advance(p);
    st->assign.op = advance(p)->kind;
    st->assign.value = parse_expr(p);
    if (!st->assign.value) return NULL;
    st->span = span_from(p, start);
    return st;
  }
  st->kind = ST_EXPR;
  Expr *e;
  if (starts_block_construct(kind(p))) {
    /* §2: ends with its block unless '.' or '?' follows */
    e = parse_primary(p);
    if (e && (check(p, TOK_DOT) || check(p, TOK_QUESTION))) {
      e = parse_postfix(p, e);
      e = parse_binary_from(p, e, 1);
    }
  } else {
    e = parse_expr(p);
  }
  if (!e) return NULL;
  if (check(p, TOK_ASSIGN) || compound_op(kind(p)) != TOK_EOF) {
    error_at(p, e->span, "cannot assign to this expression; only bindings "
             "like $x can be assigned");
    return NULL;
  }
  st->expr.expr = e;
  st->span = span_from(p, start);
  return st;
}

/* block = "{" { stmt sep } [ expr ] "}" */
static Expr *parse_block(Parser *p) {
  Span start = peek(p)->span;
  if (!check(p, TOK_LBRACE)) {
    error_at(p, start, "expected '{', found %s", describe(p, peek(p)));
    return NULL;
  }
  advance(p);
  Expr *b = new_expr(p, EX_BLOCK, start);
  bool last_was_expr = false;
  Stmt *last = NULL;
  for (;;) {
    bool had_sep = false;
    while (at_sep(p)) {
      had_sep = true;
      advance(p);
    }
    if (had_sep && last) last_was_expr = false;
    if (check(p, TOK_RBRACE) || check(p, TOK_EOF)) break;
    Stmt *st = parse_stmt(p);
    if (!st) {
      sync_stmt(p);
      last = NULL;
      last_was_expr = false;
      continue;
    }
    VEC_PUSH(p->s->arena, b->block.stmts, st);
    last = st;
    last_was_expr = st->kind == ST_EXPR;
    if (check(p, TOK_SEMI)) {
      advance(p);
      last_was_expr = false;
      continue;
    }
    if (!at_sep(p) && !check(p, TOK_RBRACE) && !check(p, TOK_EOF) &&
        prev(p)->kind != TOK_RBRACE) {
      error_at(p, peek(p)->span, "expected ';' or a new line after the "
               "statement, found %s", describe(p, peek(p)));
      sync_stmt(p);
    }
  }
  if (!expect(p, TOK_RBRACE, "'}' to close the block")) return NULL;
  if (last_was_expr && last) {
    b->block.value = last->expr.expr;
    b->block.stmts.len--;
  }
  b->span = span_from(p, start);
  return b;
}

/* ---- items (§3, §22) ---------------------------------------------------- */

static bool parse_tparams(Parser *p, void *vec_ptr) {
  VEC(const char *) *out = vec_ptr;
  if (!accept(p, TOK_LBRACKET)) return true;
  while (!check(p, TOK_RBRACKET) && !check(p, TOK_EOF)) {
    if (!check(p, TOK_NAME) || !peek(p)->upper) {
      error_at(p, peek(p)->span, "expected a type parameter name (upper "
               "case, like T), found %s", describe(p, peek(p)));
      return false;
    }
    VEC_PUSH(p->s->arena, *out, advance(p)->name);
    if (!accept(p, TOK_COMMA)) break;
  }
  return expect(p, TOK_RBRACKET, "']' to close the type parameters");
}

static bool parse_params(Parser *p, ParamList *out) {
  if (!expect(p, TOK_LPAREN, "'(' to open the parameter list")) return false;
  while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
    if (!check(p, TOK_BINDING)) {
      error_at(p, peek(p)->span, "expected a parameter like $x: Int, found %s",
               describe(p, peek(p)));
      return false;
    }
    Param pm = {.name = peek(p)->name, .span = peek(p)->span};
    advance(p);
    if (!check(p, TOK_COLON)) {
      error_at(p, peek(p)->span, "parameter $%s needs a type, as in $%s: Int "
               "(the types of a top-level sub are written out, §8)",
               pm.name, pm.name);
      return false;
    }
    advance(p);
    pm.type = parse_type(p);
    if (!pm.type) return false;
    VEC_PUSH(p->s->arena, *out, pm);
    if (!accept(p, TOK_COMMA)) break;
  }
  return expect(p, TOK_RPAREN, "')' to close the parameter list");
}

/* sub = "sub" [ TypeName "." ] name [ tparams ] "(" [ params ] ")"
 *       [ ":" typeexpr ] block */
static bool parse_sub_decl(Parser *p, SubDecl *sd, bool with_body) {
  if (check(p, TOK_NAME) && peek(p)->upper && kind_at(p, 1) == TOK_DOT) {
    sd->recv_type = advance(p)->name;
    advance(p);
  }
  if (!check(p, TOK_NAME)) {
    if (check(p, TOK_LPAREN))
      error_at(p, peek(p)->span, "an anonymous sub cannot stand at the top "
               "level; give it a name: sub name(…) { … }");
    else
      error_at(p, peek(p)->span, "expected the sub's name, found %s",
               describe(p, peek(p)));
    return false;
  }
  sd->name = peek(p)->name;
  sd->name_span = peek(p)->span;
  advance(p);
  if (!parse_tparams(p, &sd->tparams)) return false;
  if (!parse_params(p, &sd->params)) return false;
  if (accept(p, TOK_COLON)) {
    sd->ret = parse_type(p);
    if (!sd->ret) return false;
  }
  if (with_body) {
    sd->body = parse_block(p);
    if (!sd->body) return false;
  }
  return true;
}

static bool parse_typedecl(Parser *p, Item *it) {
  Arena *A = p->s->arena;
  if (!check(p, TOK_NAME) || !peek(p)->upper) {
    error_at(p, peek(p)->span, "expected a type name (upper case first "
             "letter), found %s", describe(p, peek(p)));
    return false;
  }
  it->type.name = peek(p)->name;
  it->type.name_span = peek(p)->span;
  advance(p);
  if (!parse_tparams(p, &it->type.tparams)) return false;
  if (!expect(p, TOK_ASSIGN, "'=' after the type name")) return false;
  if (check(p, TOK_LBRACE)) {
    it->type.kind = TD_RECORD;
    advance(p);
    skip_newlines(p);
    while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
      if (!check(p, TOK_NAME)) {
        error_at(p, peek(p)->span, "expected a field name, found %s",
                 describe(p, peek(p)));
        return false;
      }
      FieldDecl fd = {.name = peek(p)->name, .span = peek(p)->span};
      advance(p);
      if (!expect(p, TOK_COLON, "':' after the field name")) return false;
      fd.type = parse_type(p);
      if (!fd.type) return false;
      VEC_PUSH(A, it->type.fields, fd);
      skip_newlines(p);
      if (!accept(p, TOK_COMMA)) break;
      skip_newlines(p);
    }
    skip_newlines(p);
    return expect(p, TOK_RBRACE, "'}' to close the record type");
  }
  bool leading_bar = accept(p, TOK_PIPE);
  bool variants = leading_bar ||
                  (check(p, TOK_NAME) && peek(p)->upper &&
                   (kind_at(p, 1) == TOK_LPAREN || kind_at(p, 1) == TOK_PIPE));
  if (!variants) {
    it->type.kind = TD_ALIAS;
    it->type.alias = parse_type(p);
    return it->type.alias != NULL;
  }
  it->type.kind = TD_VARIANTS;
  do {
    if (!check(p, TOK_NAME) || !peek(p)->upper) {
      error_at(p, peek(p)->span, "expected a constructor name (upper case "
               "first letter), found %s", describe(p, peek(p)));
      return false;
    }
    VariantDecl vd = {.name = peek(p)->name, .span = peek(p)->span};
    advance(p);
    if (accept(p, TOK_LPAREN)) {
      while (!check(p, TOK_RPAREN) && !check(p, TOK_EOF)) {
        TypeExpr *t = parse_type(p);
        if (!t) return false;
        VEC_PUSH(A, vd.fields, t);
        if (!accept(p, TOK_COMMA)) break;
      }
      if (!expect(p, TOK_RPAREN, "')' to close the constructor's fields"))
        return false;
    }
    VEC_PUSH(A, it->type.variants, vd);
  } while (accept(p, TOK_PIPE));
  return true;
}

static Item *parse_item(Parser *p) {
  Arena *A = p->s->arena;
  Token *t = peek(p);
  Item *it = ARENA_NEW(A, Item);
  it->span = t->span;
  switch (t->kind) {
  case TOK_KW_SUB:
    advance(p);
    it->kind = ITEM_SUB;
    if (!parse_sub_decl(p, &it->sub, true)) return NULL;
    break;
  case TOK_KW_TYPE:
    advance(p);
    it->kind = ITEM_TYPE;
    if (!parse_typedecl(p, it)) return NULL;
    break;
  case TOK_KW_CONST:
    advance(p);
    it->kind = ITEM_CONST;
    if (!check(p, TOK_NAME)) {
      error_at(p, peek(p)->span, "expected the const's name, found %s",
               describe(p, peek(p)));
      return NULL;
    }
    it->const_.name = peek(p)->name;
    it->const_.name_span = peek(p)->span;
    advance(p);
    if (!check(p, TOK_COLON)) {
      error_at(p, peek(p)->span, "const %s needs a type, as in "
               "const %s: Int = …", it->const_.name, it->const_.name);
      return NULL;
    }
    advance(p);
    it->const_.type = parse_type(p);
    if (!it->const_.type || !expect(p, TOK_ASSIGN, "'=' after the const's type"))
      return NULL;
    it->const_.value = parse_expr(p);
    if (!it->const_.value) return NULL;
    break;
  case TOK_KW_USE:
    advance(p);
    it->kind = ITEM_USE;
    if (!check(p, TOK_NAME)) {
      error_at(p, peek(p)->span, "expected a module name after 'use'");
      return NULL;
    }
    it->use.module = peek(p)->name;
    it->use.module_span = peek(p)->span;
    advance(p);
    if (accept(p, TOK_DOT)) {
      if (!expect(p, TOK_LBRACE, "'{' to list the imported names")) return NULL;
      while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
        if (!check(p, TOK_NAME)) {
          error_at(p, peek(p)->span, "expected a name to import, found %s",
                   describe(p, peek(p)));
          return NULL;
        }
        VEC_PUSH(A, it->use.names, peek(p)->name);
        VEC_PUSH(A, it->use.name_spans, peek(p)->span);
        advance(p);
        if (!accept(p, TOK_COMMA)) break;
      }
      if (!expect(p, TOK_RBRACE, "'}' to close the imported names")) return NULL;
    }
    break;
  case TOK_KW_EXTERN:
    advance(p);
    it->kind = ITEM_EXTERN;
    if (!check(p, TOK_STR) || peek(p)->str.nparts > 1 ||
        (peek(p)->str.nparts == 1 && peek(p)->str.parts[0].is_code)) {
      error_at(p, peek(p)->span, "expected the library name as a plain "
               "string, as in extern \"m\" { … }");
      return NULL;
    }
    it->extern_.lib = peek(p)->str.nparts ? peek(p)->str.parts[0].text : "";
    advance(p);
    if (!expect(p, TOK_LBRACE, "'{' to open the extern block")) return NULL;
    for (;;) {
      skip_seps(p);
      if (check(p, TOK_RBRACE) || check(p, TOK_EOF)) break;
      if (!expect(p, TOK_KW_SUB, "'sub' to declare a foreign function"))
        return NULL;
      SubDecl sd = {0};
      if (!parse_sub_decl(p, &sd, false)) return NULL;
      VEC_PUSH(A, it->extern_.subs, sd);
    }
    if (!expect(p, TOK_RBRACE, "'}' to close the extern block")) return NULL;
    break;
  case TOK_KW_TEST:
    advance(p);
    it->kind = ITEM_TEST;
    if (!check(p, TOK_STR)) {
      error_at(p, peek(p)->span, "expected the test's name as a string, as "
               "in test \"adds\" { … }");
      return NULL;
    }
    {
      StrBuf nb;
      sb_init(&nb);
      for (size_t i = 0; i < peek(p)->str.nparts; i++)
        sb_put(&nb, peek(p)->str.parts[i].text, peek(p)->str.parts[i].len);
      it->test.name = arena_strdup(A, sb_cstr(&nb));
      sb_free(&nb);
    }
    advance(p);
    it->test.body = parse_block(p);
    if (!it->test.body) return NULL;
    break;
  default:
    if (t->kind == TOK_BINDING || t->kind == TOK_KW_MUT)
      error_at(p, t->span, "statements cannot stand at the top level; put "
               "them in sub main() { … } (or use a const for a value)");
    else
      error_at(p, t->span, "expected an item (sub, type, const, use, extern "
               "or test), found %s", describe(p, t));
    return NULL;
  }
  it->span = span_from(p, it->span);
  return it;
}

const char *parse_module_name(Session *s, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  return intern(s->names, base, n);
}

/* file = { item sep } */
Module *parse_module(Session *s, const SrcFile *f) {
  TokenList tl = lex_file(s, f);
  Parser p = {.s = s, .f = f, .toks = tl.toks, .n = tl.len};
  Module *m = ARENA_NEW(s->arena, Module);
  m->file = f;
  m->name = parse_module_name(s, f->path);
  for (;;) {
    skip_seps(&p);
    if (check(&p, TOK_EOF)) break;
    p.unclosed = false; /* a new item: its errors are its own */
    Item *it = parse_item(&p);
    if (!it) {
      sync_item(&p);
      continue;
    }
    VEC_PUSH(s->arena, m->items, it);
    if (!at_sep(&p) && !check(&p, TOK_EOF) && prev(&p)->kind != TOK_RBRACE) {
      error_at(&p, peek(&p)->span, "expected a new line after the item, "
               "found %s", describe(&p, peek(&p)));
      sync_item(&p);
    }
  }
  return m;
}
