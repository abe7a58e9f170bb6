/* AST.h — the syntax tree the parser builds and Sema annotates.
 *
 * The parser covers the whole grammar of spec §22, so later stages grow by
 * handling more node kinds, never by re-parsing. Every node has a span.
 * Sema fills the `ty` of each expression and resolves names in place:
 * EX_BINDING gets its Binding, EX_NAME/EX_CALL their Symbol, a ST_LET
 * whether it declares or re-assigns. All nodes live in the session arena.
 */
#ifndef GUJI_AST_H
#define GUJI_AST_H

#include "guji/Lex.h"
#include "guji/Source.h"
#include "guji/Support.h"

typedef struct Type Type;          /* Types.h */
typedef struct Expr Expr;
typedef struct Stmt Stmt;
typedef struct Pattern Pattern;
typedef struct TypeExpr TypeExpr;
typedef struct Item Item;
typedef struct Module Module;
typedef struct Binding Binding;    /* Sema.h */
typedef struct Symbol Symbol;      /* Sema.h */
typedef struct CtorDecl CtorDecl;  /* Types.h */

typedef VEC(Expr *) ExprList;
typedef VEC(Stmt *) StmtList;
typedef VEC(Pattern *) PatternList;
typedef VEC(TypeExpr *) TypeExprList;
typedef VEC(Binding *) BindingList;

/* ---- type expressions (§22 typeexpr) ---------------------------------- */

typedef enum TypeExprKind {
  TE_NAME,   /* [module.]Name[args] */
  TE_TUPLE,  /* (A, B) ; () is Unit */
  TE_FN,     /* sub(A, B): C */
} TypeExprKind;

struct TypeExpr {
  TypeExprKind kind;
  Span span;
  const char *module;   /* TE_NAME: qualifier or NULL */
  const char *name;     /* TE_NAME */
  TypeExprList args;    /* TE_NAME type args; TE_TUPLE elems; TE_FN params */
  TypeExpr *ret;        /* TE_FN result, NULL for Unit */
};

/* ---- patterns (§9, §22 pattern) ---------------------------------------- */

typedef enum PatternKind {
  PAT_WILD,      /* _ or $_ */
  PAT_BIND,      /* $x */
  PAT_LIT,       /* lit: a literal expression (EX_INT/CHAR/STR/BOOL) */
  PAT_RANGE,     /* lit .. lit, lit ..= lit */
  PAT_CTOR,      /* [mod.]Ctor[(p, …)] */
  PAT_TUPLE,     /* (p, …) */
  PAT_RECORD,    /* [mod.]Type { f: p, …, .. } */
  PAT_LIST,      /* [p, .., ..$rest] */
  PAT_OR,        /* p | q */
  PAT_REST,      /* inside PAT_LIST only: `..` or `..$name` */
} PatternKind;

typedef struct FieldPat {
  const char *name;
  Span span;
  Pattern *pat;
} FieldPat;

struct Pattern {
  PatternKind kind;
  Span span;
  const char *name;       /* PAT_BIND / PAT_REST binding (NULL: none);
                             PAT_CTOR / PAT_RECORD type or ctor name */
  const char *module;     /* qualifier */
  Expr *lit, *lit_hi;     /* PAT_LIT; PAT_RANGE low/high */
  bool inclusive;         /* PAT_RANGE ..= */
  PatternList elems;      /* CTOR args, TUPLE/LIST elems, OR alternatives */
  VEC(FieldPat) fields;   /* PAT_RECORD */
  bool has_rest;          /* PAT_RECORD `..` */
  Binding *binding;       /* Sema: PAT_BIND's binding */
  Type *ty;               /* Sema */
  CtorDecl *ctor;         /* Sema: PAT_CTOR / PAT_RECORD constructor */
  int64_t *field_index;   /* Sema: PAT_RECORD, per fields[i] */
};

/* ---- expressions (§6, §7, §22) ------------------------------------------ */

