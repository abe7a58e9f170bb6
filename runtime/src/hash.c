/* hash.c — hashing (§4, §15) and the per-process hash seed.
 *
 * gj_hash_seed keys every Map and Set: random per process (getrandom), so
 * an attacker who does not see the seed cannot choose keys that collide
 * (hash flooding), or GUJI_HASH_SEED=N's N (mixed) for repeatable runs. It
 * is set by a constructor, so code that never runs gj_rt_start (unit
 * tests, a JIT host) has it too; gj_rt_start calls the same idempotent
 * initializer.
 *
 * Byte strings (Str keys, the ones an attacker supplies) take the keyed
 * multiply-fold hash of Go's runtime (memhashFallback, a wyhash variant):
 * the bytes are read as two 64-bit words (overlapping for 8..16 bytes; 4..7
 * as two 32-bit reads; 1..3 as three bytes), each XORed with a secret word
 * or the seed, and folded through full 64x64->128 multiplies. It replaced
 * SipHash-1-3, which cost 100 instructions a word in wordfreq against ~20;
 * the resistance to hash flooding is Go's: the secret words come from the
 * per-process seed, so an attacker who does not see them cannot choose
 * colliding keys (and CHAMP's collision nodes sit below all 64 bits).
 * Integers take the one-multiply mum (wyhash), as Go's runtime does for
 * integer keys: for a fixed-size key the attacker controls only the value.
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

/* Four secret words drawn from the seed when it is set: every byte-string
 * hash is keyed by them as well as by its seed argument, so a chained seed
 * (a composite passes each component's hash on as the next one's seed) is
 * still keyed by the process's secret. */
GJ_RT_HIDDEN uint64_t gj_rt_hash_key[4];

static void set_keys(void) {
  for (int i = 0; i < 4; i++)
    gj_rt_hash_key[i] = mix64(gj_hash_seed + (uint64_t)(i + 1) * GJ_RT_HASH_P2);
}

void gj_rt_hash_init(void) {
  if (seeded)
    return;
  seeded = true;
  const char *env = getenv("GUJI_HASH_SEED");
  if (env && env[0]) {
    gj_hash_seed = mix64(strtoull(env, NULL, 0));
    set_keys();
    return;
  }
  uint64_t s;
  if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
    struct timespec ts; /* no entropy yet (early boot): better than 0 */
    clock_gettime(CLOCK_REALTIME, &ts);
    s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)&s;
  }
  gj_hash_seed = mix64(s);
  set_keys();
}

__attribute__((constructor)) static void hash_ctor(void) { gj_rt_hash_init(); }

uint64_t gj_hash_int(int64_t v, uint64_t seed) {
  return gj_rt_hash_int(v, seed);
}

/* ---- byte strings ------------------------------------------------------ */

/* Strings longer than 16 bytes (gj_rt_hash_bytes takes the short ones
 * inline): 16 bytes a round, 48 (three independent lanes) past 48, then
 * the last 16 bytes, overlapping, as Go's memhashFallback does. */
uint64_t gj_rt_hash_long(const unsigned char *p, size_t n, uint64_t seed) {
  const uint64_t *k = gj_rt_hash_key;
  size_t l = n;
  if (l > 48) {
    uint64_t s1 = seed, s2 = seed;
    for (; l > 48; l -= 48, p += 48) {
      seed = gj_rt_mum(gj_rt_load_u64(p) ^ k[1], gj_rt_load_u64(p + 8) ^ seed);
      s1 = gj_rt_mum(gj_rt_load_u64(p + 16) ^ k[2], gj_rt_load_u64(p + 24) ^ s1);
      s2 = gj_rt_mum(gj_rt_load_u64(p + 32) ^ k[3], gj_rt_load_u64(p + 40) ^ s2);
    }
    seed ^= s1 ^ s2;
  }
  for (; l > 16; l -= 16, p += 16)
    seed = gj_rt_mum(gj_rt_load_u64(p) ^ k[1], gj_rt_load_u64(p + 8) ^ seed);
  return gj_rt_hash_final(gj_rt_load_u64(p + l - 16), gj_rt_load_u64(p + l - 8), n, seed);
}

uint64_t gj_hash_bytes(const void *data, int64_t len, uint64_t seed) {
  return gj_rt_hash_bytes(data, len, seed);
}
