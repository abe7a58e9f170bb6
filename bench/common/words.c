// words — the input of the wordfreq benchmark: `words N` writes about N
// bytes of English-like text, deterministically (a fixed 64-bit LCG from a
// fixed seed). Words come from a fixed vocabulary — 200 common English
// words, then a long tail of 20,000 pseudo-words built from syllables —
// drawn with a Zipf distribution (weight 1/rank). The text is mixed case
// (sentences start capitalized, some words are Capitalized or in CAPS), has
// punctuation (, . ; : ! ? quotes, brackets, hyphens, apostrophes) and some
// numbers, in lines of 60-80 characters. All ASCII.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

static unsigned long long state = 20261201ULL;
static unsigned rnd(void) {  // 31 high bits of a 64-bit LCG (Knuth's MMIX)
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)(state >> 33);
}
static double unif(void) { return rnd() / 2147483648.0; }

static const char *common[] = {
  "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was",
  "for", "on", "are", "with", "as", "i", "his", "they", "be", "at", "one",
  "have", "this", "from", "or", "had", "by", "not", "word", "but", "what",
  "some", "we", "can", "out", "other", "were", "all", "there", "when", "up",
  "use", "your", "how", "said", "an", "each", "she", "which", "do", "their",
  "time", "if", "will", "way", "about", "many", "then", "them", "write",
  "would", "like", "so", "these", "her", "long", "make", "thing", "see",
  "him", "two", "has", "look", "more", "day", "could", "go", "come", "did",
  "number", "sound", "no", "most", "people", "my", "over", "know", "water",
  "than", "call", "first", "who", "may", "down", "side", "been", "now",
  "find", "any", "new", "work", "part", "take", "get", "place", "made",
  "live", "where", "after", "back", "little", "only", "round", "man", "year",
  "came", "show", "every", "good", "me", "give", "our", "under", "name",
  "very", "through", "just", "form", "sentence", "great", "think", "say",
  "help", "low", "line", "differ", "turn", "cause", "much", "mean", "before",
  "move", "right", "boy", "old", "too", "same", "tell", "does", "set",
  "three", "want", "air", "well", "also", "play", "small", "end", "put",
  "home", "read", "hand", "port", "large", "spell", "add", "even", "land",
  "here", "must", "big", "high", "such", "follow", "act", "why", "ask",
  "men", "change", "went", "light", "kind", "off", "need", "house",
  "picture", "try", "us", "again", "animal", "point", "mother", "world",
  "near", "build", "self", "earth", "father", "don't", "it's", "well-known",
};
#define NCOMMON (sizeof common / sizeof common[0])
#define NTAIL 20000
#define NV (NCOMMON + NTAIL)

static char *vocab[NV];
static double cum[NV];

static char *make_word(void) {
  static const char *on[] = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
    "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl", "qu",
    "sh", "st", "th", "tr", ""};
  static const char *nu[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"};
  static const char *co[] = {"", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng"};
  char buf[64] = "";
  int syl = 1 + rnd() % 3 + (rnd() % 4 == 0);
  for (int i = 0; i < syl; i++) {
    strcat(buf, on[rnd() % (sizeof on / sizeof on[0])]);
    strcat(buf, nu[rnd() % (sizeof nu / sizeof nu[0])]);
    strcat(buf, co[rnd() % (sizeof co / sizeof co[0])]);
  }
  return strdup(buf);
}

static const char *pick(void) {
  double u = unif() * cum[NV - 1];
  size_t lo = 0, hi = NV - 1;
  while (lo < hi) { size_t mid = (lo + hi) / 2; if (cum[mid] < u) lo = mid + 1; else hi = mid; }
  return vocab[lo];
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 50000000;
  for (size_t i = 0; i < NCOMMON; i++) vocab[i] = strdup(common[i]);
  for (size_t i = NCOMMON; i < NV; i++) vocab[i] = make_word();
  double c = 0;
  for (size_t i = 0; i < NV; i++) { c += 1.0 / (i + 1); cum[i] = c; }
  static char line[256];
  long total = 0;
  int len = 0, width = 60 + rnd() % 21, cap = 1;
  while (total < n) {
    char w[96];
    unsigned r = rnd() % 1000;
    if (r < 8) snprintf(w, sizeof w, "%u", rnd() % 3000);          // a number
    else {
      strcpy(w, pick());
      unsigned k = rnd() % 100;
      if (cap || k < 3) w[0] = toupper((unsigned char)w[0]);      // Capitalized
      else if (k < 4) for (char *p = w; *p; p++) *p = toupper((unsigned char)*p);  // CAPS
    }
    cap = 0;
    unsigned p = rnd() % 1000;
    if (p < 70) strcat(w, ",");
    else if (p < 130) { strcat(w, "."); cap = 1; }
    else if (p < 140) strcat(w, ";");
    else if (p < 145) strcat(w, ":");
    else if (p < 152) { strcat(w, "!"); cap = 1; }
    else if (p < 160) { strcat(w, "?"); cap = 1; }
    else if (p < 170) { memmove(w + 1, w, strlen(w) + 1); w[0] = '"'; strcat(w, "\""); }
    else if (p < 175) { memmove(w + 1, w, strlen(w) + 1); w[0] = '('; strcat(w, ")"); }
    else if (p < 180) strcat(w, " -");
    int wl = strlen(w);
    if (len > 0 && len + 1 + wl > width) {
      line[len++] = '\n';
      fwrite(line, 1, len, stdout);
      total += len;
      len = 0;
      width = 60 + rnd() % 21;
    }
    if (len > 0) line[len++] = ' ';
    memcpy(line + len, w, wl);
    len += wl;
  }
  return 0;
}
