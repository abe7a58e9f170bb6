// LexTestUtil.h — a fixture for lexer tests: lex a source string, look at
// the token kinds in short form, the diagnostics and the string parts.
#ifndef GUJI_UNITTESTS_LEXTESTUTIL_H
#define GUJI_UNITTESTS_LEXTESTUTIL_H

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef _Noreturn
#define _Noreturn [[noreturn]] // the headers are C17
#endif
extern "C" {
#include "guji/Lex.h"
}

struct LexFixture : ::testing::Test {
  Session *s = session_new();
  const SrcFile *file = nullptr;
  TokenList toks{};

  ~LexFixture() override { session_free(s); }

  TokenList lex(const std::string &src) {
    file = src_add(s->sm, "t.guji", src.data(), src.size());
    toks = lex_file(s, file);
    return toks;
  }

  // Short names: NL ; EOF INT FLOAT CHAR STR REGEX BIND NAME TYPE (an upper
  // name) RESERVED ERROR, keywords and punctuation as written.
  static std::string short_name(const Token &t) {
    switch (t.kind) {
    case TOK_NEWLINE: return "NL";
    case TOK_EOF: return "EOF";
    case TOK_INT: return "INT";
    case TOK_FLOAT: return "FLOAT";
    case TOK_CHAR: return "CHAR";
    case TOK_STR: return "STR";
    case TOK_REGEX: return "REGEX";
    case TOK_BINDING: return "BIND";
    case TOK_NAME: return t.upper ? "TYPE" : "NAME";
    case TOK_KW_RESERVED: return "RESERVED";
    case TOK_ERROR: return "ERROR";
    default: {
      std::string n = tok_kind_name(t.kind);
      if (n.size() >= 2 && n.front() == '\'') n = n.substr(1, n.size() - 2);
      return n;
    }
    }
  }

  // The kinds of all tokens but the final EOF, space-separated.
  std::string kinds(const std::string &src) {
    lex(src);
    std::string out;
    for (size_t i = 0; i + 1 < toks.len; i++) {
      if (!out.empty()) out += ' ';
      out += short_name(toks.toks[i]);
    }
    return out;
  }

  std::vector<std::string> messages() const {
    std::vector<std::string> v;
    for (size_t i = 0; i < s->diag->items.len; i++)
      v.push_back(s->diag->items.data[i].msg);
    return v;
  }

  std::string first_message() const {
    return s->diag->items.len ? s->diag->items.data[0].msg : "";
  }

  Span first_span() const {
    return s->diag->items.len ? s->diag->items.data[0].span : Span{};
  }

  std::string rendered() const {
    char *r = diag_render_to_string(s->diag);
    std::string out(r);
    free(r);
    return out;
  }

  std::string text(Span sp) const {
    return std::string(file->text + sp.start, sp.end - sp.start);
  }

  // A string token's parts as "lit:TEXT" / "code:CODE" / "code:CODE|spec:SPEC".
  std::vector<std::string> parts(const Token &t) const {
    std::vector<std::string> v;
    for (size_t i = 0; i < t.str.nparts; i++) {
      const StrPart &p = t.str.parts[i];
      if (!p.is_code) {
        v.push_back("lit:" + std::string(p.text, p.len));
      } else {
        std::string c = "code:" + text(p.code);
        if (p.has_spec) c += "|spec:" + text(p.spec);
        v.push_back(c);
      }
    }
    return v;
  }

  std::vector<std::string> str_parts(const std::string &src) {
    lex(src);
    return toks.len ? parts(toks.toks[0]) : std::vector<std::string>{};
  }
};

using Parts = std::vector<std::string>;

#endif
