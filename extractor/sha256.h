// Sha256Hex: the hex SHA-256 digest of a byte string (FIPS 180-4).
// Self-contained so the build needs no crypto library.
#pragma once
#include <string>

namespace cnbudget {
std::string Sha256Hex(const std::string& bytes);
}
