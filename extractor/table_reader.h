// TableReader: positioned words of each page (PageLayout) → the standard
// tables (附表) of a disclosure → one RowRecord per printed line and side.
//
// Contract:
// - A table starts at a line whose text is a title listed in
//   grammar/data/tables.tsv (after dropping 附表N / 表N / numbering, a year
//   and a 部门/单位 prefix, and a trailing parenthesis); it ends at the next
//   title, a note (注：) or prose.  A table continued on the next page keeps
//   its title; a header repeated there is read again, a missing one is taken
//   from the previous page by column position.
// - Columns come from the geometry of the body: numbers are clustered by
//   their x extent, code columns (类/款/项 or 7-digit codes) are told from
//   amount columns by their content and place (before the row's name, or
//   headed 编码), so integer amounts in 元 stay amounts; labels lie left of a
//   side's numbers.  Header words above are assigned to the amount columns by
//   right edges; stacked header cells become paths (`基本支出/人员经费`), a
//   group cell centred over its columns heads all of them; two columns never
//   share a path (a repeat gets `#2`).  A row printed at two baselines (its
//   numbers in different columns, less than a line apart) is one row.
// - A table with labels right of numbers is two-sided: each side of a printed
//   line is its own row, side 收入 / 支出 from the header.
// - Blank cells are absent; a printed 0.00 is a cell.  Labels wrapped over two
//   lines are joined.  Rows without numbers are not written.
// - A title on the line right after another title is a list of tables, not a
//   table: it is reported only if rows follow it.
// - Pages must be added in order.  Only the open table's header survives a
//   page; nothing per glyph is kept.
// Not thread-safe (one reader per document); TableGrammar is immutable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "extractor/normalizer.h"
#include "extractor/source.h"
#include "src/records.h"

namespace cnbudget {

// The data files grammar/data/tables.tsv and grammar/data/table_fields.tsv.
class TableGrammar {
 public:
  // nullptr and *error on a bad file; a missing file is an error too.
  static std::unique_ptr<TableGrammar> Load(const std::string& grammar_dir, std::string* error);
  // Same, from the files' text (tests).
  static std::unique_ptr<TableGrammar> FromText(const std::string& tables_tsv, const std::string& fields_tsv,
                                                std::string* error);
  ~TableGrammar();

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  TableGrammar();
  std::unique_ptr<Impl> impl_;
};

// A table found in a document (for reports and tests).
using FoundTable = TableSummary;  // src/records.h: the document record lists them

// A row with what the figure mapping needs besides the record.
struct TableRow {
  RowRecord record;
  std::string table_id;
  std::string text;  // the printed line, normalized
  bool first = false;  // first row of its table
};

class TableReader {
 public:
  TableReader(const TableGrammar& grammar, const Normalizer& normalizer);
  ~TableReader();

  void AddPage(const PageLayout& page);
  // Closes the open table.  Rows and tables in document order.
  void Finish();
  const std::vector<TableRow>& rows() const;
  const std::vector<FoundTable>& tables() const;

  // Is this (normalized or raw) line a standard table title?  Returns its id or "".
  std::string MatchTitle(const std::string& line) const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Figures the standard tables state (grammar/data/table_fields.tsv).
std::vector<FigureRecord> TableFigures(const TableGrammar& grammar, const std::vector<TableRow>& rows);

}  // namespace cnbudget
