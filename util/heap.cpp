#include "util/heap.hpp"

#include <malloc.h>

namespace fxsim::util {

void keep_freed_memory_for_reuse() {
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest; above it a block is mmapped anyway
}

}  // namespace fxsim::util
