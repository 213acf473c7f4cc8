// Sha256Hex: the hex SHA-256 digest of a byte string (FIPS 180-4).
// Self-contained so the build needs no crypto library; uses the x86 SHA
// instructions when the CPU has them (CNBUDGET_PORTABLE_SHA256=1 forces the
// portable code).
#pragma once
#include <string>

namespace cnbudget {
std::string Sha256Hex(const std::string& bytes);
// The digest of a file's bytes, read in 64 KiB pieces (a buffer on the stack) (memory stays flat for
// any size); "" when `path` is not a readable regular file (never opens a
// FIFO) or is empty.
std::string Sha256File(const std::string& path);
}
