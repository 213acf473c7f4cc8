// Fuzz target: the number parser and the exact arithmetic the checks use.
// Input: two number texts separated by '\n', then an optional byte that picks
// a shift and a division scale.  Properties: parsing is idempotent, shifting
// back and forth is the identity, sums and differences agree with each other
// at any length, and with 128-bit integers where those are exact; division
// truncates to the digit that long division gives.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "grammar/decimal.h"

using cnbudget::Decimal;
using Int = __int128;

namespace {

// value × 10^scale as an integer, when it fits comfortably (≤ 30 digits).
bool Scaled(const Decimal& d, int scale, Int* out) {
  const std::string& t = d.text();
  if (d.scale() > scale || t.size() + (scale - d.scale()) > 30) return false;
  Int v = 0;
  bool neg = false;
  for (char c : t) {
    if (c == '-') neg = true;
    else if (c != '.') v = v * 10 + (c - '0');
  }
  for (int i = d.scale(); i < scale; ++i) v *= 10;
  *out = neg ? -v : v;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string ta = in.substr(0, nl);
  std::string rest = nl == std::string::npos ? "" : in.substr(nl + 1);
  size_t nl2 = rest.find('\n');
  std::string tb = rest.substr(0, nl2);
  int knob = nl2 == std::string::npos || nl2 + 1 >= rest.size() ? 0 : static_cast<unsigned char>(rest[nl2 + 1]);

  auto a = Decimal::Parse(ta);
  if (!a) return 0;
  FUZZ_CHECK(a->text().find_first_not_of("-0123456789.") == std::string::npos, "parsed text is plain digits");
  auto again = Decimal::Parse(a->text());
  FUZZ_CHECK(again && again->text() == a->text(), "parsing is idempotent");
  int shift = knob % 25 - 12;
  FUZZ_CHECK(a->Shift(shift).Shift(-shift).Compare(*a) == 0, "shift there and back is the identity");
  FUZZ_CHECK((*a - *a).is_zero(), "a - a is zero");
  auto b = Decimal::Parse(tb);
  if (!b) return 0;
  Decimal sum = *a + *b, diff = *a - *b;
  FUZZ_CHECK(sum.text() == (*b + *a).text(), "a + b == b + a");
  FUZZ_CHECK((sum - *b).Compare(*a) == 0, "(a + b) - b == a");
  FUZZ_CHECK((diff + *b).Compare(*a) == 0, "(a - b) + b == a");
  FUZZ_CHECK(a->Compare(*b) == -b->Compare(*a), "compare is antisymmetric");
  FUZZ_CHECK(a->Compare(*b) == (diff.is_zero() ? 0 : diff.negative() ? -1 : 1), "compare agrees with the sign of a - b");
  int s = std::max(a->scale(), b->scale());
  Int ia, ib, isum;
  if (Scaled(*a, s, &ia) && Scaled(*b, s, &ib) && Scaled(sum, s, &isum))
    FUZZ_CHECK(isum == ia + ib, "sum agrees with 128-bit integers");

  int dscale = knob % 9;
  auto q = a->Divide(*b, dscale, false);
  if (b->is_zero()) {
    FUZZ_CHECK(!q, "division by zero is refused");
    return 0;
  }
  Int na, nb, nq;
  // Long division check where the operands are small: |q| = floor(|a| 10^dscale / |b|).
  if (q && a->text().size() <= 12 && b->text().size() <= 12 && Scaled(*a, s, &na) && Scaled(*b, s, &nb) &&
      Scaled(*q, dscale, &nq)) {
    if (na < 0) na = -na;
    if (nb < 0) nb = -nb;
    for (int i = 0; i < dscale; ++i) na *= 10;
    Int want = na / nb;
    FUZZ_CHECK((nq < 0 ? -nq : nq) == want, "truncated quotient is long division's");
  }
  return 0;
}
