#include "golden/smoke_stimulus.hpp"

// <torch/types.h> rather than <torch/torch.h>: it declares torch::randint and compiles in ~8 s
// instead of ~26 s.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/types.h>

namespace fxsim::golden {

std::vector<int32_t> smoke_stimulus(std::size_t count, uint64_t seed) {
  // A generator of our own instead of torch::manual_seed(): no hidden global state to reset.
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor values =
      torch::randint(INT16_MIN, int64_t{INT16_MAX} + 1, {static_cast<int64_t>(count)}, generator,
                     torch::dtype(torch::kInt32))
          .contiguous();
  const int32_t* data = values.data_ptr<int32_t>();
  return std::vector<int32_t>(data, data + count);
}

}  // namespace fxsim::golden
