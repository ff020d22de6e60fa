// Allocator settings for processes that simulate point after point.
#pragma once

namespace fxsim::util {

// A process that runs design point after point allocates and frees buffers of the same few sizes
// (megabytes for a large layer). By default glibc returns freed memory at the top of the heap to
// the kernel (M_TRIM_THRESHOLD) and serves large blocks with fresh mmaps, so every point pays its
// page faults again: measured on a 2048 x 256 K-hot sweep, 58% of the time went to memset, page
// faults and brk. After this call freed memory stays in the heap and the next point reuses it.
void keep_freed_memory_for_reuse();

}  // namespace fxsim::util
