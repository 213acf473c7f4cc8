// Sinks: where a document's records go.  Every output format implements
// RecordSink, so a new format touches only this stage.  Write receives one
// document's records whole.
//
// Folder sinks (--out DIR) are durable: after Write returns, the document is
// complete on disk together with its manifest entry, and a run killed at
// any moment leaves only whole documents.  Opened with `resume`, they cut
// off whatever an interrupted run wrote after its last complete document
// and report the documents already complete, so the run can skip them.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "src/pipeline.h"

namespace cnbudget {

// A document complete in a durable output.
struct Completed {
  std::string path, sha256;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Returns false (and sets *error) when the output cannot be written.
  virtual bool Write(const DocumentOutput& doc, std::string* error) = 0;
  // Durable sinks: notes that `path` has the bytes of a document already
  // written (extracted once; the manifest names both).
  virtual bool Duplicate(const std::string& path, const std::string& sha256, std::string* error) = 0;
  virtual bool durable() const = 0;
  virtual bool Finish(std::string* error) = 0;
};

// The JSON Lines of one document, document record first, each line ending in '\n'.
std::string JsonLines(const DocumentOutput& doc);

// JSON Lines to a stream (stdout or -o FILE).  Not durable.
std::unique_ptr<RecordSink> MakeJsonlSink(std::ostream* out);

// DIR/records.jsonl and DIR/manifest.jsonl (one line per input: path,
// sha256, status, records, end offset of its records).
std::unique_ptr<RecordSink> MakeJsonlDirSink(const std::string& dir, bool resume, std::vector<Completed>* done,
                                             std::string* error);

// CSV files in DIR: documents.csv, figures.csv, projects.csv, rows.csv,
// checks.csv, errors.csv, and manifest.jsonl (end offsets of every file);
// UTF-8 with a header row, a BOM when `excel` (Excel needs it to read
// Chinese).  Text cells that start with = + - @ are prefixed with ' so no
// spreadsheet runs them as formulas; numbers stay numbers.
std::unique_ptr<RecordSink> MakeCsvSink(const std::string& dir, bool excel, bool resume, std::vector<Completed>* done,
                                        std::string* error);

// SQLite database DIR/cnbudget.sqlite (schema in docs/schema.md): tables
// documents, figures, projects, rows, checks, errors, manifest; indices on
// figures(field) and documents(district, year); a view figures_wide with one
// row per document and a column per common field.  Each document, with its
// manifest row, is one transaction.  All SQL takes its values through bound
// parameters.  Without `resume` an existing database is replaced.
std::unique_ptr<RecordSink> MakeSqliteSink(const std::string& dir, bool resume, std::vector<Completed>* done,
                                           std::string* error);

}  // namespace cnbudget
