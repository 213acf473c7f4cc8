#include "extractor/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <unordered_map>

#include "extractor/utf8.h"

namespace cnbudget {
namespace {

struct Char {
  UChar32 c;
  uint32_t src;
};

bool IsCjk(UChar32 c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF) || c == 0x2014 || c == 0x2026 ||
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x00B7;
}

// ASCII punctuation that NFKC made out of full-width forms: CJK text glues to it.
bool IsGluePunct(UChar32 c) {
  return c == '(' || c == ')' || c == ':' || c == ',' || c == ';' || c == '%' || c == '!' || c == '?' ||
         c == '[' || c == ']' || c == '"' || c == '\'';
}

bool IsDigit(UChar32 c) { return c >= '0' && c <= '9'; }
bool IsSpace(UChar32 c) { return c == ' ' || c == '\t'; }

bool IsZeroWidthOrControl(UChar32 c) {
  if (c == '\n') return false;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return true;
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD ||
         c == 0xFFFC;
}

// Characters that exist only in Traditional script and are common in budget
// documents; a handful of them marks a text as Traditional.
const char16_t kTraditionalMarkers[] =
    u"預算經費據說務會計國區資產關機構處財稅單總額學員職業養醫療衛購買設備車輛與為這個來們對發開門問題實際當時後從還過進動辦現應義條線導體書報號標準縣鄉鎮黨類項幣萬億撥級劃離較減";

bool IsDigitLike(UChar32 c) { return IsDigit(c); }

// Units that may follow a number; used to decide whether "1 6" is one number.
bool IsUnitStart(UChar32 c) {
  static const char16_t kUnits[] = u"万元亿千人名辆个家台套批次项所处%";
  for (char16_t u : kUnits)
    if (u && c == u) return true;
  return false;
}

}  // namespace

struct Normalizer::Impl {
  const icu::Normalizer2* nfkc = nullptr;
  std::unique_ptr<icu::Transliterator> t2s;  // created on first Traditional text
  bool t2s_failed = false;
  mutable std::unordered_map<UChar32, UChar32> t2s_cache;

  UChar32 ToSimplified(UChar32 c) const;
};

Normalizer::Normalizer() : impl_(new Impl) {
  UErrorCode ec = U_ZERO_ERROR;
  impl_->nfkc = icu::Normalizer2::getNFKCInstance(ec);
  if (U_FAILURE(ec)) impl_->nfkc = nullptr;
}

Normalizer::~Normalizer() = default;

UChar32 Normalizer::Impl::ToSimplified(UChar32 c) const {
  auto it = t2s_cache.find(c);
  if (it != t2s_cache.end()) return it->second;
  icu::UnicodeString s(c);
  t2s->transliterate(s);
  UChar32 out = s.length() > 0 && s.countChar32() == 1 ? s.char32At(0) : c;
  t2s_cache.emplace(c, out);
  return out;
}

