/* lex.c — source text to tokens (spec §2).
 *
 * One forward pass over the bytes, with no allocation per character:
 * tokens go straight into an arena array sized from the text (one token per
 * three bytes, more than real code has, so it rarely grows), and string
 * literals decode into one reused scratch StrBuf, so only each finished
 * literal part is copied out.
 *
 * Two ideas carry the design.
 *
 * Statement separation (§2, Lex.h) is decided here, not in the parser.
 * Trivia (blanks, comments, newlines) is skipped before every token while
 * the newlines are counted. If the newline cannot end a statement for a
 * reason known before the next token — we are directly inside ( ) or [ ]
 * (a stack of open brackets says so), or the previous token is one that
 * continues a line — it is dropped and the statement goes on. Otherwise the
 * next token is lexed as the start of a statement and decides: a token that
 * continues the previous line (`.`, `else`, a closer, a binary operator
 * other than `-` and `/`) drops it, anything else gets one TOK_NEWLINE per
 * newline in front of it.
 *
 * Regex or division (§2, JavaScript's rule) falls out of the same state:
 * `/` is division right after an operand (literal, binding, non-keyword
 * name, `)`, `]`, `}`, `?`) in the same statement, and a regex anywhere
 * else — so after a kept newline it always opens a regex, while after a
 * dropped one (inside parentheses, after `+`) it still divides.
 *
 * Strings are lexed whole into StrParts. An interpolation's code is not
 * lexed here: the parser calls lex_span on its span. To find where `${…}`
 * ends, scan_code skips balanced brackets and nested string and char
 * literals, and notes the first `:` outside all of them, which starts the
 * format spec (Python's rule). A triple-quoted string is scanned twice: once
 * to find its closing quotes (whose indentation is what every line loses),
 * then decoded line by line.
 */
#include <math.h>
#include <stdlib.h>

#include "guji/Lex.h"

typedef struct Lexer {
  Session *s;
  const SrcFile *f;
  const char *src;
  uint32_t pos, lim; /* lexing [pos, lim) */
  bool span_mode;    /* lex_span: every newline is dropped */
  Token *toks;       /* in the arena */
  size_t ntoks, tcap;
  char *stack; /* open brackets: '(', '[', '{' */
  size_t depth, scap;
  TokKind prev;     /* the last token pushed (TOK_NEWLINE at the start) */
  StrBuf buf;       /* decoded text of the current literal run */
  StrPart *parts;   /* parts of the current string literal */
  size_t nparts, pcap;
  bool interp_failed; /* an unclosed `${` ran to the end of the line */
} Lexer;

/* ---- small helpers ------------------------------------------------------ */

static int at(const Lexer *L, uint32_t p) {
  return p < L->lim ? (unsigned char)L->src[p] : -1;
}

static Span span(const Lexer *L, uint32_t start, uint32_t end) {
  return span_make(L->f->id, start, end);
}

#define LEX_ERROR(L, start, end, ...) \
  diag_error((L)->s->diag, span((L), (start), (end)), __VA_ARGS__)

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_name_start(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_name_char(int c) { return is_name_start(c) || is_digit(c); }
static bool is_blank(int c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) GJ_UNREACHABLE("out of memory in the lexer");
  return q;
}

/* Decodes one UTF-8 scalar at p (at most `avail` bytes). Returns its length,
 * or 0 when the bytes are not valid UTF-8 (overlong forms, surrogates and
 * values past U+10FFFF included). */
