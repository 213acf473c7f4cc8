// Batch: many inputs through the Pipeline, in parallel worker processes
// (src/worker_pool.h), into a sink, in input order, so the output does not
// depend on -j.  A document that outlives its hard timeout or memory bound,
// or crashes its worker, gets a failed `document` record and the run goes
// on (docs/scale-out.md says why workers are processes).
//
// Resuming: `completed` lists what a durable sink already holds (src/sink.h);
// those inputs are skipped, matched by sha256.  With a durable sink the same
// bytes under a second name are extracted once and recorded as a duplicate.
// Must be called while the process has a single thread (workers are forked).
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
  size_t memory_mb = 0;  // per-worker resident memory bound (0: none)
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

// Runs `inputs` (already expanded and sorted).  Returns false with *error
// when the output cannot be written.
bool RunBatch(const std::vector<std::string>& inputs, const Pipeline& pipeline, const BatchOptions& options,
              RecordSink* sink, const std::vector<Completed>& completed, BatchSummary* summary, std::string* error);

}  // namespace cnbudget
