// Decimal: an exact decimal number as a document writes it ("462.48",
// "103.00", "0").  Money never passes through a double: values keep their
// written digits, conversion to yuan shifts the decimal point, and
// arithmetic (for checks) is exact: sums and comparisons on digit strings
// of any length, division on a scaled 128-bit integer.
#pragma once

#include <optional>
#include <string>

namespace cnbudget {

class Decimal {
 public:
  Decimal() = default;

  // Accepts [-]digits[.digits], with ',' thousands separators between digit
  // groups.  Returns nullopt for anything else (empty, "1.2.3", "abc").
  static std::optional<Decimal> Parse(const std::string& text);

  // The number as written, separators removed: "1,708.03" -> "1708.03".
  const std::string& text() const { return text_; }

  // value × 10^exp, exactly, as the shortest plain decimal ("4624800").
  Decimal Shift(int exp) const;

  int scale() const;  // digits after the point as written
  bool is_zero() const;
  bool negative() const { return !text_.empty() && text_[0] == '-'; }

  // Exact arithmetic for consistency checks.  Results use the larger scale.
  Decimal operator+(const Decimal& o) const;
  Decimal operator-(const Decimal& o) const;
  int Compare(const Decimal& o) const;  // -1, 0, 1
  Decimal Abs() const { return negative() ? Decimal(text_.substr(1)) : *this; }
  // this ÷ divisor to `scale` digits after the point, rounded half away from
  // zero (or truncated).  nullopt for a zero divisor or operands too long
  // for exact 128-bit arithmetic (about 30 digits).
  std::optional<Decimal> Divide(const Decimal& divisor, int scale, bool round = true) const;
  bool operator==(const Decimal& o) const { return Compare(o) == 0; }

 private:
  explicit Decimal(std::string t) : text_(std::move(t)) {}
  std::string text_ = "0";
};

}  // namespace cnbudget
