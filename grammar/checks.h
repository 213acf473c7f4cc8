// CheckRules: the consistency checks of grammar/rules/checks.tsv, applied to
// one document's figures and table rows.  Each applicable rule gives one
// CheckRecord (pass or fail, both sides in the total's unit), so a reader
// sees where a document does not add up — and where an extraction error
// made it look so.  Rules are data; the kinds of check are code.
//
// Load returns an error naming the file and line for a malformed rule.
// Run is const and keeps no state: safe to share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/records.h"

namespace cnbudget {

class CheckRules {
 public:
  static std::unique_ptr<CheckRules> Load(const std::string& path, std::string* error);

  std::vector<CheckRecord> Run(const std::vector<FigureRecord>& figures, const std::vector<RowRecord>& rows) const;

  struct SumRule {
    std::string id, total;
    std::vector<std::string> parts, unless;
  };

 private:
  std::vector<SumRule> sums_;
  std::vector<std::pair<std::string, std::string>> builtins_;  // kind, rule id
};

}  // namespace cnbudget
