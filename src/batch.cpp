#include "src/batch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "extractor/sha256.h"

namespace cnbudget {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  bool skipped = false;  // already complete in the manifest
  std::string sha;
  DocumentOutput out;
};

std::string FileSha(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || data.empty()) return "";
  return Sha256Hex(data);
}

bool WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// The durable output folder.
class Journal {
 public:
  bool Open(const std::string& dir, bool resume, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // parents too: --out /scratch/run/shard-3
    records_path_ = dir + "/records.jsonl";
    manifest_path_ = dir + "/manifest.jsonl";
    off_t end = 0;
    if (resume) {
      std::ifstream m(manifest_path_);
      std::string line, good;
      while (std::getline(m, line)) {
        if (m.eof() && !line.empty()) break;  // a last line without '\n' was cut by a kill
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) break;
        good += line + "\n";
        std::string sha = j.value("sha256", ""), path = j.value("path", "");
        if (!sha.empty()) done_sha_.insert(sha);
        done_path_.insert(path);
        end = j.value("end", static_cast<off_t>(0)) > end ? j.value("end", static_cast<off_t>(0)) : end;
      }
      std::ofstream rewrite(manifest_path_, std::ios::binary | std::ios::trunc);
      rewrite << good;
    }
    records_fd_ = ::open(records_path_.c_str(), O_WRONLY | O_CREAT | (resume ? 0 : O_TRUNC), 0666);
    manifest_fd_ = ::open(manifest_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | (resume ? 0 : O_TRUNC), 0666);
    if (records_fd_ < 0 || manifest_fd_ < 0) {
      *error = "cannot write in " + dir;
      return false;
    }
    // Cut off whatever a killed run wrote after its last complete document.
    if (::ftruncate(records_fd_, end) != 0 || ::lseek(records_fd_, end, SEEK_SET) < 0) {
      *error = "cannot truncate " + records_path_;
      return false;
    }
    end_ = end;
    return true;
  }

  ~Journal() {
    if (records_fd_ >= 0) ::close(records_fd_);
    if (manifest_fd_ >= 0) ::close(manifest_fd_);
  }

  bool Done(const std::string& sha, const std::string& path) const {
    return sha.empty() ? done_path_.count(path) > 0 : done_sha_.count(sha) > 0;
  }
  bool SeenSha(const std::string& sha) const { return !sha.empty() && done_sha_.count(sha) > 0; }
  bool SeenPath(const std::string& path) const { return done_path_.count(path) > 0; }

  bool Commit(const DocumentOutput& d, const std::string& sha, std::string* error) {
    std::string block = JsonLines(d);
    if (!WriteAll(records_fd_, block)) {
      *error = "write error on " + records_path_;
      return false;
    }
    end_ += static_cast<off_t>(block.size());
    nlohmann::json m = {{"path", d.document.source}, {"sha256", sha}, {"status", d.document.status},
                        {"records", d.records()}, {"end", end_}};
    if (d.document.error) m["error"] = d.document.error->code;
    return Manifest(m, sha, d.document.source, error);
  }

  bool Duplicate(const std::string& path, const std::string& sha, std::string* error) {
    nlohmann::json m = {{"path", path}, {"sha256", sha}, {"status", "duplicate"}, {"records", 0}, {"end", end_}};
    return Manifest(m, sha, path, error);
  }

 private:
  bool Manifest(const nlohmann::json& m, const std::string& sha, const std::string& path, std::string* error) {
    if (!WriteAll(manifest_fd_, m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n")) {
      *error = "write error on " + manifest_path_;
      return false;
    }
    if (!sha.empty()) done_sha_.insert(sha);
    done_path_.insert(path);
    return true;
  }

  std::string records_path_, manifest_path_;
  int records_fd_ = -1, manifest_fd_ = -1;
  off_t end_ = 0;
  std::set<std::string> done_sha_, done_path_;
};

class Progress {
 public:
  Progress(size_t total, bool quiet) : total_(total), quiet_(quiet), tty_(::isatty(2)), start_(Clock::now()) {}
  void Update(size_t done, long pages, int failed, bool last) {
    if (quiet_) return;
    auto now = Clock::now();
    double interval = tty_ ? 0.5 : 10.0;
    if (!last && std::chrono::duration<double>(now - shown_).count() < interval) return;
    shown_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    char line[256];
    std::snprintf(line, sizeof line, "%zu/%zu files, %.1f pages/s, ETA %.0fs, %d failed", done, total_,
                  secs > 0 ? static_cast<double>(pages) / secs : 0.0, eta, failed);
    if (tty_) {
      int width = 30, filled = total_ ? static_cast<int>(width * done / total_) : width;
      std::fprintf(stderr, "\r[%s%s] %s%s", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                   line, last ? "\n" : "");
    } else {
      std::fprintf(stderr, "cnbudget: %s\n", line);
    }
  }

