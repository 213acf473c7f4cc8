// Batch: many inputs through the Pipeline, in parallel, into a sink, with an
// optional durable output folder that survives kill -9 and can be resumed.
//
// Workers are threads.  Poppler's lazily built global state is warmed up on
// the calling thread before any worker starts (docs/scale-out.md says why);
// each worker has its own Normalizer and opens its own poppler documents;
// the Grammar and Gazetteer are immutable and shared.  Records are written
// by the calling thread in input order, so the output does not depend on -j.
//
// With `out_dir`, records go to out_dir/records.jsonl and each document,
// once its records are written, gets a line in out_dir/manifest.jsonl
// (path, sha256, status, records, end offset).  On --resume the records file
// is cut back to the last manifest entry, so a document interrupted mid-write
// disappears whole, and inputs already in the manifest are skipped.  The same
// bytes under a second name are extracted once; the manifest names both.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "src/pipeline.h"
#include "src/sink.h"

namespace cnbudget {

struct BatchOptions {
  int jobs = 1;
  LoadOptions load;
  std::string out_dir;       // durable JSONL + manifest; "" for a plain sink
  bool resume = false;
  bool quiet = false;
  int shard_index = 0, shard_count = 1;  // --shard K/N
};

struct BatchSummary {
  int ok = 0, partial = 0, failed = 0, skipped = 0, duplicates = 0;
  std::map<std::string, int> failures;  // error code → count
  size_t records = 0;
  long pages = 0;
};

// Which shard a path belongs to: FNV-1a of the path as given, mod N.
int ShardOf(const std::string& path, int shard_count);

// Runs `inputs` (already expanded and sorted).  `sink` is used when out_dir
// is empty.  Returns false with *error when the output cannot be written.
bool RunBatch(const std::vector<std::string>& inputs, const Pipeline& pipeline, const BatchOptions& options,
              RecordSink* sink, BatchSummary* summary, std::string* error);

}  // namespace cnbudget
