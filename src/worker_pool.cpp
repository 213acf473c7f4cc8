#include "src/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>

#include "extractor/sha256.h"
#include "src/wire.h"

#if defined(__SANITIZE_ADDRESS__)
#define CNBUDGET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNBUDGET_ASAN 1
#endif
#endif

namespace cnbudget {

using Clock = std::chrono::steady_clock;

struct WorkerPool::Worker {
  pid_t pid = -1;
  int fd = -1;  // our end of a socketpair with the worker
  bool busy = false;
  size_t index = 0;
  std::string path;
  Clock::time_point started;
  std::string buffer;  // bytes of the result read so far
  size_t peak_mb = 0;
};

namespace {

bool SendAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool RecvAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

size_t ResidentMb(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  std::ifstream in(path);
  unsigned long size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return static_cast<size_t>(resident) * static_cast<size_t>(::sysconf(_SC_PAGESIZE)) >> 20;
}

// Test hook for tests/limits.sh: CNBUDGET_TEST_FAULT="hang:NAME,alloc:NAME,
// crash:NAME" makes a worker hang, grow without bound or crash on the input
// whose file name is NAME, so the parent's handling of each can be tested
// without a file that triggers a real bug.  Unset, it costs one getenv.
void InjectFault(const std::string& path) {
  static const char* spec = std::getenv("CNBUDGET_TEST_FAULT");
  if (!spec) return;
  std::string name = path.substr(path.find_last_of('/') + 1), all = spec;
  auto wants = [&](const std::string& kind) { return ("," + all + ",").find("," + kind + ":" + name + ",") != std::string::npos; };
  if (wants("hang"))
    while (true) ::pause();
  if (wants("crash")) ::raise(SIGSEGV);
  if (wants("alloc")) {
    std::vector<std::unique_ptr<char[]>> hold;
    try {
      while (true) {
        hold.emplace_back(new char[16 << 20]);
        std::memset(hold.back().get(), 1, 16 << 20);
        ::usleep(10000);
      }
    } catch (const std::bad_alloc&) {
      while (true) ::pause();
    }
  }
}

// The worker: reads paths, answers with encoded outputs, until EOF.
[[noreturn]] void WorkerMain(int fd, const Pipeline& pipeline, const LoadOptions& load, size_t memory_mb) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed parent takes its workers along
#ifndef CNBUDGET_ASAN
  if (memory_mb > 0) {
    // Backstop for allocations faster than the parent's watch: address space
    // well above the resident bound (mappings are not all resident).
    rlim_t bytes = static_cast<rlim_t>(memory_mb) * 2 * (1 << 20) + (rlim_t(1) << 30);
    struct rlimit rl = {bytes, bytes};
    ::setrlimit(RLIMIT_AS, &rl);
  }
#else
  (void)memory_mb;
#endif
  while (true) {
    uint32_t n = 0;
    if (!RecvAll(fd, reinterpret_cast<char*>(&n), sizeof n)) break;
    std::string path(n, '\0');
    if (!RecvAll(fd, path.data(), n)) break;
    InjectFault(path);
    std::string bytes = EncodeOutput(pipeline.Process(path, load));
    uint64_t len = bytes.size();
    if (!SendAll(fd, reinterpret_cast<const char*>(&len), sizeof len) || !SendAll(fd, bytes.data(), bytes.size()))
      break;
  }
  ::_exit(0);  // no atexit handlers or stream flushes: those belong to the parent
}

}  // namespace

WorkerPool::WorkerPool(const Pipeline& pipeline, const LoadOptions& load, int workers, WorkerLimits limits)
    : pipeline_(pipeline), load_(load), limits_(limits), workers_(static_cast<size_t>(workers > 0 ? workers : 1)) {}

WorkerPool::~WorkerPool() {
  for (Worker& w : workers_) Stop(&w);
}

bool WorkerPool::Spawn(Worker* w) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return false;
  }
  if (pid == 0) {
    ::close(sv[0]);
    // Other workers' sockets must not stay open here, or they never see EOF.
    for (Worker& other : workers_)
      if (other.fd >= 0) ::close(other.fd);
    WorkerMain(sv[1], pipeline_, load_, limits_.memory_mb);
  }
  ::close(sv[1]);
  w->pid = pid;
  w->fd = sv[0];
  return true;
}

