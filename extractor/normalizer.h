// Normalizer: raw page text to the canonical text the grammars read.
//
// Repairs, in order: invalid UTF-8 → U+FFFD; NFKC (full-width digits and
// punctuation to ASCII, U+3000 to space); zero-width and control characters
// removed; Traditional → Simplified when the text is Traditional; template
// residue (`MERGEFIELD ${...}`) removed; fill-in underscores next to digits
// removed (`__19__人`, `_462.48_万元`); spaces between CJK characters, between
// CJK and digits, and inside numbers (`1 6 人`) removed; thousands separators
// dropped (`1,708.03`).  Spaces between two numbers (table columns) stay.
//
// Every output byte maps back to a byte of the input (`source`), so a record
// can cite the original text.  A Normalizer is not thread-safe: use one per
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cnbudget {

struct NormalizedText {
  std::string text;               // UTF-8
  std::vector<uint32_t> source;   // source[i]: input byte offset of text byte i
};

class Normalizer {
 public:
  Normalizer();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  NormalizedText Normalize(std::string_view raw) const;

  // Convenience for tests and grammar input that needs no provenance.
  std::string NormalizeText(std::string_view raw) const { return Normalize(raw).text; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cnbudget
