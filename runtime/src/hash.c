/* hash.c — hashing (§4, §15) and the per-process hash seed.
 *
 * gj_hash_seed keys every Map and Set: random per process (getrandom), so
 * an attacker who does not see the seed cannot choose keys that collide
 * (hash flooding), or GUJI_HASH_SEED=N's N (mixed) for repeatable runs. It
 * is set by a constructor, so code that never runs gj_rt_start (unit
 * tests, a JIT host) has it too; gj_rt_start calls the same idempotent
 * initializer.
 *
 * Byte strings (Str keys, the ones an attacker supplies) take SipHash-1-3
 * (Aumasson & Bernstein; the round counts Rust's HashMap uses), keyed from
 * the seed argument. Integers keep the seeded one-multiply mum (wyhash),
 * as Go's runtime does for integer keys: for a fixed-size key the attacker
 * controls only the value, and the seed is mixed in through a full
 * 64x64->128 multiply; the speed matters there.
 */
#define _GNU_SOURCE
#include "rt_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

uint64_t gj_hash_seed;
static bool seeded;

/* splitmix64's finalizer: spreads a small N over all 64 bits */
static uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void gj_rt_hash_init(void) {
  if (seeded)
    return;
  seeded = true;
  const char *env = getenv("GUJI_HASH_SEED");
  if (env && env[0]) {
    gj_hash_seed = mix64(strtoull(env, NULL, 0));
    return;
  }
  uint64_t s;
  if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
    struct timespec ts; /* no entropy yet (early boot): better than 0 */
    clock_gettime(CLOCK_REALTIME, &ts);
    s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)&s;
  }
  gj_hash_seed = mix64(s);
}

__attribute__((constructor)) static void hash_ctor(void) { gj_rt_hash_init(); }

uint64_t gj_hash_int(int64_t v, uint64_t seed) {
  return gj_rt_hash_int(v, seed);
}

/* ---- SipHash-1-3 ------------------------------------------------------- */

static inline uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                              \
  do {                                                                        \
    v0 += v1;                                                                 \
    v1 = rotl(v1, 13);                                                        \
    v1 ^= v0;                                                                 \
    v0 = rotl(v0, 32);                                                        \
    v2 += v3;                                                                 \
    v3 = rotl(v3, 16);                                                        \
    v3 ^= v2;                                                                 \
    v0 += v3;                                                                 \
    v3 = rotl(v3, 21);                                                        \
    v3 ^= v0;                                                                 \
    v2 += v1;                                                                 \
    v1 = rotl(v1, 17);                                                        \
    v1 ^= v2;                                                                 \
    v2 = rotl(v2, 32);                                                        \
  } while (0)

/* The 128-bit key is the seed and a mix of it: chained seeds (a composite
 * passes each component's hash on) stay keyed by the secret at the root. */
uint64_t gj_hash_bytes(const void *data, int64_t len, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t k0 = seed ^ GJ_RT_HASH_P0;
  uint64_t k1 = rotl(seed, 32) ^ GJ_RT_HASH_P1;
  uint64_t v0 = k0 ^ 0x736f6d6570736575ull;
  uint64_t v1 = k1 ^ 0x646f72616e646f6dull;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ull;
  uint64_t v3 = k1 ^ 0x7465646279746573ull;
  size_t n = (size_t)len;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t m;
    memcpy(&m, p, 8);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  uint64_t b = (uint64_t)len << 56;
  switch (n) {
  case 7: b |= (uint64_t)p[6] << 48; /* fall through */
  case 6: b |= (uint64_t)p[5] << 40; /* fall through */
  case 5: b |= (uint64_t)p[4] << 32; /* fall through */
  case 4: b |= (uint64_t)p[3] << 24; /* fall through */
  case 3: b |= (uint64_t)p[2] << 16; /* fall through */
  case 2: b |= (uint64_t)p[1] << 8;  /* fall through */
  case 1: b |= (uint64_t)p[0];       /* fall through */
  default: break;
  }
  v3 ^= b;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}