static int utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp) {
  unsigned c = p[0];
  int n;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if ((size_t)n > avail) return 0;
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

static void utf8_put(StrBuf *b, uint32_t cp) {
  if (cp < 0x80) {
    sb_putc(b, (char)cp);
  } else if (cp < 0x800) {
    sb_putc(b, (char)(0xC0 | (cp >> 6)));
    sb_putc(b, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    sb_putc(b, (char)(0xE0 | (cp >> 12)));
    sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(b, (char)(0x80 | (cp & 0x3F)));
  } else {
    sb_putc(b, (char)(0xF0 | (cp >> 18)));
    sb_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
    sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(b, (char)(0x80 | (cp & 0x3F)));
  }
}

/* At a byte >= 0x80: returns the scalar's length, or reports a run of
 * invalid bytes once (§2: "with its byte offset") and returns its length
 * as a negative number. */
static int utf8_at(Lexer *L, uint32_t p, uint32_t *cp) {
  int n = utf8_decode((const unsigned char *)L->src + p, L->lim - p, cp);
  if (n > 0) return n;
  uint32_t q = p + 1;
  while (q < L->lim && (unsigned char)L->src[q] >= 0x80 &&
         utf8_decode((const unsigned char *)L->src + q, L->lim - q, cp) == 0)
    q++;
  LEX_ERROR(L, p, q, "invalid UTF-8 in source at byte offset %u", p);
  return -(int)(q - p);
}

/* ---- tokens and the bracket stack --------------------------------------- */

static void push_tok(Lexer *L, Token t) {
  if (L->ntoks == L->tcap) { /* only for text denser than the estimate */
    size_t ncap = L->tcap * 2;
    Token *nt = ARENA_ARRAY(L->s->arena, Token, ncap);
    memcpy(nt, L->toks, L->ntoks * sizeof(Token));
    L->toks = nt;
    L->tcap = ncap;
  }
  L->toks[L->ntoks++] = t;
  L->prev = t.kind;
}

static void open_bracket(Lexer *L, char c) {
  if (L->depth == L->scap) {
    L->scap = L->scap ? L->scap * 2 : 32;
    L->stack = xrealloc(L->stack, L->scap);
  }
  L->stack[L->depth++] = c;
}

/* A mismatched closer still pops: the parser reports the mismatch, and
 * popping keeps one stray bracket from changing every later newline. */
static void close_bracket(Lexer *L) {
  if (L->depth) L->depth--;
}

static bool in_parens(const Lexer *L) {
  return L->depth && L->stack[L->depth - 1] != '{';
}

/* ---- newline rules (§2) ------------------------------------------------- */

static bool is_binary_op(TokKind k) {
  switch (k) {
  case TOK_PLUS: case TOK_MINUS: case TOK_STAR: case TOK_SLASH:
  case TOK_PERCENT: case TOK_PLUSPLUS: case TOK_EQ: case TOK_NE: case TOK_LT:
  case TOK_LE: case TOK_GT: case TOK_GE: case TOK_MATCH: case TOK_NOMATCH:
  case TOK_ANDAND: case TOK_OROR: case TOK_AMP: case TOK_PIPE: case TOK_CARET:
  case TOK_SHL: case TOK_SHR: case TOK_DOTDOT: case TOK_DOTDOTEQ:
  case TOK_KW_IS:
    return true;
  default:
    return false;
  }
}

/* A line ending in one of these continues onto the next. */
static bool continues_line(TokKind k) {
  switch (k) {
  case TOK_ASSIGN: case TOK_PLUSEQ: case TOK_MINUSEQ: case TOK_STAREQ:
  case TOK_SLASHEQ: case TOK_PERCENTEQ: case TOK_PLUSPLUSEQ:
  case TOK_FATARROW: case TOK_COMMA: case TOK_LPAREN: case TOK_LBRACKET:
  case TOK_LBRACE:
    return true;
  default:
    return is_binary_op(k);
  }
}

/* A line starting with one of these continues the previous one. */
static bool continues_previous(TokKind k) {
  switch (k) {
  case TOK_DOT: case TOK_KW_ELSE: case TOK_RPAREN: case TOK_RBRACKET:
  case TOK_RBRACE:
    return true;
  case TOK_MINUS: case TOK_SLASH:
    return false;
  default:
    return is_binary_op(k);
  }
}

/* JavaScript's rule: after an operand, '/' divides. */
static bool ends_operand(TokKind k) {
  switch (k) {
  case TOK_INT: case TOK_FLOAT: case TOK_CHAR: case TOK_STR: case TOK_REGEX:
  case TOK_BINDING: case TOK_NAME: case TOK_UNDERSCORE: case TOK_KW_TRUE:
  case TOK_KW_FALSE: case TOK_RPAREN: case TOK_RBRACKET: case TOK_RBRACE:
  case TOK_QUESTION:
    return true;
  default:
    return false;
  }
}

/* Skips blanks, comments and newlines; returns how many newlines, and the
 * offset of the first in *first_nl. */
static size_t skip_trivia(Lexer *L, uint32_t *first_nl) {
  size_t nl = 0;
  if (L->pos == 0 && L->lim >= 3 && !L->span_mode &&
      memcmp(L->src, "\xEF\xBB\xBF", 3) == 0)
    L->pos = 3; /* a UTF-8 byte order mark */
  for (;;) {
    int c = at(L, L->pos);
    if (is_blank(c)) {
      L->pos++;
    } else if (c == '\n') {
      if (nl++ == 0) *first_nl = L->pos;
      L->pos++;
    } else if (c == '#') {
      while (L->pos < L->lim && L->src[L->pos] != '\n') {
        uint32_t cp;
        if ((unsigned char)L->src[L->pos] < 0x80) {
          L->pos++;
        } else {
          int n = utf8_at(L, L->pos, &cp);
          L->pos += (uint32_t)(n > 0 ? n : -n);
        }
      }
    } else {
      return nl;
    }
  }
}

/* ---- names, bindings, keywords ------------------------------------------ */

/* §21. Sorted by length, so a lookup compares only words of its length. */
TokKind lex_keyword(const char *w, size_t n) {
  static const struct {
    const char *word;
    TokKind kind;
  } kw[] = {
      {"_", TOK_UNDERSCORE},       {"if", TOK_KW_IF},
      {"in", TOK_KW_IN},           {"is", TOK_KW_IS},
      {"as", TOK_KW_RESERVED},     {"sub", TOK_KW_SUB},
      {"use", TOK_KW_USE},         {"mut", TOK_KW_MUT},
      {"for", TOK_KW_FOR},         {"pub", TOK_KW_RESERVED},
      {"type", TOK_KW_TYPE},       {"test", TOK_KW_TEST},
      {"else", TOK_KW_ELSE},       {"with", TOK_KW_WITH},
      {"true", TOK_KW_TRUE},       {"impl", TOK_KW_RESERVED},
      {"const", TOK_KW_CONST},     {"while", TOK_KW_WHILE},
      {"break", TOK_KW_BREAK},     {"match", TOK_KW_MATCH},
      {"hatch", TOK_KW_HATCH},     {"false", TOK_KW_FALSE},
      {"trait", TOK_KW_RESERVED},  {"async", TOK_KW_RESERVED},
      {"await", TOK_KW_RESERVED},  {"spawn", TOK_KW_RESERVED},
      {"yield", TOK_KW_RESERVED},  {"macro", TOK_KW_RESERVED},
      {"where", TOK_KW_RESERVED},  {"extern", TOK_KW_EXTERN},
      {"return", TOK_KW_RETURN},   {"select", TOK_KW_SELECT},
      {"channel", TOK_KW_CHANNEL}, {"continue", TOK_KW_CONTINUE},
  };
  /* first index of each length 1..8, and one past the end */
  static const unsigned char by_len[10] = {0, 0, 1, 5, 10, 16, 29, 32, 33, 34};
  if (n < 1 || n > 8 || w[0] < '_') return TOK_NAME; /* keywords: [_a-z] */
  for (unsigned i = by_len[n]; i < by_len[n + 1]; i++)
    if (kw[i].word[0] == w[0] && memcmp(kw[i].word, w, n) == 0)
      return kw[i].kind;
  return TOK_NAME;
}

static uint32_t name_end(const Lexer *L, uint32_t p) {
  while (is_name_char(at(L, p))) p++;
  return p;
}

static void lex_name(Lexer *L, Token *t) {
  uint32_t start = L->pos, end = name_end(L, start);
  const char *w = L->src + start;
  size_t n = end - start;
  L->pos = end;
  t->kind = lex_keyword(w, n);
  if (t->kind == TOK_NAME || t->kind == TOK_KW_RESERVED) {
    t->name = intern(L->s->names, w, n);
    size_t i = 0;
    while (i < n && w[i] == '_') i++;
    t->upper = i < n && w[i] >= 'A' && w[i] <= 'Z';
  }
}

static void lex_binding(Lexer *L, Token *t) {
  uint32_t start = L->pos;
  if (!is_name_start(at(L, start + 1))) {
    L->pos++;
    t->kind = TOK_ERROR;
    LEX_ERROR(L, start, start + 1,
              "'$' must be followed by a binding name, as in $x");
    return;
  }
  uint32_t end = name_end(L, start + 1);
  t->kind = TOK_BINDING;
  t->name = intern(L->s->names, L->src + start + 1, end - start - 1);
  L->pos = end;
}

/* ---- numbers ------------------------------------------------------------ */

static int digit_value(int c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

/* §2: '_' may stand only between two digits (of `base`). Checks [p, end). */
static bool underscores_ok(const Lexer *L, uint32_t p, uint32_t end, int base) {
  for (uint32_t i = p; i < end; i++)
    if (L->src[i] == '_' &&
        (i == p || i + 1 >= end || digit_value(L->src[i - 1]) >= base ||
         digit_value(L->src[i + 1]) >= base))
      return false;
  return true;
}

static uint32_t digits_end(const Lexer *L, uint32_t p) {
  while (is_digit(at(L, p)) || at(L, p) == '_') p++;
  return p;
}

/* Accumulates digits into an Int, allowing exactly 2^63 (int_overflow). */
static void int_value(Lexer *L, Token *t, uint32_t start, uint32_t p,
                      uint32_t end, int base) {
  const uint64_t limit = (uint64_t)1 << 63;
  uint64_t v = 0;
  bool too_big = false;
  for (uint32_t i = p; i < end; i++) {
    if (L->src[i] == '_') continue;
    uint64_t d = (uint64_t)digit_value(L->src[i]);
    if (v > (limit - d) / (uint64_t)base) too_big = true;
    if (!too_big) v = v * (uint64_t)base + d;
  }
  if (too_big) {
    LEX_ERROR(L, start, end,
              "integer literal %.*s is out of range for Int (max "
              "9223372036854775807)",
              (int)(end - start), L->src + start);
    v = 0;
  }
  t->int_overflow = v == limit;
  t->ival = (int64_t)v; /* 2^63 wraps to INT64_MIN: -(that) is what a '-' wants */
}

static void lex_prefixed(Lexer *L, Token *t, uint32_t start) {
  int c = at(L, start + 1) | 0x20;
  int base = c == 'x' ? 16 : c == 'b' ? 2 : 8;
  const char *what = base == 16 ? "hexadecimal" : base == 2 ? "binary" : "octal";
  uint32_t p = start + 2, end = name_end(L, p);
  L->pos = end;
  t->kind = TOK_INT;
  int len = (int)(end - start);
  const char *text = L->src + start;
  if (end == p) {
    LEX_ERROR(L, start, end, "expected %s digits after '%.2s'", what, text);
    return;
  }
  for (uint32_t i = p; i < end; i++) {
    if (L->src[i] != '_' && digit_value(L->src[i]) >= base) {
      LEX_ERROR(L, i, i + 1, "invalid digit '%c' in %s literal '%.*s'",
                L->src[i], what, len, text);
      return;
    }
  }
  if (!underscores_ok(L, p, end, base)) {
    LEX_ERROR(L, start, end,
              "invalid number literal '%.*s': '_' may only stand between two "
              "digits",
              len, text);
    return;
  }
  int_value(L, t, start, p, end, base);
}

static void float_value(Lexer *L, Token *t, uint32_t start, uint32_t end) {
  StrBuf *b = &L->buf;
  b->len = 0;
  for (uint32_t i = start; i < end; i++)
    if (L->src[i] != '_') sb_putc(b, L->src[i]);
  t->fval = strtod(sb_cstr(b), NULL);
  b->len = 0;
  if (isinf(t->fval))
    LEX_ERROR(L, start, end, "float literal %.*s is out of range for Float",
              (int)(end - start), L->src + start);
}

/* INT | FLOAT. After a '.' token only digits are taken (§2: `$t.0.1`). */
static void lex_number(Lexer *L, Token *t) {
  uint32_t start = L->pos;
  int c1 = at(L, start + 1) | 0x20;
  if (at(L, start) == '0' && (c1 == 'x' || c1 == 'b' || c1 == 'o')) {
    lex_prefixed(L, t, start);
    return;
  }
  bool tuple_index = L->prev == TOK_DOT;
  uint32_t p = digits_end(L, start);
  bool is_float = false;
  if (!tuple_index && at(L, p) == '.' && is_digit(at(L, p + 1))) {
    p = digits_end(L, p + 1);
    is_float = true;
  }
  if (!tuple_index && (at(L, p) | 0x20) == 'e') {
    int s = at(L, p + 1);
    uint32_t q = p + 1 + (s == '+' || s == '-');
    if (is_digit(at(L, q))) {
      p = digits_end(L, q);
      is_float = true;
    }
  }
  uint32_t end = name_end(L, p);
  L->pos = end;
  t->kind = is_float ? TOK_FLOAT : TOK_INT;
  int len = (int)(end - start);
  const char *text = L->src + start;
  if (end > p) {
    if ((L->src[p] | 0x20) == 'e' && !tuple_index)
      LEX_ERROR(L, start, end,
                "invalid number literal '%.*s': the exponent needs digits, "
                "as in 1e9",
                len, text);
    else
      LEX_ERROR(L, start, end,
                "invalid suffix '%.*s' on number literal '%.*s'; put a space "
                "or an operator between a number and a name",
                (int)(end - p), L->src + p, len, text);
    return;
  }
  if (!underscores_ok(L, start, end, 10)) {
    LEX_ERROR(L, start, end,
              "invalid number literal '%.*s': '_' may only stand between two "
              "digits",
              len, text);
    return;
  }
  if (is_float) {
    float_value(L, t, start, end);
    return;
  }
  if (text[0] == '0' && len > 1) {
    uint32_t z = start;
    while (z + 1 < end && (L->src[z] == '0' || L->src[z] == '_')) z++;
    LEX_ERROR(L, start, end,
              "integer literal '%.*s' has a leading zero; write %.*s for "
              "decimal or 0o%.*s for octal",
              len, text, (int)(end - z), L->src + z, (int)(end - z),
              L->src + z);
    return;
  }
  int_value(L, t, start, start, end, 10);
}

/* ---- escapes (strings and chars) ---------------------------------------- */

/* At a '\\': decodes one escape into *cp and advances. Returns false (and
 * reports) when it is not one of §2's escapes. */
static bool lex_escape(Lexer *L, bool in_char, uint32_t *cp) {
  uint32_t start = L->pos;
  int c = at(L, start + 1);
  L->pos += 2;
  switch (c) {
  case 'n': *cp = '\n'; return true;
  case 't': *cp = '\t'; return true;
  case 'r': *cp = '\r'; return true;
  case '0': *cp = 0; return true;
  case '\\': case '"': case '$': *cp = (uint32_t)c; return true;
  case '\'':
    if (in_char) {
      *cp = '\'';
      return true;
    }
    break;
  case 'u': {
    uint32_t p = start + 2;
    bool ok = at(L, p) == '{';
    if (ok) p++;
    uint32_t digits = p, v = 0;
    while (ok && digit_value(at(L, p)) < 16) {
      if (p - digits < 8) v = v * 16 + (uint32_t)digit_value(at(L, p));
      p++;
    }
    ok = ok && p > digits && p - digits <= 6 && at(L, p) == '}';
    if (ok) p++;
    L->pos = p;
    if (!ok) {
      LEX_ERROR(L, start, p,
                "malformed escape sequence '%.*s': write \\u{...} with 1 to 6 "
                "hex digits, as in \\u{1F600}",
                (int)(p - start), L->src + start);
      return false;
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
      LEX_ERROR(L, start, p,
                "invalid escape sequence '%.*s': U+%X is not a Unicode scalar "
                "value (it must be at most 10FFFF and not in D800-DFFF)",
                (int)(p - start), L->src + start, v);
      return false;
    }
    *cp = v;
    return true;
  }
  default:
    break;
  }
  const char *valid = in_char ? "\\n \\t \\r \\0 \\\\ \\' \\\" \\$ \\u{...}"
                              : "\\n \\t \\r \\0 \\\\ \\\" \\$ \\u{...}";
  const char *what = in_char ? "char" : "string";
  if (c == '\n' || c == -1) {
    L->pos = start + 1;
    LEX_ERROR(L, start, start + 1,
              "a '\\' at the end of a line is not an escape in a %s literal "
              "(valid: %s); write \\\\ for a backslash",
              what, valid);
    return false;
  }
  int n = 1;
  uint32_t ignored;
  if (c >= 0x80) {
    n = utf8_decode((const unsigned char *)L->src + start + 1,
                    L->lim - start - 1, &ignored);
    if (n == 0) n = 1;
  }
  L->pos = start + 1 + (uint32_t)n;
  LEX_ERROR(L, start, L->pos,
            "unknown escape sequence '\\%.*s' in %s literal (valid: %s)", n,
            L->src + start + 1, what, valid);
  return false;
}

/* ---- interpolation scanning --------------------------------------------- */

enum { MAX_NESTING = 64 };

static uint32_t scan_code(const Lexer *L, uint32_t p, bool *ok,
                          uint32_t *colon, int nest);

/* Skips a string literal nested in interpolation code: p at its '"' (or at
 * the 'r' of r"…"). Returns the offset after it; *ok false if unterminated. */
static uint32_t skip_nested_string(const Lexer *L, uint32_t p, bool *ok,
                                   int nest) {
  bool raw = at(L, p) == 'r';
  p += raw ? 2 : 1;
  for (;;) {
    int c = at(L, p);
    if (c == -1 || c == '\n') {
      *ok = false;
      return p;
    }
    if (c == '"') return p + 1;
    if (!raw && c == '\\') {
      p += at(L, p + 1) == -1 ? 1 : 2;
    } else if (!raw && c == '$' && at(L, p + 1) == '{') {
      uint32_t ignored = 0;
      p = scan_code(L, p + 2, ok, &ignored, nest + 1);
      if (!*ok) return p;
      p++; /* the '}' */
    } else {
      p++;
    }
  }
}

/* Scans the code of `${…}` from p (just after the '{') to its matching '}',
 * whose offset it returns. *colon gets the offset of the first ':' outside
 * every bracket and nested literal (0 if none): the spec starts after it,
 * and runs to the next '}'. *ok false (returning where it stopped) when the
 * line ends first. */
static uint32_t scan_code(const Lexer *L, uint32_t p, bool *ok,
                          uint32_t *colon, int nest) {
  int depth = 0;
  *colon = 0;
  *ok = nest < MAX_NESTING;
  while (*ok) {
    int c = at(L, p);
    if (c == -1 || c == '\n') {
      *ok = false;
    } else if (*colon) {
      if (c == '}') return p;
      p++;
    } else if (c == '"' ||
               (c == 'r' && at(L, p + 1) == '"' && !is_name_char(at(L, p - 1)))) {
      p = skip_nested_string(L, p, ok, nest);
    } else if (c == '\'') {
      /* a char literal: '}' and ':' and '"' lose their meaning inside */
      uint32_t q = p + 1 + (at(L, p + 1) == '\\');
      q++;
      while (q < L->lim && ((unsigned char)L->src[q] & 0xC0) == 0x80) q++;
      if (at(L, q) == '\'') {
        p = q + 1;
      } else if (at(L, p + 1) == '\\' && at(L, p + 2) == 'u') {
        while (at(L, q) != '}' && at(L, q) != -1 && at(L, q) != '\n') q++;
        p = at(L, q + 1) == '\'' ? q + 2 : p + 1;
      } else {
        p++;
      }
    } else if (c == '(' || c == '[' || c == '{') {
      depth++;
      p++;
    } else if (c == ')' || c == ']' || c == '}') {
      if (c == '}' && depth == 0) return p;
      if (depth) depth--;
      p++;
    } else if (c == ':' && depth == 0) {
      *colon = p;
      p++;
    } else {
      p++;
    }
  }
  return p;
}

/* ---- string literals ---------------------------------------------------- */

static void push_part(Lexer *L, StrPart part) {
  if (L->nparts == L->pcap) {
    L->pcap = L->pcap ? L->pcap * 2 : 8;
    L->parts = xrealloc(L->parts, L->pcap * sizeof(StrPart));
  }
  L->parts[L->nparts++] = part;
}

/* Ends the current literal run [run_start, end) if it holds any text. */
static void flush_text(Lexer *L, uint32_t run_start, uint32_t end) {
  if (L->buf.len == 0) return;
  if (end < run_start) end = run_start; /* after an unterminated `${` */
  StrPart part = {0};
  part.text = arena_strndup(L->s->arena, L->buf.data, L->buf.len);
  part.len = L->buf.len;
  part.span = span(L, run_start, end);
  push_part(L, part);
  L->buf.len = 0;
}

/* At a '$' followed by a name or '{' in a string: scans an interpolation
 * into *part and advances; false (reported, nothing to push) when `${` is
 * not closed on its line. */
static bool lex_interp(Lexer *L, StrPart *part) {
  uint32_t start = L->pos;
  memset(part, 0, sizeof *part);
  part->is_code = true;
  if (is_name_start(at(L, start + 1))) {
    uint32_t end = name_end(L, start + 1);
    part->code = part->span = span(L, start, end);
    L->pos = end;
    return true;
  }
  bool ok;
  uint32_t colon;
  uint32_t close = scan_code(L, start + 2, &ok, &colon, 0);
  if (!ok) {
    LEX_ERROR(L, start, close,
              "unterminated interpolation: expected '}' to close this '${' "
              "on the same line");
    L->pos = close;
    L->interp_failed = true;
    return false;
  }
  /* An empty `${}` is still a code part: the parser reports it when
   * lex_span gives it nothing to parse. */
  uint32_t code_end = colon ? colon : close;
  part->code = span(L, start + 2, code_end);
  /* `${$x:}` has an empty spec, which formats like none (Python's
   * format(v, "")): it is left out. */
  part->has_spec = colon && colon + 1 < close;
  if (part->has_spec) part->spec = span(L, colon + 1, close);
  part->span = span(L, start, close + 1);
  L->pos = close + 1;
  return true;
}

/* Copies one source character (validating UTF-8) into the literal run. */
static void copy_char(Lexer *L) {
  unsigned char c = (unsigned char)L->src[L->pos];
  if (c < 0x80) {
    sb_putc(&L->buf, (char)c);
    L->pos++;
    return;
  }
  uint32_t cp;
  int n = utf8_at(L, L->pos, &cp);
  if (n > 0) sb_put(&L->buf, L->src + L->pos, (size_t)n);
  L->pos += (uint32_t)(n > 0 ? n : -n);
}

/* Handles '\\' or '$' at L->pos inside a cooked string; false if neither. */
static bool cooked_special(Lexer *L, uint32_t *run_start) {
  int c = at(L, L->pos);
  if (c == '\\') {
    uint32_t cp;
    if (lex_escape(L, false, &cp)) utf8_put(&L->buf, cp);
    return true;
  }
  if (c == '$') {
    int next = at(L, L->pos + 1);
    if (!is_name_start(next) && next != '{') {
      sb_putc(&L->buf, '$'); /* §2: a literal '$' */
      L->pos++;
      return true;
    }
    uint32_t dollar = L->pos;
    StrPart part;
    if (lex_interp(L, &part)) {
      flush_text(L, *run_start, dollar);
      push_part(L, part);
      *run_start = L->pos;
    }
    return true;
  }
  return false;
}

static void finish_string(Lexer *L, Token *t) {
  t->kind = TOK_STR;
  t->str.nparts = L->nparts;
  t->str.parts = NULL;
  if (L->nparts) {
    t->str.parts = ARENA_ARRAY(L->s->arena, StrPart, L->nparts);
    memcpy(t->str.parts, L->parts, L->nparts * sizeof(StrPart));
  }
  L->nparts = 0;
  L->buf.len = 0;
}

/* "…" and r"…": on one line. L->pos is at the opening quote. */
static void lex_string(Lexer *L, Token *t, bool raw) {
  uint32_t start = raw ? L->pos - 1 : L->pos;
  L->pos++;
  L->interp_failed = false;
  uint32_t run_start = L->pos;
  for (;;) {
    int c = at(L, L->pos);
    if (c == -1 || c == '\n') {
      uint32_t end = L->pos;
      if (end > start && L->src[end - 1] == '\r') end--;
      /* after an unclosed `${`, that is the error to show, not this one */
      if (!L->interp_failed && raw)
        LEX_ERROR(L, start, end,
                  "unterminated raw string literal; an r\"...\" string ends "
                  "on its line");
      else if (!L->interp_failed)
        LEX_ERROR(L, start, end,
                  "unterminated string literal; a \"...\" string ends on its "
                  "line — use \"\"\"...\"\"\" for text that spans lines");
      t->unterminated = true;
      flush_text(L, run_start, L->pos);
      break;
    }
    if (c == '"') {
      flush_text(L, run_start, L->pos);
      L->pos++;
      break;
    }
    if (raw || !cooked_special(L, &run_start)) copy_char(L);
  }
  finish_string(L, t);
  t->str.raw = raw;
}

/* Finds the closing quotes of a """ string whose body starts at p; returns
 * their offset, or L->lim when there are none. */
static uint32_t find_triple_close(const Lexer *L, uint32_t p) {
  while (p < L->lim) {
    char c = L->src[p];
    if (c == '"' && at(L, p + 1) == '"' && at(L, p + 2) == '"') return p;
    if (c == '\\') {
      p += 2;
    } else if (c == '$' && at(L, p + 1) == '{') {
      bool ok;
      uint32_t colon;
      uint32_t close = scan_code(L, p + 2, &ok, &colon, 0);
      p = ok ? close + 1 : p + 2; /* lex_interp reports the bad one */
    } else {
      p++;
    }
  }
  return L->lim;
}

/* At the start of a line of a """ string: removes the closing quotes'
 * indentation [ind, ind + nind) from it (§2). */
static void strip_indent(Lexer *L, uint32_t ind, uint32_t nind,
                         uint32_t content_end) {
  uint32_t p = L->pos, i = 0;
  while (i < nind && p < content_end && L->src[p] == L->src[ind + i]) p++, i++;
  if (i == nind) {
    L->pos = p;
    return;
  }
  uint32_t q = p;
  while (q < content_end && is_blank(at(L, q))) q++;
  if (q >= content_end || L->src[q] == '\n') {
    L->pos = q; /* a blank line: it becomes empty */
    return;
  }
  LEX_ERROR(L, L->pos, p + 1,
            "this line of a multi-line string is indented less than its "
            "closing \"\"\"; indent every line at least as far as the "
            "closing quotes");
}

/* """…""" (§2, Swift's rule). L->pos is at the first of the opening quotes. */
static void lex_triple(Lexer *L, Token *t) {
  uint32_t start = L->pos;
  uint32_t p = start + 3;
  while (is_blank(at(L, p))) p++;
  if (at(L, p) == '\n') {
    p++;
  } else {
    LEX_ERROR(L, start, start + 3,
              "the opening \"\"\" of a multi-line string must end its line; "
              "start the text on the next line");
    p = start + 3;
  }
  uint32_t body = p, close = find_triple_close(L, body);
  uint32_t line = close; /* start of the closing quotes' line */
  while (line > body && L->src[line - 1] != '\n') line--;
  bool own_line = close < L->lim;
  for (uint32_t i = line; i < close && own_line; i++)
    own_line = is_blank(L->src[i]) && L->src[i] != '\r';
  uint32_t ind = line, nind = own_line ? close - line : 0;
  uint32_t content_end = close;
  if (own_line) content_end = line > body ? line - 1 : body;
  if (close == L->lim)
    LEX_ERROR(L, start, start + 3,
              "unterminated multi-line string; expected a closing \"\"\"");

  L->pos = body;
  uint32_t run_start = body;
  bool line_start = true;
  while (L->pos < content_end) {
    if (line_start) {
      strip_indent(L, ind, nind, content_end);
      line_start = false;
      continue;
    }
    char c = L->src[L->pos];
    if (c == '\n') {
      if (L->buf.len && L->buf.data[L->buf.len - 1] == '\r') L->buf.len--;
      sb_putc(&L->buf, '\n');
      L->pos++;
      line_start = true;
    } else if (!cooked_special(L, &run_start)) {
      copy_char(L);
    }
  }
  if (L->buf.len && L->buf.data[L->buf.len - 1] == '\r' && own_line)
    L->buf.len--;
  flush_text(L, run_start, content_end);
  L->pos = close < L->lim ? close + 3 : L->lim;
  finish_string(L, t);
  t->str.triple = true;
}

/* ---- char literals ------------------------------------------------------ */

static void lex_char(Lexer *L, Token *t) {
  uint32_t start = L->pos;
  t->kind = TOK_CHAR;
  int c = at(L, start + 1);
  if (c == '\'') {
    L->pos += 2;
    LEX_ERROR(L, start, L->pos,
              "empty char literal; a char literal holds exactly one "
              "character, as in 'a'");
    return;
  }
  if (c == -1 || c == '\n') {
    L->pos++;
    LEX_ERROR(L, start, start + 1,
              "unterminated char literal; expected a character and a closing "
              "' on this line");
    return;
  }
  L->pos++;
  uint32_t cp = 0;
  if (c == '\\') {
    lex_escape(L, true, &cp);
  } else if (c < 0x80) {
    cp = (uint32_t)c;
    L->pos++;
  } else {
    int n = utf8_at(L, L->pos, &cp);
    L->pos += (uint32_t)(n > 0 ? n : -n);
  }
  t->ch = cp;
  if (at(L, L->pos) == '\'') {
    L->pos++;
    return;
  }
  /* more than one character: find the closing quote on this line */
  uint32_t q = L->pos;
  while (q < L->lim && L->src[q] != '\'' && L->src[q] != '\n')
    q += L->src[q] == '\\' && q + 1 < L->lim && L->src[q + 1] != '\n' ? 2 : 1;
  if (at(L, q) == '\'') {
    L->pos = q + 1;
    int n = (int)(q - start - 1);
    LEX_ERROR(L, start, L->pos,
              "char literal '%.*s' holds more than one character; use a "
              "string \"%.*s\" for text",
              n, L->src + start + 1, n, L->src + start + 1);
  } else {
    LEX_ERROR(L, start, L->pos,
              "unterminated char literal; expected a closing ' after one "
              "character");
  }
}

/* ---- regex literals ----------------------------------------------------- */

/* /pattern/flags (§2, §14). The pattern ends at the first '/' not written
 * '\/' — inside a character class too — and is kept exactly as written,
 * '\/' included: PCRE2 reads '\/' as '/', and a pattern that is the source
 * text byte for byte lets a PCRE2 error offset map straight onto
 * pattern_span. */
static void lex_regex(Lexer *L, Token *t) {
  uint32_t start = L->pos, p = start + 1;
  t->kind = TOK_REGEX;
  for (;;) {
    int c = at(L, p);
    if (c == -1 || c == '\n') {
      uint32_t end = p > start + 1 && L->src[p - 1] == '\r' ? p - 1 : p;
      LEX_ERROR(L, start, end,
                "unterminated regex literal: expected a closing '/' on this "
                "line (a '/' where an operand is expected starts a regex; "
                "write \\/ for a slash inside one)");
      t->unterminated = true;
      break;
    }
    if (c == '/') break;
    if (c == '\\' && at(L, p + 1) != '\n' && at(L, p + 1) != -1) {
      p += 2;
    } else if (c >= 0x80) {
      uint32_t cp;
      int n = utf8_at(L, p, &cp);
      p += (uint32_t)(n > 0 ? n : -n);
    } else {
      p++;
    }
  }
  uint32_t pat_end = p;
  t->regex.pattern = arena_strndup(L->s->arena, L->src + start + 1,
                                   pat_end - start - 1);
  t->regex.len = pat_end - start - 1;
  t->regex.pattern_span = span(L, start + 1, pat_end);
  t->regex.flags = "";
  if (at(L, p) != '/') {
    L->pos = p;
    return;
  }
  p++;
  if (pat_end == start + 1)
    LEX_ERROR(L, start, p,
              "empty regex literal '//'; a regex needs a pattern between the "
              "slashes");
  uint32_t fstart = p, fend = name_end(L, p);
  char flags[5] = {0};
  int nflags = 0;
  for (uint32_t i = fstart; i < fend; i++) {
    char f = L->src[i];
    if (!strchr("imsx", f)) {
      LEX_ERROR(L, i, i + 1, "unknown regex flag '%c' (valid flags: i m s x)",
                f);
    } else if (strchr(flags, f)) {
      LEX_ERROR(L, i, i + 1, "regex flag '%c' is given twice", f);
    } else {
      flags[nflags++] = f;
    }
  }
  t->regex.flags = arena_strndup(L->s->arena, flags, (size_t)nflags);
  L->pos = fend;
}

/* ---- operators ---------------------------------------------------------- */

/* The punctuation at L->pos, longest match first; TOK_ERROR if none. */
static TokKind lex_punct(Lexer *L) {
  int c = at(L, L->pos), c1 = at(L, L->pos + 1), c2 = at(L, L->pos + 2);
  int n = 1;
  TokKind k = TOK_ERROR;
#define PICK(len, kind) (n = (len), k = (kind))
  switch (c) {
  case '(': PICK(1, TOK_LPAREN); break;
  case ')': PICK(1, TOK_RPAREN); break;
  case '[': PICK(1, TOK_LBRACKET); break;
  case ']': PICK(1, TOK_RBRACKET); break;
  case '{': PICK(1, TOK_LBRACE); break;
  case '}': PICK(1, TOK_RBRACE); break;
  case ',': PICK(1, TOK_COMMA); break;
  case ':': PICK(1, TOK_COLON); break;
  case ';': PICK(1, TOK_SEMI); break;
  case '?': PICK(1, TOK_QUESTION); break;
  case '^': PICK(1, TOK_CARET); break;
  case '~': PICK(1, TOK_TILDE); break;
  case '.':
    if (c1 == '.' && c2 == '=') PICK(3, TOK_DOTDOTEQ);
    else if (c1 == '.') PICK(2, TOK_DOTDOT);
    else PICK(1, TOK_DOT);
    break;
  case '+':
    if (c1 == '+' && c2 == '=') PICK(3, TOK_PLUSPLUSEQ);
    else if (c1 == '+') PICK(2, TOK_PLUSPLUS);
    else if (c1 == '=') PICK(2, TOK_PLUSEQ);
    else PICK(1, TOK_PLUS);
    break;
  case '-': c1 == '=' ? PICK(2, TOK_MINUSEQ) : PICK(1, TOK_MINUS); break;
  case '*': c1 == '=' ? PICK(2, TOK_STAREQ) : PICK(1, TOK_STAR); break;
  case '/': c1 == '=' ? PICK(2, TOK_SLASHEQ) : PICK(1, TOK_SLASH); break;
  case '%': c1 == '=' ? PICK(2, TOK_PERCENTEQ) : PICK(1, TOK_PERCENT); break;
  case '=':
    if (c1 == '=') PICK(2, TOK_EQ);
    else if (c1 == '~') PICK(2, TOK_MATCH);
    else if (c1 == '>') PICK(2, TOK_FATARROW);
    else PICK(1, TOK_ASSIGN);
    break;
  case '!':
    if (c1 == '=') PICK(2, TOK_NE);
    else if (c1 == '~') PICK(2, TOK_NOMATCH);
    else PICK(1, TOK_BANG);
    break;
  case '<':
    if (c1 == '=') PICK(2, TOK_LE);
    else if (c1 == '<') PICK(2, TOK_SHL);
    else PICK(1, TOK_LT);
    break;
  case '>':
    if (c1 == '=') PICK(2, TOK_GE);
    else if (c1 == '>') PICK(2, TOK_SHR);
    else PICK(1, TOK_GT);
    break;
  case '&': c1 == '&' ? PICK(2, TOK_ANDAND) : PICK(1, TOK_AMP); break;
  case '|': c1 == '|' ? PICK(2, TOK_OROR) : PICK(1, TOK_PIPE); break;
  default: break;
  }
#undef PICK
  if (k != TOK_ERROR) L->pos += (uint32_t)n;
  return k;
}

static void lex_unexpected(Lexer *L, Token *t) {
  uint32_t start = L->pos;
  unsigned char c = (unsigned char)L->src[start];
  t->kind = TOK_ERROR;
  if (c >= 0x80) {
    uint32_t cp;
    int n = utf8_at(L, start, &cp);
    if (n < 0) {
      L->pos += (uint32_t)-n;
      return;
    }
    L->pos += (uint32_t)n;
    LEX_ERROR(L, start, L->pos, "unexpected character '%.*s' (U+%04X)", n,
              L->src + start, cp);
    return;
  }
  L->pos++;
  if (c >= 0x20 && c < 0x7F)
    LEX_ERROR(L, start, L->pos, "unexpected character '%c'", c);
  else
    LEX_ERROR(L, start, L->pos, "unexpected character U+%04X", c);
}

/* ---- the token loop ----------------------------------------------------- */

/* Lexes one token at L->pos (trivia already skipped). */
static Token lex_token(Lexer *L, bool regex_ok) {
  Token t = {0};
  uint32_t start = L->pos;
  int c = at(L, start);
  if (c == -1) {
    t.kind = TOK_EOF;
  } else if (c == 'r' && at(L, start + 1) == '"') {
    L->pos++;
    lex_string(L, &t, true);
  } else if (is_name_start(c)) {
    lex_name(L, &t);
  } else if (is_digit(c)) {
    lex_number(L, &t);
  } else if (c == '$') {
    lex_binding(L, &t);
  } else if (c == '"') {
    if (at(L, start + 1) == '"' && at(L, start + 2) == '"')
      lex_triple(L, &t);
    else
      lex_string(L, &t, false);
  } else if (c == '\'') {
    lex_char(L, &t);
  } else if (c == '/' && regex_ok) {
    lex_regex(L, &t);
  } else {
    t.kind = lex_punct(L);
    if (t.kind == TOK_ERROR) lex_unexpected(L, &t);
  }
  switch (t.kind) {
  case TOK_LPAREN: open_bracket(L, '('); break;
  case TOK_LBRACKET: open_bracket(L, '['); break;
  case TOK_LBRACE: open_bracket(L, '{'); break;
  case TOK_RPAREN: case TOK_RBRACKET: case TOK_RBRACE: close_bracket(L); break;
  default: break;
  }
  t.span = span(L, start, L->pos);
  return t;
}

static void run(Lexer *L) {
  for (;;) {
    uint32_t first_nl = 0;
    size_t nl = skip_trivia(L, &first_nl);
    bool dropped = nl && (L->span_mode || in_parens(L) || continues_line(L->prev));
    bool new_stmt = nl && !dropped;
    Token t = lex_token(L, new_stmt || !ends_operand(L->prev));
    if (new_stmt && !continues_previous(t.kind)) {
      /* one TOK_NEWLINE per newline in the run (comments hold none) */
      for (uint32_t p = first_nl; nl; p++) {
        if (L->src[p] != '\n') continue;
        Token n = {0};
        n.kind = TOK_NEWLINE;
        n.span = span(L, p, p + 1);
        n.nl_before = p != first_nl;
        push_tok(L, n);
        nl--;
      }
    }
    t.nl_before = new_stmt || dropped;
    push_tok(L, t);
    if (t.kind == TOK_EOF) return;
  }
}

static TokenList lex_range(Session *s, const SrcFile *f, uint32_t start,
                           uint32_t end, bool span_mode) {
  Lexer L = {0};
  L.s = s;
  L.f = f;
  L.src = f->text;
  L.pos = start;
  L.lim = end <= f->len ? end : (uint32_t)f->len;
  L.span_mode = span_mode;
  L.prev = TOK_NEWLINE;
  L.tcap = (L.lim > L.pos ? (L.lim - L.pos) / 3 : 0) + 16;
  L.toks = ARENA_ARRAY(s->arena, Token, L.tcap);
  sb_init(&L.buf);
  run(&L);
  TokenList out = {L.toks, L.ntoks};
  free(L.stack);
  free(L.parts);
  sb_free(&L.buf);
  return out;
}

TokenList lex_file(Session *s, const SrcFile *f) {
  return lex_range(s, f, 0, (uint32_t)f->len, false);
}

TokenList lex_span(Session *s, const SrcFile *f, uint32_t start, uint32_t end) {
  return lex_range(s, f, start, end, true);
}

/* ---- names for messages ------------------------------------------------- */

const char *tok_kind_name(TokKind k) {
  switch (k) {
  case TOK_EOF: return "end of file";
  case TOK_NEWLINE: return "newline";
  case TOK_SEMI: return "';'";
  case TOK_INT: return "integer literal";
  case TOK_FLOAT: return "float literal";
  case TOK_CHAR: return "char literal";
  case TOK_STR: return "string literal";
  case TOK_REGEX: return "regex literal";
  case TOK_BINDING: return "binding";
  case TOK_NAME: return "identifier";
  case TOK_UNDERSCORE: return "'_'";
  case TOK_KW_SUB: return "'sub'";
  case TOK_KW_TYPE: return "'type'";
  case TOK_KW_CONST: return "'const'";
  case TOK_KW_USE: return "'use'";
  case TOK_KW_EXTERN: return "'extern'";
  case TOK_KW_TEST: return "'test'";
  case TOK_KW_MUT: return "'mut'";
  case TOK_KW_IF: return "'if'";
  case TOK_KW_ELSE: return "'else'";
  case TOK_KW_WHILE: return "'while'";
  case TOK_KW_FOR: return "'for'";
  case TOK_KW_IN: return "'in'";
  case TOK_KW_BREAK: return "'break'";
  case TOK_KW_CONTINUE: return "'continue'";
  case TOK_KW_RETURN: return "'return'";
  case TOK_KW_MATCH: return "'match'";
  case TOK_KW_IS: return "'is'";
  case TOK_KW_WITH: return "'with'";
  case TOK_KW_HATCH: return "'hatch'";
  case TOK_KW_SELECT: return "'select'";
  case TOK_KW_CHANNEL: return "'channel'";
  case TOK_KW_TRUE: return "'true'";
  case TOK_KW_FALSE: return "'false'";
  case TOK_KW_RESERVED: return "reserved word";
  case TOK_LPAREN: return "'('";
  case TOK_RPAREN: return "')'";
  case TOK_LBRACKET: return "'['";
  case TOK_RBRACKET: return "']'";
  case TOK_LBRACE: return "'{'";
  case TOK_RBRACE: return "'}'";
  case TOK_COMMA: return "','";
  case TOK_COLON: return "':'";
  case TOK_DOT: return "'.'";
  case TOK_DOTDOT: return "'..'";
  case TOK_DOTDOTEQ: return "'..='";
  case TOK_QUESTION: return "'?'";
  case TOK_FATARROW: return "'=>'";
  case TOK_ASSIGN: return "'='";
  case TOK_PLUSEQ: return "'+='";
  case TOK_MINUSEQ: return "'-='";
  case TOK_STAREQ: return "'*='";
  case TOK_SLASHEQ: return "'/='";
  case TOK_PERCENTEQ: return "'%='";
  case TOK_PLUSPLUSEQ: return "'++='";
  case TOK_PLUS: return "'+'";
  case TOK_MINUS: return "'-'";
  case TOK_STAR: return "'*'";
  case TOK_SLASH: return "'/'";
  case TOK_PERCENT: return "'%'";
  case TOK_PLUSPLUS: return "'++'";
  case TOK_EQ: return "'=='";
  case TOK_NE: return "'!='";
  case TOK_LT: return "'<'";
  case TOK_LE: return "'<='";
  case TOK_GT: return "'>'";
  case TOK_GE: return "'>='";
  case TOK_MATCH: return "'=~'";
  case TOK_NOMATCH: return "'!~'";
  case TOK_ANDAND: return "'&&'";
  case TOK_OROR: return "'||'";
  case TOK_BANG: return "'!'";
  case TOK_TILDE: return "'~'";
  case TOK_AMP: return "'&'";
  case TOK_PIPE: return "'|'";
  case TOK_CARET: return "'^'";
  case TOK_SHL: return "'<<'";
  case TOK_SHR: return "'>>'";
  case TOK_ERROR: return "invalid token";
  case TOK__COUNT: break;
  }
  return "token";
}

/* The token's source text; for TOK_EOF (an empty span) the empty string. */
const char *tok_text(Session *s, const Token *t) {
  const SrcFile *f = src_file(s->sm, t->span.file);
  if (!f || t->span.start >= t->span.end || t->span.end > f->len) return "";
  return arena_strndup(s->arena, f->text + t->span.start,
                       t->span.end - t->span.start);
}