typedef enum ExprKind {
  EX_INT, EX_FLOAT, EX_BOOL, EX_CHAR, EX_STR, EX_REGEX, EX_UNIT,
  EX_BINDING,    /* $x */
  EX_NAME,       /* [module.]name[types]: sub, const, constructor */
  EX_UNARY,      /* op: TOK_MINUS, TOK_BANG, TOK_TILDE */
  EX_BINARY,     /* op: a binary TokKind (incl. TOK_DOTDOT/DOTDOTEQ) */
  EX_IS,         /* lhs is pattern */
  EX_CALL,       /* callee(args) */
  EX_METHOD,     /* recv.name(args) */
  EX_FIELD,      /* recv.name */
  EX_TUPLE_INDEX,/* recv.N */
  EX_INDEX,      /* recv[index] (slices: index is a range expression) */
  EX_TRY,        /* operand? */
  EX_WITH,       /* recv with { inits } */
  EX_TUPLE,      /* (a, b, …) */
  EX_LIST,       /* [a, b, …] */
  EX_MAP,        /* {k: v, …} or {:} */
  EX_RECORD,     /* [module.]Type { f: e, … } */
  EX_BLOCK,      /* { stmts; expr } */
  EX_IF,         /* if cond then [else] */
  EX_WHILE,
  EX_FOR,        /* for pattern in iter body */
  EX_MATCH,
  EX_SELECT,
  EX_HATCH,
  EX_LAMBDA,     /* sub(params): ret { body } */
  EX_RETURN,     /* value may be NULL */
  EX_BREAK,
  EX_CONTINUE,
  EX_CHANNEL,    /* channel[T](cap) */
} ExprKind;

/* One piece of a string literal, parsed: literal text or an expression
 * with an optional format spec (text as written). */
typedef struct StrSeg {
  bool is_expr;
  const char *text;   /* literal: decoded text */
  size_t len;
  Expr *expr;         /* interpolation */
  const char *spec;   /* NULL when none */
  Span spec_span;
  Span span;
} StrSeg;

typedef struct FieldInit {
  const char *name;
  Span span;
  Expr *value;
} FieldInit;

typedef struct MatchArm {
  Pattern *pat;
  Expr *guard;        /* NULL when none */
  Expr *body;
  Span span;
} MatchArm;

typedef struct SelectArm {
  const char *bind;   /* $v = … : name, else NULL */
  Span bind_span;
  Expr *op;           /* the channel operation */
  Expr *body;         /* a block */
  Span span;
  Binding *binding;   /* Sema: bind's binding */
} SelectArm;

typedef struct Param {
  const char *name;   /* without '$' */
  Span span;
  TypeExpr *type;     /* NULL for anonymous-sub params without annotation */
  Binding *binding;   /* Sema */
} Param;

typedef VEC(Param) ParamList;

struct Expr {
  ExprKind kind;
  Span span;
  Type *ty;             /* Sema */
  union {
    struct { int64_t value; } i;              /* EX_INT */
    struct { double value; } f;               /* EX_FLOAT */
    struct { bool value; } b;                 /* EX_BOOL */
    struct { uint32_t value; } ch;            /* EX_CHAR */
    struct { VEC(StrSeg) segs; bool raw; } str;   /* EX_STR */
    struct { const char *pattern; size_t len; const char *flags;
             Span pattern_span;
             uint32_t flag_bits;   /* Sema: GJ_RE_* */
             const char **names;   /* Sema: the named groups, interned, */
             uint32_t nnames;      /*   each once, in PCRE2's (sorted) order */
           } re;         /* EX_REGEX */
    struct { const char *name; Binding *binding; } bind;  /* EX_BINDING */
    struct { const char *module; const char *name; TypeExprList targs;
             Symbol *sym; CtorDecl *ctor;
             Span name_span;  /* `m.name`: the name after the dot */
           } name;  /* EX_NAME */
    struct { TokKind op; Expr *operand; } un; /* EX_UNARY */
    struct { TokKind op; Expr *lhs, *rhs;
             Binding **caps;   /* Sema: `=~ /(?<n>…)/` as a condition (§14): */
             uint32_t ncaps;   /*   a Str binding per rhs->re.names[i] */
           } bin;  /* EX_BINARY */
    struct { Expr *lhs; Pattern *pat; } is;   /* EX_IS */
    struct { Expr *callee; ExprList args; int builtin; Symbol *sym;
             CtorDecl *ctor;
             Type **targs; /* Sema: a generic sub's type arguments here */
           } call;
    struct { Expr *recv; const char *name; Span name_span; ExprList args;
             int builtin; Symbol *sym;
             bool static_call; /* Sema: `T.m(args)`, recv names a type */
             Type **targs;     /* Sema: as for calls */
           } method;   /* EX_METHOD */
    struct { Expr *recv; const char *name; Span name_span;
             uint32_t index; } field;   /* Sema: index of the field */
    struct { Expr *recv; int64_t index; } tindex;
    struct { Expr *recv; Expr *index; } index;
    struct { Expr *operand; } try_;
    struct { Expr *recv; VEC(FieldInit) inits;
             int64_t *index; } with;     /* Sema: field index per init */
    struct { ExprList elems; } tuple;         /* EX_TUPLE, EX_LIST */
    struct { ExprList keys, values; } map;
    struct { const char *module; const char *name; TypeExprList targs;
             VEC(FieldInit) inits; CtorDecl *ctor;
             int64_t *index; } record;   /* Sema: field index per init */
    struct { StmtList stmts; Expr *value; } block;  /* value may be NULL */
    struct { Expr *cond; Expr *then_; Expr *else_; } if_; /* else_ may be NULL */
    struct { Expr *cond; Expr *body; } while_;
    struct { Pattern *pat; Expr *iter; Expr *body;
             Type *recv_ty;   /* Sema: over a Chan[T], Option[T] (recv's) */
           } for_;
    struct { Expr *scrut; VEC(MatchArm) arms; } match;
    struct { VEC(SelectArm) arms; Expr *else_; } select;
    struct { Expr *body;
             BindingList captures;  /* Sema: outer bindings it mentions */
           } hatch;
    struct { ParamList params; TypeExpr *ret; Expr *body;
             BindingList captures;  /* Sema: outer bindings it mentions */
           } lambda;
    struct { Expr *value; } ret;
    struct { TypeExpr *elem; ExprList args; } chan;
  };
};