 private:
  size_t total_;
  bool quiet_, tty_;
  Clock::time_point start_, shown_{};
};

// Poppler builds some global state lazily and without a lock; reading one
// page on this thread first builds it before any worker can race on it.
void WarmUpPoppler(const Pipeline& pipeline, const std::vector<std::string>& inputs, const LoadOptions& load) {
  for (const std::string& p : inputs) {
    if (p.size() > 4 && p.compare(p.size() - 4, 4, ".txt") == 0) continue;
    struct stat st;
    if (::stat(p.c_str(), &st) != 0 || st.st_size == 0 || st.st_size > (8 << 20)) continue;
    (void)pipeline.Process(p, load);
    return;
  }
}

}  // namespace

int ShardOf(const std::string& path, int shard_count) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return shard_count > 0 ? static_cast<int>(h % static_cast<uint64_t>(shard_count)) : 0;
}

bool RunBatch(const std::vector<std::string>& all, const Pipeline& pipeline, const BatchOptions& opt,
              RecordSink* sink, BatchSummary* sum, std::string* error) {
  std::vector<std::string> inputs;
  for (const std::string& p : all)
    if (opt.shard_count <= 1 || ShardOf(p, opt.shard_count) == opt.shard_index) inputs.push_back(p);

  std::optional<Journal> journal;
  if (!opt.out_dir.empty()) {
    journal.emplace();
    if (!journal->Open(opt.out_dir, opt.resume, error)) return false;
  }
  // Which inputs are already complete is decided before workers start, so
  // workers never read the journal.
  std::vector<char> skip(inputs.size(), 0);
  std::vector<std::string> shas(inputs.size());
  if (journal && opt.resume) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      shas[i] = FileSha(inputs[i]);
      skip[i] = journal->Done(shas[i], inputs[i]) ? 1 : 0;
    }
  }

  if (opt.jobs > 1) WarmUpPoppler(pipeline, inputs, opt.load);

  std::vector<std::optional<Result>> results(inputs.size());
  std::mutex mu;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  size_t window = static_cast<size_t>(std::max(1, opt.jobs)) * 8;  // bound on buffered documents
  size_t written = 0;
  auto worker = [&]() {
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        ready.wait(lock, [&] { return next.load() >= inputs.size() || next.load() < written + window; });
        i = next.fetch_add(1);
      }
      if (i >= inputs.size()) return;
      Result r;
      if (skip[i]) {
        r.skipped = true;
      } else {
        r.out = pipeline.Process(inputs[i], opt.load);
        r.sha = r.out.document.sha256;
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        results[i] = std::move(r);
      }
      ready.notify_all();
    }
  };
  int n = std::max(1, opt.jobs);
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);

  Progress progress(inputs.size(), opt.quiet);
  bool ok = true;
  for (size_t i = 0; i < inputs.size() && ok; ++i) {
    Result r;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return results[i].has_value(); });
      r = std::move(*results[i]);
      results[i].reset();
      written = i + 1;
    }
    ready.notify_all();
    if (r.skipped && !journal->SeenPath(inputs[i])) {
      // Complete under another name: recorded as that name's duplicate.
      ++sum->duplicates;
      ok = journal->Duplicate(inputs[i], shas[i], error);
    } else if (r.skipped) {
      ++sum->skipped;
    } else if (journal && journal->SeenSha(r.sha)) {
      ++sum->duplicates;
      ok = journal->Duplicate(inputs[i], r.sha, error);
    } else {
      const DocumentOutput& d = r.out;
      if (d.status() == "ok") ++sum->ok;
      else if (d.status() == "partial") ++sum->partial;
      else ++sum->failed, ++sum->failures[d.error_code()];
      sum->records += d.records();
      sum->pages += d.document.pages;
      ok = journal ? journal->Commit(d, r.sha, error) : sink->Write(d, error);
    }
    progress.Update(i + 1, sum->pages, sum->failed, i + 1 == inputs.size());
  }
  if (!ok) {
    // Let the workers finish their current documents and stop.
    next.store(inputs.size());
    ready.notify_all();
    std::lock_guard<std::mutex> lock(mu);
    written = inputs.size();
  }
  ready.notify_all();
  for (auto& t : threads) t.join();
  if (!ok) return false;
  return journal ? true : sink->Finish(error);
}

}  // namespace cnbudget