void WorkerPool::Stop(Worker* w) {
  if (w->fd >= 0) ::close(w->fd);  // an idle worker exits on EOF
  if (w->pid > 0) {
    if (w->busy) ::kill(w->pid, SIGKILL);
    int status;
    while (::waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  w->fd = -1;
  w->pid = -1;
  w->busy = false;
  w->buffer.clear();
}

bool WorkerPool::HasIdle() const {
  for (const Worker& w : workers_)
    if (!w.busy) return true;
  return false;
}

size_t WorkerPool::InFlight() const {
  size_t n = 0;
  for (const Worker& w : workers_) n += w.busy;
  return n;
}

void WorkerPool::Submit(size_t index, const std::string& path) {
  for (Worker& w : workers_) {
    if (w.busy) continue;
    w.busy = true;
    w.index = index;
    w.path = path;
    w.started = Clock::now();
    w.buffer.clear();
    w.peak_mb = 0;
    // A worker that cannot be started or told is reported by Next().
    if (w.pid <= 0 && !Spawn(&w)) return;
    uint32_t n = static_cast<uint32_t>(path.size());
    if (!SendAll(w.fd, reinterpret_cast<const char*>(&n), sizeof n)) return;
    SendAll(w.fd, path.data(), path.size());
    return;
  }
}

DocumentOutput WorkerPool::Failure(const Worker& w, const std::string& code, const std::string& message) const {
  DocumentOutput out;
  out.document.source = w.path;
  out.document.sha256 = Sha256File(w.path);
  out.document.status = "failed";
  out.document.error = ErrorInfo{code, message, 0};
  return out;
}

std::pair<size_t, DocumentOutput> WorkerPool::Next() {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker*> polled;
    auto now = Clock::now();
    for (Worker& w : workers_) {
      if (!w.busy) continue;
      double secs = std::chrono::duration<double>(now - w.started).count();
      if (w.fd < 0 || w.pid <= 0) {
        size_t index = w.index;
        DocumentOutput out = Failure(w, "worker_crashed", "no worker process could be started for this document");
        Stop(&w);
        return {index, std::move(out)};
      }
      if (limits_.hard_timeout_seconds > 0 && secs > limits_.hard_timeout_seconds) {
        char msg[256];
        std::snprintf(msg, sizeof msg,
                      "still not finished after %.0f s, so its worker was stopped; the file may hold a page that "
                      "never finishes (raise --timeout to give it longer)",
                      secs);
        size_t index = w.index;
        Stop(&w);  // first: the worker must not keep running while Failure() hashes the file
        DocumentOutput out = Failure(w, "timeout", msg);
        return {index, std::move(out)};
      }
      if (limits_.memory_mb > 0) {
        size_t mb = ResidentMb(w.pid);
        if (mb > w.peak_mb) w.peak_mb = mb;
        if (mb > limits_.memory_mb) {
          char msg[256];
          std::snprintf(msg, sizeof msg,
                        "used %zu MB of memory, over the bound of %zu MB, so its worker was stopped "
                        "(raise --max-memory to allow more)",
                        mb, limits_.memory_mb);
          size_t index = w.index;
          Stop(&w);  // first: the worker must not keep running while Failure() hashes the file
          DocumentOutput out = Failure(w, "memory_limit", msg);
          return {index, std::move(out)};
        }
      }
      fds.push_back(pollfd{w.fd, POLLIN, 0});
      polled.push_back(&w);
    }
    int wait_ms = limits_.memory_mb > 0 ? 50 : 1000;
    int rc = ::poll(fds.data(), fds.size(), wait_ms);
    if (rc < 0 && errno != EINTR) continue;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      Worker& w = *polled[k];
      char chunk[1 << 16];
      ssize_t n = ::recv(w.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      if (n > 0) {
        w.buffer.append(chunk, static_cast<size_t>(n));
        uint64_t len = 0;
        if (w.buffer.size() < sizeof len) continue;
        std::memcpy(&len, w.buffer.data(), sizeof len);
        if (w.buffer.size() < sizeof len + len) continue;
        DocumentOutput out;
        size_t index = w.index;
        bool ok = w.buffer.size() == sizeof len + len && DecodeOutput(w.buffer.substr(sizeof len), &out);
        w.buffer.clear();
        w.busy = false;
        if (!ok) {
          out = Failure(w, "worker_crashed", "its worker sent a malformed result (this is a bug in cnbudget)");
          Stop(&w);
        }
        return {index, std::move(out)};
      }
      // EOF or error before a whole result: the worker died on this document.
      size_t index = w.index;
      int status = 0;
      pid_t pid = w.pid;
      ::close(w.fd);
      w.fd = -1;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      w.pid = -1;
      std::string why;
      if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        why = "its worker died from signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
      } else {
        why = "its worker exited with status " + std::to_string(WEXITSTATUS(status));
      }
      why += " while reading it; the file probably triggers a bug in Poppler or cnbudget";
      if (limits_.memory_mb > 0 && w.peak_mb * 2 > limits_.memory_mb)
        why += ", or it needed more memory than --max-memory allows";
      DocumentOutput out = Failure(w, "worker_crashed", why);
      Stop(&w);
      return {index, std::move(out)};
    }
  }
}

}  // namespace cnbudget
