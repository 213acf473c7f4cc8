// Pipeline: one input file through source → normalizer → grammar, to the
// JSON Lines records of that document (document record first).
//
// Never throws for bad input: a failed document is a `document` record with
// status "failed" and an error code, plus nothing else.  Library warnings
// become `error` records.  The records of one document are returned whole,
// so a caller can write them atomically.
#pragma once

#include <string>
#include <vector>

#include "extractor/source.h"
#include "grammar/checks.h"
#include "grammar/engine.h"
#include "grammar/lexicon.h"
#include "grammar/metadata.h"

namespace cnbudget {

// Everything one input produced; sinks (src/sink.h) serialise it.
struct DocumentOutput {
  DocumentRecord document;
  std::vector<FigureRecord> figures;
  std::vector<ProjectRecord> projects;
  std::vector<RowRecord> rows;
  std::vector<CheckRecord> checks;
  std::vector<ErrorInfo> errors;

  const std::string& status() const { return document.status; }
  std::string error_code() const { return document.error ? document.error->code : ""; }
  size_t records() const { return 1 + figures.size() + projects.size() + rows.size() + checks.size() + errors.size(); }
};

class Pipeline {
 public:
  // `checks` may be null (no check records).
  Pipeline(const Grammar& grammar, const Gazetteer* gazetteer, const CheckRules* checks = nullptr)
      : grammar_(grammar), gazetteer_(gazetteer), checks_(checks) {}

  DocumentOutput Process(const std::string& path, const LoadOptions& options) const;

 private:
  const Grammar& grammar_;
  const Gazetteer* gazetteer_;
  const CheckRules* checks_;
};

}  // namespace cnbudget
