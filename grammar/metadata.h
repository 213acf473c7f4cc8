// Metadata: a document's title, department, year, kind and jurisdiction,
// read from its first pages, with the district's GB/T 2260 code from the
// gazetteer in grammar/data/divisions.tsv.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/records.h"

namespace cnbudget {

class Gazetteer {
 public:
  // Loads data/divisions.tsv (code, name, level, province_code, city_code,
  // province, city).  Returns nullptr and sets *error when unreadable.
  static std::unique_ptr<Gazetteer> Load(const std::string& path, std::string* error);

  struct Division {
    std::string code, name, level, province_code, city_code, province, city;
  };
  const std::vector<Division>& divisions() const { return all_; }

 private:
  std::vector<Division> all_;
};

// `pages`: normalized text of the document's pages, in order.
DocumentMeta ReadMetadata(const std::vector<std::string>& pages, const Gazetteer* gazetteer);

}  // namespace cnbudget
