// SHA-256 digests as lowercase hex, computed by OpenSSL's libcrypto (EVP interface). The synth
// cache keys its entries with them; nothing here implements the hash itself.
#pragma once

#include <string>
#include <string_view>

namespace fxsim::util {

// Incremental digest: update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  std::string hex_digest();  // 64 lowercase hex characters; ends the digest

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so that callers need no OpenSSL headers
};

// One-shot digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace fxsim::util