/* ---- statements -------------------------------------------------------- */

typedef enum StmtKind {
  ST_EXPR,
  ST_LET,        /* [mut] pattern [: T] = e — declares or re-assigns (§5) */
  ST_ASSIGN_OP,  /* $x op= e */
} StmtKind;

struct Stmt {
  StmtKind kind;
  Span span;
  union {
    struct { Expr *expr; } expr;
    struct { bool is_mut; Pattern *pat; TypeExpr *annot; Expr *value;
             bool reassign;        /* Sema: re-assigns a mut binding */
           } let;
    struct { const char *name; Span name_span; TokKind op; /* TOK_PLUSEQ… */
             Expr *value; Binding *binding; } assign;
  };
};

/* ---- items (§3, §22) ---------------------------------------------------- */

typedef enum ItemKind {
  ITEM_SUB, ITEM_TYPE, ITEM_CONST, ITEM_USE, ITEM_EXTERN, ITEM_TEST,
} ItemKind;

typedef enum TypeDeclKind { TD_RECORD, TD_VARIANTS, TD_ALIAS } TypeDeclKind;

typedef struct FieldDecl {
  const char *name;
  Span span;
  TypeExpr *type;
} FieldDecl;

typedef struct VariantDecl {
  const char *name;
  Span span;
  TypeExprList fields;
} VariantDecl;

typedef struct SubDecl {
  const char *recv_type;   /* sub T.m: "T", else NULL */
  const char *name;
  Span name_span;
  VEC(const char *) tparams;
  ParamList params;
  TypeExpr *ret;           /* NULL: Unit */
  Expr *body;              /* EX_BLOCK; NULL for extern subs */
} SubDecl;

struct Item {
  ItemKind kind;
  Span span;
  union {
    SubDecl sub;
    struct { const char *name; Span name_span; VEC(const char *) tparams;
             TypeDeclKind kind; VEC(FieldDecl) fields;
             VEC(VariantDecl) variants; TypeExpr *alias; } type;
    struct { const char *name; Span name_span; TypeExpr *type;
             Expr *value; } const_;
    struct { const char *module; Span module_span; VEC(const char *) names;
             VEC(Span) name_spans;
             Module *target;  /* the driver: the module used (NULL for a
                                 standard module or one not found) */
             bool reported;   /* the driver reported it as not found */
           } use;
    struct { const char *lib; VEC(SubDecl) subs; } extern_;
    struct { const char *name; Expr *body; } test;
  };
  Symbol *sym;             /* Sema */
};

/* One file (§3). The driver loads the modules its `use` items name and
 * points each ITEM_USE at its Module, so a program is the graph of
 * modules reachable from the main one (cycles allowed). */
struct Module {
  const char *name;        /* the file stem */
  const SrcFile *file;
  VEC(Item *) items;
};

#endif
