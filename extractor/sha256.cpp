#include "extractor/sha256.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace cnbudget {
namespace {

constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Block(uint32_t h[8], const unsigned char* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 = hh + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same compression with the x86 SHA extensions (most CPUs since 2017):
// hashing every input file is a few per cent of a batch with the portable
// code.  Chosen at run time; both give the same digest (tests/test_sources).
__attribute__((target("sha,sse4.1,ssse3"))) void BlocksShaNi(uint32_t h[8], const unsigned char* p, size_t n) {
  const __m128i kSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)), 0xB1);      // CDAB
  __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4)), 0x1B);  // EFGH
  __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);     // ABEF
  st1 = _mm_blend_epi16(st1, tmp, 0xF0);           // CDGH
  for (; n > 0; --n, p += 64) {
    __m128i save0 = st0, save1 = st1, w[4];
    for (int g = 0; g < 16; ++g) {
      __m128i& cur = w[g % 4];
      if (g < 4) {
        cur = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * g)), kSwap);
      } else {
        // W[t..t+3] from the four groups before: w[g%4] still holds group g-4.
        __m128i x1 = w[(g + 1) % 4], x2 = w[(g + 2) % 4], x3 = w[(g + 3) % 4];
        cur = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(cur, x1), _mm_alignr_epi8(x3, x2, 4)), x3);
      }
      __m128i msg = _mm_add_epi32(cur, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kK + 4 * g)));
      st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
      st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
    }
    st0 = _mm_add_epi32(st0, save0);
    st1 = _mm_add_epi32(st1, save1);
  }
  tmp = _mm_shuffle_epi32(st0, 0x1B);              // FEBA
  st1 = _mm_shuffle_epi32(st1, 0xB1);              // DCHG
  st0 = _mm_blend_epi16(tmp, st1, 0xF0);           // DCBA
  st1 = _mm_alignr_epi8(st1, tmp, 8);              // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), st0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), st1);
}

bool HasShaNi() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return false;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (b & bit_SHA) != 0;
}
#endif

// n consecutive 64-byte blocks.
void Blocks(uint32_t h[8], const unsigned char* p, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool sha_ni = HasShaNi();
  if (sha_ni && std::getenv("CNBUDGET_PORTABLE_SHA256") == nullptr) return BlocksShaNi(h, p, n);
#endif
  for (; n > 0; --n, p += 64) Block(h, p);
}

}  // namespace

namespace {

constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Pads the last (< 64) bytes, runs the final blocks, formats the digest.
std::string Finish(uint32_t h[8], const unsigned char* rest_data, size_t rest, uint64_t total) {
  unsigned char tail[128] = {0};
  for (size_t j = 0; j < rest; ++j) tail[j] = rest_data[j];
  tail[rest] = 0x80;
  size_t len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = total * 8;
  for (int j = 0; j < 8; ++j) tail[len - 1 - j] = static_cast<unsigned char>(bits >> (8 * j));
  Blocks(h, tail, len / 64);
  char out[65];
  for (int j = 0; j < 8; ++j) std::snprintf(out + 8 * j, 9, "%08x", h[j]);
  return std::string(out, 64);
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  uint32_t h[8];
  std::copy(kInit, kInit + 8, h);
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size(), full = n / 64 * 64;
  Blocks(h, data, n / 64);
  return Finish(h, data + full, n - full, n);
}

std::string Sha256File(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";  // a FIFO would block
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "";
  uint32_t h[8];
  std::copy(kInit, kInit + 8, h);
  // On the stack: this also runs after an out-of-memory failure.
  unsigned char buf[1 << 16];
  size_t have = 0;  // bytes in buf not yet hashed (< 64 between reads)
  uint64_t total = 0;
  while (true) {
    size_t got = std::fread(buf + have, 1, sizeof buf - have, f);
    if (got == 0) break;
    total += got;
    have += got;
    size_t i = have / 64 * 64;
    Blocks(h, buf, have / 64);
    if (i > 0) std::memmove(buf, buf + i, have - i);
    have -= i;
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed || total == 0) return "";
  return Finish(h, buf, have, total);
}

}  // namespace cnbudget
