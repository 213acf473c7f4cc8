// Records: the JSON Lines records of ../shared/spec/RECORDS.md as C++ values,
// and their serialisation.  Numbers are Decimals and are written as JSON
// numbers with exactly the digits the document printed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grammar/decimal.h"

namespace cnbudget {

struct Change {
  std::string direction;  // increase, decrease, flat, unspecified
  std::optional<Decimal> amount;
  std::string unit;
  std::optional<Decimal> percent;
  std::string basis;
  std::optional<Decimal> base_value;
};

struct Plan {
  std::optional<Decimal> value;
  std::string unit;
  std::optional<Decimal> completion_percent;
};

struct FigureRecord {
  std::string field;
  std::string label;
  Decimal value;
  std::string unit;
  std::optional<Change> change;
  std::vector<std::string> section;
  int page = 0;
  std::string text;      // normalized sentence
  std::string original;  // the same span in the extracted (un-normalized) text
  std::optional<Plan> plan;
  std::optional<Decimal> share_percent;
};

struct Indicator {
  std::string kind;
  std::string text;
};

struct ProjectRecord {
  std::string name;
  std::optional<Decimal> value;
  std::string unit;
  std::string implementer;
  std::string period;
  std::vector<Indicator> indicators;
  int page = 0;
};

struct DocumentMeta {
  std::optional<std::string> title, district, division_code, department, kind;
  std::optional<int> year;
};

struct ErrorInfo {
  std::string code;
  std::string message;
  int page = 0;
};

struct DocumentRecord {
  std::string source;
  std::string sha256;
  int pages = 0;
  std::string status;  // ok, partial, failed
  std::optional<ErrorInfo> error;
  DocumentMeta meta;
  int figures = 0;
  int projects = 0;
};

// Yuan multiplier exponent for a money unit (元 0, 万元 4, 亿元 8, 千元 3), or
// nullopt for a count unit.
std::optional<int> MoneyExponent(const std::string& unit);

// One JSON object per call, no trailing newline.
std::string ToJson(const DocumentRecord& r);
std::string ToJson(const std::string& source, const FigureRecord& r);
std::string ToJson(const std::string& source, const ProjectRecord& r);
std::string ToJson(const std::string& source, const ErrorInfo& r);

}  // namespace cnbudget
