// Sha256Hex: the hex SHA-256 digest of a byte string (FIPS 180-4).
// Self-contained so the build needs no crypto library.
#pragma once
#include <string>

namespace cnbudget {
std::string Sha256Hex(const std::string& bytes);
// The digest of a file's bytes, read in 1 MiB pieces (memory stays flat for
// any size); "" when `path` is not a readable regular file (never opens a
// FIFO) or is empty.
std::string Sha256File(const std::string& path);
}
