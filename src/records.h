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

// One printed line of one side of a table (附表).  `cells` keeps column order;
// a blank cell is absent, a printed 0.00 is present.
struct RowRecord {
  std::string table;  // the title as written; kept on continuation pages
  std::string side;   // 收入 / 支出 in a two-sided table, else ""
  int page = 0;
  std::string code;   // classification code, digits only, or ""
  std::string name;
  std::vector<std::pair<std::string, Decimal>> cells;  // header path (levels joined by '/') → number
  std::string unit;   // from the table's 单位： line
};

// One consistency rule applied to one document (grammar/rules/checks.rules).
struct CheckRecord {
  std::string rule;     // stable id, e.g. expenditure.total=basic+project
  std::string status;   // pass / fail
  Decimal expected, actual;
  std::string unit;
  std::vector<std::string> fields;
  std::string where;    // what was compared, for a reader: table/row names or page
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

// A standard table (附表) found by its title (grammar/data/tables.tsv).
struct TableSummary {
  std::string id;     // tables.tsv id, e.g. three_public
  std::string title;  // as written, normalized
  int page = 0;       // first page
  int rows = 0;       // row records it gave (0: found, but printed empty or 无)
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
  int rows = 0;
  int checks_passed = 0, checks_failed = 0;
  std::vector<TableSummary> tables;  // in document order
};

// Yuan multiplier exponent for a money unit (元 0, 万元 4, 亿元 8, 千元 3), or
// nullopt for a count unit.
std::optional<int> MoneyExponent(const std::string& unit);

// One JSON object per call, no trailing newline.
std::string ToJson(const DocumentRecord& r);
// The document's `tables` array alone (CSV and SQLite keep it as JSON text).
std::string TablesJsonText(const DocumentRecord& r);
std::string ToJson(const std::string& source, const FigureRecord& r);
std::string ToJson(const std::string& source, const ProjectRecord& r);
std::string ToJson(const std::string& source, const ErrorInfo& r);
std::string ToJson(const std::string& source, const RowRecord& r);
std::string ToJson(const std::string& source, const CheckRecord& r);

// A row's cells as the JSON object its row record carries ({"合计": 150.23}),
// for sinks that store the cells beside other columns.
std::string CellsJson(const RowRecord& r);

}  // namespace cnbudget
