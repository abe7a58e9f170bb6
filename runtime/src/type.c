/* type.c — the type descriptors (GjType) of the built-in types, through
 * which generic runtime code (collections) handles unboxed elements:
 * their size, counts, equality, hashing, order (§4) and nested text form
 * (§13). Each function takes pointers to the elements' storage.
 *
 * gj_type_list serves every List[T]: its functions read the element type
 * from the list objects themselves (list.c).
 */
#include "rt_internal.h"

#include <string.h>

#define LOAD(T, p) (*(T const *)(p))

/* Int */
static bool int_eq(const void *a, const void *b) {
  return LOAD(int64_t, a) == LOAD(int64_t, b);
}
static uint64_t int_hash(const void *a, uint64_t seed) {
  return gj_hash_int(LOAD(int64_t, a), seed);
}
static int64_t int_cmp(const void *a, const void *b) {
  int64_t x = LOAD(int64_t, a), y = LOAD(int64_t, b);
  return (x > y) - (x < y);
}
static GjStr *int_text(GjStr *buf, const void *a) {
  return gj_str_append_int(buf, LOAD(int64_t, a));
}

/* Float: == is IEEE (nan != nan, -0.0 == 0.0), so -0.0 hashes as 0.0;
 * the order is IEEE-754 totalOrder (§4: what sorting uses). */
static bool float_eq(const void *a, const void *b) {
  return LOAD(double, a) == LOAD(double, b);
}
static uint64_t float_hash(const void *a, uint64_t seed) {
  double v = LOAD(double, a);
  int64_t bits;
  if (v == 0)
    v = 0; /* -0.0 */
  memcpy(&bits, &v, sizeof bits);
  return gj_hash_int(bits, seed);
}
static int64_t total_order_key(double v) {
  int64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return bits < 0 ? bits ^ INT64_MAX : bits;
}
static int64_t float_cmp(const void *a, const void *b) {
  int64_t x = total_order_key(LOAD(double, a));
  int64_t y = total_order_key(LOAD(double, b));
  return (x > y) - (x < y);
}
static GjStr *float_text(GjStr *buf, const void *a) {
  return gj_str_append_float(buf, LOAD(double, a));
}

/* Bool: one byte, 0 or 1; false < true */
static bool bool_eq(const void *a, const void *b) {
  return LOAD(uint8_t, a) == LOAD(uint8_t, b);
}
static uint64_t bool_hash(const void *a, uint64_t seed) {
  return gj_hash_int(LOAD(uint8_t, a), seed);
}
static int64_t bool_cmp(const void *a, const void *b) {
  return (int64_t)LOAD(uint8_t, a) - (int64_t)LOAD(uint8_t, b);
}
static GjStr *bool_text(GjStr *buf, const void *a) {
  return gj_str_append_bool(buf, LOAD(uint8_t, a) != 0);
}

/* Char: by scalar value; nested as 'x' */
static bool char_eq(const void *a, const void *b) {
  return LOAD(uint32_t, a) == LOAD(uint32_t, b);
}
static uint64_t char_hash(const void *a, uint64_t seed) {
  return gj_hash_int(LOAD(uint32_t, a), seed);
}
static int64_t char_cmp(const void *a, const void *b) {
  return (int64_t)LOAD(uint32_t, a) - (int64_t)LOAD(uint32_t, b);
}
static GjStr *char_text(GjStr *buf, const void *a) {
  return gj_str_append_char_quoted(buf, LOAD(uint32_t, a));
}

/* Str: a counted pointer; nested quoted */
static void ptr_inc(const void *a) { gj_inc(LOAD(void *, a)); }
static void ptr_dec(const void *a) { gj_dec(LOAD(void *, a)); }
static bool str_eq(const void *a, const void *b) {
  return gj_str_eq(LOAD(GjStr *, a), LOAD(GjStr *, b));
}
static uint64_t str_hash(const void *a, uint64_t seed) {
  return gj_str_hash(LOAD(GjStr *, a), seed);
}
static int64_t str_cmp(const void *a, const void *b) {
  return gj_str_cmp(LOAD(GjStr *, a), LOAD(GjStr *, b));
}
static GjStr *str_text(GjStr *buf, const void *a) {
  return gj_str_append_quoted(buf, LOAD(GjStr *, a));
}

/* Unit: no bytes, one value */
static bool unit_eq(const void *a, const void *b) {
  (void)a, (void)b;
  return true;
}
static uint64_t unit_hash(const void *a, uint64_t seed) {
  (void)a;
  return gj_hash_int(0, seed);
}
static int64_t unit_cmp(const void *a, const void *b) {
  (void)a, (void)b;
  return 0;
}
static GjStr *unit_text(GjStr *buf, const void *a) {
  (void)a;
  return gj_str_append_unit(buf);
}

/* List[T]: the list carries T */
static bool list_eq(const void *a, const void *b) {
  return gj_list_eq(LOAD(GjList *, a), LOAD(GjList *, b));
}
static uint64_t list_hash(const void *a, uint64_t seed) {
  return gj_list_hash(LOAD(GjList *, a), seed);
}
static int64_t list_cmp(const void *a, const void *b) {
  return gj_list_cmp(LOAD(GjList *, a), LOAD(GjList *, b));
}
static GjStr *list_text(GjStr *buf, const void *a) {
  return gj_list_append_text(buf, LOAD(GjList *, a));
}

const GjType gj_type_int = {8, GJ_TYPE_BITWISE, NULL, NULL, int_eq,
                            int_hash, int_cmp, int_text, "Int"};
const GjType gj_type_float = {8, 0, NULL, NULL, float_eq,
                              float_hash, float_cmp, float_text, "Float"};
const GjType gj_type_bool = {1, GJ_TYPE_BITWISE, NULL, NULL, bool_eq,
                             bool_hash, bool_cmp, bool_text, "Bool"};
const GjType gj_type_char = {4, GJ_TYPE_BITWISE, NULL, NULL, char_eq,
                             char_hash, char_cmp, char_text, "Char"};
const GjType gj_type_str = {8, GJ_TYPE_HEAP, ptr_inc, ptr_dec, str_eq,
                            str_hash, str_cmp, str_text, "Str"};
const GjType gj_type_unit = {0, GJ_TYPE_BITWISE, NULL, NULL, unit_eq,
                             unit_hash, unit_cmp, unit_text, "Unit"};
const GjType gj_type_list = {8, GJ_TYPE_HEAP, ptr_inc, ptr_dec, list_eq,
                             list_hash, list_cmp, list_text, "List"};