NormalizedText Normalizer::Normalize(std::string_view raw) const {
  // 1. Valid UTF-8, with a map from valid bytes to raw bytes.
  std::string valid;
  std::vector<uint32_t> valid_src;
  valid.reserve(raw.size());
  valid_src.reserve(raw.size());
  {
    int32_t i = 0, n = static_cast<int32_t>(raw.size());
    const auto* s = reinterpret_cast<const uint8_t*>(raw.data());
    while (i < n) {
      int32_t start = i;
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c < 0) c = 0xFFFD;
      AppendUtf8(&valid, c);
      valid_src.resize(valid.size(), static_cast<uint32_t>(start));
    }
  }

  // 2. NFKC, with ICU Edits mapping normalized bytes back to the valid text.
  std::string nf;
  std::vector<uint32_t> nf_src;
  if (impl_->nfkc) {
    UErrorCode ec = U_ZERO_ERROR;
    icu::Edits edits;
    icu::StringByteSink<std::string> sink(&nf);
    impl_->nfkc->normalizeUTF8(0, valid, sink, &edits, ec);
    if (U_FAILURE(ec)) {
      nf = valid;
      nf_src = valid_src;
    } else {
      nf_src.resize(nf.size());
      icu::Edits::Iterator it = edits.getFineIterator();
      while (it.next(ec)) {
        int32_t d = it.destinationIndex(), s = it.sourceIndex();
        for (int32_t k = 0; k < it.newLength(); ++k) {
          int32_t from = it.hasChange() ? s : s + k;
          nf_src[d + k] = valid_src[from];
        }
      }
    }
  } else {
    nf = valid;
    nf_src = valid_src;
  }

  // 3. Code points with their source offsets.
  std::vector<Char> cs;
  cs.reserve(nf.size());
  {
    int32_t i = 0, n = static_cast<int32_t>(nf.size());
    const auto* s = reinterpret_cast<const uint8_t*>(nf.data());
    while (i < n) {
      int32_t start = i;
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c < 0) c = 0xFFFD;
      if (IsZeroWidthOrControl(c)) {
        if (c == '\t' || c == '\r') c = ' ';
        else continue;
      }
      if (c == 0x2212 || c == 0x2013) c = '-';
      if (c == 0x3000 || c == 0x00A0) c = ' ';
      cs.push_back({c, nf_src[start]});
    }
  }

  // 4. Traditional to Simplified, only where the text is Traditional.
  {
    int markers = 0;
    for (const Char& ch : cs) {
      for (char16_t m : kTraditionalMarkers)
        if (m && ch.c == m) {
          ++markers;
          break;
        }
      if (markers >= 4) break;
    }
    if (markers >= 4 && !impl_->t2s_failed) {
      if (!impl_->t2s) {
        UErrorCode ec = U_ZERO_ERROR;
        impl_->t2s.reset(icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, ec));
        if (U_FAILURE(ec) || !impl_->t2s) {
          impl_->t2s.reset();
          impl_->t2s_failed = true;
        }
      }
      if (impl_->t2s)
        for (Char& ch : cs)
          if (ch.c >= 0x3400) ch.c = impl_->ToSimplified(ch.c);
    }
  }

  auto erase_range = [&](size_t from, size_t to) { cs.erase(cs.begin() + from, cs.begin() + to); };

  // 5. Template residue: MERGEFIELD (letters possibly spaced out) and a ${...} after it.
  {
    static const char kWord[] = "MERGEFIELD";
    for (size_t i = 0; i < cs.size(); ++i) {
      if (cs[i].c != 'M') continue;
      size_t j = i, k = 0;
      while (j < cs.size() && kWord[k]) {
        if (cs[j].c == static_cast<UChar32>(kWord[k])) {
          ++k;
          ++j;
        } else if (IsSpace(cs[j].c) && k > 0) {
          ++j;
        } else {
          break;
        }
      }
      if (kWord[k]) continue;
      size_t end = j;
      while (end < cs.size() && IsSpace(cs[end].c)) ++end;
      if (end < cs.size() && cs[end].c == '$') {
        size_t close = end;
        while (close < cs.size() && cs[close].c != '}' && cs[close].c != '\n') ++close;
        if (close < cs.size() && cs[close].c == '}') end = close + 1;
      } else {
        end = j;
      }
      // Also ${...} residue on its own.
      erase_range(i, end);
      --i;
    }
    for (size_t i = 0; i + 1 < cs.size(); ++i) {
      if (cs[i].c == '$' && cs[i + 1].c == '{') {
        size_t close = i;
        while (close < cs.size() && cs[close].c != '}' && cs[close].c != '\n') ++close;
        if (close < cs.size() && cs[close].c == '}') {
          erase_range(i, close + 1);
          --i;
        }
      }
    }
  }

  // 6. Fill-in underscores next to a digit (through spaces): "__19__人", "增加___0_万元".
  {
    std::vector<bool> drop(cs.size(), false);
    for (size_t i = 0; i < cs.size(); ++i) {
      if (cs[i].c != '_') continue;
      // The run takes in spaces between underscores ("_ _0").
      size_t a = i;
      while (a < cs.size() && (cs[a].c == '_' || ((IsSpace(cs[a].c) || cs[a].c == '\n') && a + 1 < cs.size() && cs[a + 1].c == '_'))) ++a;
      // run [i, a)
      size_t l = i, r = a;
      while (l > 0 && (IsSpace(cs[l - 1].c) || cs[l - 1].c == '\n')) --l;
      while (r < cs.size() && (IsSpace(cs[r].c) || cs[r].c == '\n')) ++r;
      bool digit_left = l > 0 && IsDigitLike(cs[l - 1].c);
      bool digit_right = r < cs.size() && IsDigitLike(cs[r].c);
      if (digit_left || digit_right)
        for (size_t k = i; k < a; ++k)
          if (cs[k].c == '_') drop[k] = true;
      i = a - 1;
    }
    std::vector<Char> kept;
    kept.reserve(cs.size());
    for (size_t i = 0; i < cs.size(); ++i)
      if (!drop[i]) kept.push_back(cs[i]);
    cs.swap(kept);
  }

  // 7. Spaces: runs collapse to one; none next to CJK, glue punctuation or '%';
  //    none inside a number written digit by digit ("1 6 人").
  {
    std::vector<Char> out;
    out.reserve(cs.size());
    for (size_t i = 0; i < cs.size(); ++i) {
      if (!IsSpace(cs[i].c)) {
        out.push_back(cs[i]);
        continue;
      }
      size_t j = i;
      while (j < cs.size() && IsSpace(cs[j].c)) ++j;
      UChar32 left = out.empty() ? '\n' : out.back().c;
      UChar32 right = j < cs.size() ? cs[j].c : '\n';
      bool drop = left == '\n' || right == '\n' || IsCjk(left) || IsCjk(right) || IsGluePunct(left) ||
                  (IsGluePunct(right) && right != '(') || right == '%' || right == '.' || left == '.';
      if (!drop && IsDigit(left) && IsDigit(right)) {
        // Left number token: digits back to a non-digit.
        size_t k = out.size();
        size_t ldigits = 0;
        bool ldot = false;
        while (k > 0 && (IsDigit(out[k - 1].c) || out[k - 1].c == '.')) {
          if (out[k - 1].c == '.') ldot = true;
          ++ldigits;
          --k;
        }
        bool left_starts_token = k == 0 || !IsDigit(out[k - 1].c);
        UChar32 before = k == 0 ? '\n' : out[k - 1].c;
        size_t r = j;
        while (r < cs.size() && (IsDigit(cs[r].c) || cs[r].c == '.')) ++r;
        while (r < cs.size() && IsSpace(cs[r].c)) ++r;
        bool unit_after = r < cs.size() && IsUnitStart(cs[r].c);
        if (!ldot && ldigits <= 2 && left_starts_token && unit_after && before != ' ') drop = true;
      }
      if (!drop) out.push_back({' ', cs[i].src});
      i = j - 1;
    }
    cs.swap(out);
  }

  // 8. Thousands separators: ',' between digits before exactly three digits.
  {
    std::vector<Char> out;
    out.reserve(cs.size());
    for (size_t i = 0; i < cs.size(); ++i) {
      if (cs[i].c == ',' && !out.empty() && IsDigit(out.back().c) && i + 3 < cs.size() + 0 &&
          IsDigit(cs[i + 1].c) && IsDigit(cs[i + 2].c) && IsDigit(cs[i + 3].c) &&
          (i + 4 >= cs.size() || !IsDigit(cs[i + 4].c))) {
        // Not after a decimal fraction ("1.5,200").
        size_t k = out.size();
        while (k > 0 && IsDigit(out[k - 1].c)) --k;
        if (k == 0 || out[k - 1].c != '.') continue;
      }
      out.push_back(cs[i]);
    }
    cs.swap(out);
  }

  NormalizedText result;
  result.text.reserve(cs.size() * 2);
  result.source.reserve(cs.size() * 2);
  for (const Char& ch : cs) {
    AppendUtf8(&result.text, ch.c);
    result.source.resize(result.text.size(), ch.src);
  }
  return result;
}

}  // namespace cnbudget
