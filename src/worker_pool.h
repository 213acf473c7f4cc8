// WorkerPool: documents through the Pipeline in worker processes, so that a
// document which hangs inside Poppler, exhausts memory or crashes costs only
// its own records: the worker is killed (or found dead), the document gets a
// failed `document` record with code timeout, memory_limit or worker_crashed,
// and a fresh worker takes the next input.
//
// Workers are forked from the calling thread, which must be the process's
// only thread (no locks can be held across fork).  Each worker is
// single-threaded, so Poppler's lazily built global state is never raced on.
// Not thread-safe; one owner drives it.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "src/pipeline.h"

namespace cnbudget {

struct WorkerLimits {
  double hard_timeout_seconds = 0;  // kill a worker busy this long on one document (0: never)
  size_t memory_mb = 0;             // kill a worker whose resident memory exceeds this (0: no bound)
};

class WorkerPool {
 public:
  WorkerPool(const Pipeline& pipeline, const LoadOptions& load, int workers, WorkerLimits limits);
  ~WorkerPool();  // stops and reaps every worker
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool HasIdle() const;
  size_t InFlight() const;
  // Starts document `index` (its path) on an idle worker.  Requires HasIdle().
  void Submit(size_t index, const std::string& path);
  // Blocks until a submitted document finishes; returns its index and output.
  // Requires InFlight() > 0.
  std::pair<size_t, DocumentOutput> Next();

 private:
  struct Worker;
  bool Spawn(Worker* w);
  void Stop(Worker* w);
  DocumentOutput Failure(const Worker& w, const std::string& code, const std::string& message) const;

  const Pipeline& pipeline_;
  LoadOptions load_;
  WorkerLimits limits_;
  std::vector<Worker> workers_;
};

}  // namespace cnbudget
