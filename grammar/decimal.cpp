#include "grammar/decimal.h"

#include <algorithm>

namespace cnbudget {
namespace {

using Int = __int128;

// Splits into sign, integer digits and fraction digits.
void Split(const std::string& t, bool* neg, std::string* ip, std::string* fp) {
  size_t i = 0;
  *neg = !t.empty() && t[0] == '-';
  if (*neg) i = 1;
  size_t dot = t.find('.', i);
  *ip = t.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  *fp = dot == std::string::npos ? "" : t.substr(dot + 1);
}

std::string StripLeadingZeros(std::string s) {
  size_t k = 0;
  while (k + 1 < s.size() && s[k] == '0') ++k;
  s.erase(0, k);
  return s.empty() ? "0" : s;
}

Int Scaled(const std::string& t, int scale) {
  bool neg;
  std::string ip, fp;
  Split(t, &neg, &ip, &fp);
  fp.resize(scale, '0');
  Int v = 0;
  for (char c : ip + fp) v = v * 10 + (c - '0');
  return neg ? -v : v;
}

std::string Format(Int v, int scale) {
  bool neg = v < 0;
  if (neg) v = -v;
  std::string d;
  do {
    d.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  while (static_cast<int>(d.size()) <= scale) d.push_back('0');
  std::reverse(d.begin(), d.end());
  std::string out = scale > 0 ? d.substr(0, d.size() - scale) + "." + d.substr(d.size() - scale) : d;
  bool zero = out.find_first_not_of("0.") == std::string::npos;
  return (neg && !zero ? "-" : "") + out;
}

int scale_of(const std::string& t) {
  size_t dot = t.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
}

}  // namespace

std::optional<Decimal> Decimal::Parse(const std::string& in) {
  std::string t;
  size_t i = 0;
  if (!in.empty() && in[0] == '-') {
    t.push_back('-');
    i = 1;
  }
  bool dot = false;
  int digits_since_sep = -1;  // -1: no separator seen yet
  int int_digits = 0;
  for (; i < in.size(); ++i) {
    char c = in[i];
    if (c >= '0' && c <= '9') {
      t.push_back(c);
      if (!dot) {
        ++int_digits;
        if (digits_since_sep >= 0) ++digits_since_sep;
      }
    } else if (c == ',' && !dot) {
      if (int_digits == 0 || (digits_since_sep >= 0 && digits_since_sep != 3)) return std::nullopt;
      digits_since_sep = 0;
    } else if (c == '.' && !dot && int_digits > 0) {
      dot = true;
      t.push_back('.');
    } else {
      return std::nullopt;
    }
  }
  if (int_digits == 0 || t.back() == '.') return std::nullopt;
  if (digits_since_sep >= 0 && digits_since_sep != 3) return std::nullopt;
  bool neg;
  std::string ip, fp;
  Split(t, &neg, &ip, &fp);
  std::string norm = StripLeadingZeros(ip) + (dot ? "." + fp : "");
  return Decimal((neg ? "-" : "") + norm);
}

int Decimal::scale() const {
  size_t dot = text_.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(text_.size() - dot - 1);
}

bool Decimal::is_zero() const { return text_.find_first_not_of("-0.") == std::string::npos; }

Decimal Decimal::Shift(int exp) const {
  bool neg;
  std::string ip, fp;
  Split(text_, &neg, &ip, &fp);
  std::string digits = ip + fp;
  int point = static_cast<int>(ip.size()) + exp;  // position of the point in digits
  if (point < 0) {
    digits.insert(0, static_cast<size_t>(-point), '0');
    point = 0;
  }
  if (point > static_cast<int>(digits.size())) digits.append(point - digits.size(), '0');
  std::string i2 = StripLeadingZeros(digits.substr(0, point));
  std::string f2 = digits.substr(point);
  while (!f2.empty() && f2.back() == '0') f2.pop_back();
  std::string out = f2.empty() ? i2 : i2 + "." + f2;
  bool zero = out.find_first_not_of("0.") == std::string::npos;
  return Decimal((neg && !zero ? "-" : "") + out);
}

// Exact sums and comparisons work on digit strings, so no length of number
// can overflow (a 40-digit string of digits is still a valid document value).
namespace {

struct Magnitude {
  bool neg = false;
  std::string digits;  // no leading zeros ("" is zero), `scale` fraction digits
};

Magnitude ToMagnitude(const std::string& t, int scale) {
  Magnitude m;
  std::string ip, fp;
  Split(t, &m.neg, &ip, &fp);
  fp.resize(scale, '0');
  m.digits = ip + fp;
  size_t k = m.digits.find_first_not_of('0');
  m.digits.erase(0, k == std::string::npos ? m.digits.size() : k);
  if (m.digits.empty()) m.neg = false;
  return m;
}

int CompareDigits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string AddDigits(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int d = carry;
    if (i < a.size()) d += a[a.size() - 1 - i] - '0';
    if (i < b.size()) d += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + d % 10));
    carry = d / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// a - b for a >= b.
std::string SubDigits(const std::string& a, const std::string& b) {
  std::string out;
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int d = a[a.size() - 1 - i] - '0' - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    borrow = d < 0;
    out.push_back(static_cast<char>('0' + (d + 10) % 10));
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  std::reverse(out.begin(), out.end());
  return out;
}

std::string FormatMagnitude(const Magnitude& m, int scale) {
  std::string d = m.digits;
  while (static_cast<int>(d.size()) <= scale) d.insert(d.begin(), '0');
  std::string out = scale > 0 ? d.substr(0, d.size() - scale) + "." + d.substr(d.size() - scale) : d;
  bool zero = out.find_first_not_of("0.") == std::string::npos;
  return (m.neg && !zero ? "-" : "") + out;
}

Magnitude Sum(Magnitude a, Magnitude b) {
  if (a.neg == b.neg) return Magnitude{a.neg, AddDigits(a.digits, b.digits)};
  int c = CompareDigits(a.digits, b.digits);
  if (c == 0) return Magnitude{};
  if (c < 0) std::swap(a, b);
  return Magnitude{a.neg, SubDigits(a.digits, b.digits)};
}

}  // namespace

Decimal Decimal::operator+(const Decimal& o) const {
  int s = std::max(scale(), o.scale());
  return Decimal(FormatMagnitude(Sum(ToMagnitude(text_, s), ToMagnitude(o.text_, s)), s));
}

Decimal Decimal::operator-(const Decimal& o) const {
  int s = std::max(scale(), o.scale());
  Magnitude b = ToMagnitude(o.text_, s);
  if (!b.digits.empty()) b.neg = !b.neg;
  return Decimal(FormatMagnitude(Sum(ToMagnitude(text_, s), b), s));
}

int Decimal::Compare(const Decimal& o) const {
  int s = std::max(scale(), o.scale());
  Magnitude a = ToMagnitude(text_, s), b = ToMagnitude(o.text_, s);
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  int c = CompareDigits(a.digits, b.digits);
  return a.neg ? -c : c;
}

std::optional<Decimal> Decimal::Divide(const Decimal& d, int scale, bool round) const {
  if (d.is_zero() || scale < 0 || scale > 8) return std::nullopt;
  // (a / 10^sa) / (b / 10^sb) to `scale` digits: a * 10^(sb + scale + 1) / (b * 10^sa), one guard digit.
  int sa = scale_of(text_), sb = scale_of(d.text_);
  auto digits = [](const std::string& t) { return static_cast<int>(t.size()); };  // an upper bound
  if (digits(text_) + sb + scale + 1 > 36 || digits(d.text_) + sa > 36) return std::nullopt;
  Int a = Scaled(text_, sa), b = Scaled(d.text_, sb);
  bool neg = (a < 0) != (b < 0);
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  for (int i = 0; i < sb + scale + 1; ++i) a *= 10;
  for (int i = 0; i < sa; ++i) b *= 10;
  Int q = a / b;  // the quotient with one guard digit
  Int r = q % 10;
  q /= 10;
  if (round && r >= 5) ++q;
  return Decimal(Format(neg ? -q : q, scale));
}

}  // namespace cnbudget
