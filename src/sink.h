// Sinks: where a document's records go.  Every output format implements
// RecordSink, so a new format touches only this stage.  Write receives one
// document's records whole; a sink writes them so that an interrupted run
// never leaves half a document (see DirectorySink for how).
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "src/pipeline.h"

namespace cnbudget {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Returns false (and sets *error) when the output cannot be written.
  virtual bool Write(const DocumentOutput& doc, std::string* error) = 0;
  virtual bool Finish(std::string* error) = 0;
};

// The JSON Lines of one document, document record first, each line ending in '\n'.
std::string JsonLines(const DocumentOutput& doc);

// JSON Lines to a stream (stdout or -o FILE).
std::unique_ptr<RecordSink> MakeJsonlSink(std::ostream* out);

// CSV files in a folder: documents.csv, figures.csv, projects.csv,
// errors.csv; UTF-8 with a header row, a BOM when `excel` (Excel needs it to
// read Chinese).  Text cells that start with = + - @ are prefixed with ' so
// no spreadsheet runs them as formulas; numbers stay numbers.
std::unique_ptr<RecordSink> MakeCsvSink(const std::string& dir, bool excel, std::string* error);

}  // namespace cnbudget

namespace cnbudget {

// SQLite database DIR/cnbudget.sqlite (schema in docs/schema.md): tables
// documents, figures, projects, rows, checks, errors; indices on
// figures(field) and documents(district, year); a view figures_wide with one
// row per document and a column per common field.  Each document is one
// transaction, so a killed run leaves whole documents only.  All SQL takes
// its values through bound parameters.
std::unique_ptr<RecordSink> MakeSqliteSink(const std::string& path, std::string* error);

}  // namespace cnbudget
