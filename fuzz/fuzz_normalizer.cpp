// Fuzz target: any bytes through the Normalizer.  Beyond not crashing, the
// contract in extractor/normalizer.h must hold: valid UTF-8 out, and every
// output byte maps to a byte of the input.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "extractor/normalizer.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static cnbudget::Normalizer normalizer;
  std::string raw(reinterpret_cast<const char*>(data), size);
  cnbudget::NormalizedText n = normalizer.Normalize(raw);
  FUZZ_CHECK(n.source.size() == n.text.size(), "one source offset per output byte");
  for (uint32_t off : n.source) FUZZ_CHECK(off < raw.size() || (raw.empty() && off == 0), "source offset inside the input");
  FUZZ_CHECK(cnbudget_fuzz::ValidUtf8(n.text), "output is valid UTF-8");
  return 0;
}
