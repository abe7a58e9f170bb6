/* Lex.h — guji's tokens (spec §2).
 *
 * lex_file turns a whole source file into an array of tokens ending in
 * TOK_EOF. The lexer applies §2's statement-separation rules itself, so the
 * parser sees a TOK_NEWLINE only where a newline really ends a statement:
 *   - newlines directly inside ( … ) and [ … ] are dropped (but not inside a
 *     { … } nested in them: the lexer keeps a stack of open brackets);
 *   - a newline is dropped when the line ends in a binary operator, `=`,
 *     `=>`, `,`, `(`, `[` or `{`, or when the next line starts with `.`,
 *     `else`, `)`, `]`, `}` or a binary operator other than `-` and `/`;
 *   - runs of newlines (and `;`) are not merged: `;` is TOK_SEMI and each
 *     kept newline one TOK_NEWLINE; the parser skips repeats.
 * Regex literals follow JavaScript's rule: `/` after a literal, a binding,
 * a non-keyword name, `)`, `]`, `}` or `?` on the same line is division;
 * elsewhere it opens a regex literal.
 *
 * String literals are lexed whole. Their text is decoded into parts:
 * literal runs (escapes already applied) and interpolations, each keeping
 * the span of its code (`$name` or the inside of `${…}`) and of its format
 * spec; the parser lexes an interpolation's code again with lex_span.
 *
 * Errors (bad escape, unterminated string, invalid UTF-8 with its byte
 * offset, out-of-range integer literal, …) are reported to the DiagEngine
 * and lexing goes on, so several are reported in one run.
 */
#ifndef GUJI_LEX_H
#define GUJI_LEX_H

#include "guji/Diag.h"
#include "guji/Session.h"

typedef enum TokKind {
  TOK_EOF,
  TOK_NEWLINE,   /* a newline that ends a statement */
  TOK_SEMI,      /* ; */

  /* literals and names */
  TOK_INT,       /* value in tok.ival; see tok.int_overflow */
  TOK_FLOAT,     /* tok.fval */
  TOK_CHAR,      /* tok.ch */
  TOK_STR,       /* "…", r"…" or """…""": tok.str */
  TOK_REGEX,     /* /pattern/flags: tok.regex */
  TOK_BINDING,   /* $name; tok.name is "name" (without $); $_ gives "_" */
  TOK_NAME,      /* name, Name, NAME; tok.name; tok.upper when the first
                    letter after any leading '_' is upper case */
  TOK_UNDERSCORE,/* _ */

  /* keywords (§21) */
  TOK_KW_SUB, TOK_KW_TYPE, TOK_KW_CONST, TOK_KW_USE, TOK_KW_EXTERN,
  TOK_KW_TEST, TOK_KW_MUT, TOK_KW_IF, TOK_KW_ELSE, TOK_KW_WHILE, TOK_KW_FOR,
  TOK_KW_IN, TOK_KW_BREAK, TOK_KW_CONTINUE, TOK_KW_RETURN, TOK_KW_MATCH,
  TOK_KW_IS, TOK_KW_WITH, TOK_KW_HATCH, TOK_KW_SELECT, TOK_KW_CHANNEL,
  TOK_KW_TRUE, TOK_KW_FALSE,
  /* reserved for the future; using one is an error the parser reports */
  TOK_KW_RESERVED, /* tok.name holds the word */

  /* punctuation */
  TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET, TOK_LBRACE, TOK_RBRACE,
  TOK_COMMA, TOK_COLON, TOK_DOT, TOK_DOTDOT, TOK_DOTDOTEQ, TOK_QUESTION,
  TOK_FATARROW,  /* => */
  TOK_ASSIGN,    /* = */
  TOK_PLUSEQ, TOK_MINUSEQ, TOK_STAREQ, TOK_SLASHEQ, TOK_PERCENTEQ,
  TOK_PLUSPLUSEQ,
  /* binary and unary operators */
  TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT, TOK_PLUSPLUS,
  TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE, TOK_MATCH, TOK_NOMATCH,
  TOK_ANDAND, TOK_OROR, TOK_BANG, TOK_TILDE, TOK_AMP, TOK_PIPE, TOK_CARET,
  TOK_SHL, TOK_SHR,

  TOK_ERROR,     /* an unlexable character; already reported */
  TOK__COUNT
} TokKind;

/* One piece of a string literal. */
typedef struct StrPart {
  bool is_code;     /* false: literal text; true: an interpolation */
  /* literal text (decoded: escapes applied), in the arena, NUL-terminated */
  const char *text;
  size_t len;
  /* interpolation: `$name` (code span covers "$name") or `${code}` (code
   * span covers the text between the braces, spec excluded) */
  Span code;
  bool has_spec;
  Span spec;        /* the text after ':' up to the closing '}' */
  Span span;        /* the whole part in the source */
} StrPart;

typedef struct Token {
  TokKind kind;
  Span span;
  bool nl_before;    /* a (possibly dropped) newline precedes this token */
  bool upper;        /* TOK_NAME: type/constructor/const style name */
  bool unterminated; /* TOK_STR, TOK_REGEX: reported as running to the end
                        of its line, taking any closing ')' etc. with it */
  bool int_overflow; /* TOK_INT: the literal is 9223372036854775808 (only
                        valid right after unary '-'); larger ones are
                        already reported */
  union {
    int64_t ival;
    double fval;
    uint32_t ch;
    const char *name; /* interned */
    struct {
      StrPart *parts;
      size_t nparts;
      bool raw;       /* r"…": no escapes, no interpolation */
      bool triple;    /* """…""" */
    } str;
    struct {
      const char *pattern; /* as written, NUL-terminated */
      size_t len;
      const char *flags;   /* subset of "imsx", validated */
      Span pattern_span;   /* of the pattern text (for errors inside it) */
    } regex;
  };
} Token;

typedef struct TokenList {
  Token *toks;
  size_t len;
} TokenList;

/* Lexes a whole file. */
TokenList lex_file(Session *s, const SrcFile *f);
/* Lexes the byte range [start, end) of a file as code (an interpolation's
 * `${…}` contents or `$name`), with the same rules, ending in TOK_EOF;
 * spans point into the original file. Newlines inside are dropped. */
TokenList lex_span(Session *s, const SrcFile *f, uint32_t start, uint32_t end);

/* "identifier", "'+='", "end of file": for messages. */
const char *tok_kind_name(TokKind k);
/* The source text of a token (for messages), in the arena. */
const char *tok_text(Session *s, const Token *t);
/* Keyword kind of a word, or TOK_NAME when it is not a keyword. */
TokKind lex_keyword(const char *word, size_t len);

#endif
