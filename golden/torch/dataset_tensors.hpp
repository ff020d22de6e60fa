// Labelled images as tensors, and a network's accuracy on them: what `fxsim train` and
// `fxsim import` share. Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/torch/qnet.hpp"

namespace fxsim::golden {

struct Data {
  torch::Tensor x;    // float32 [N, pixels]: pixel / 256, the exact values of the input format
  torch::Tensor raw;  // int64 [N, pixels]: the pixel bytes, raws of the input format
  torch::Tensor y;    // int64 [N]
};

Data to_tensors(const Dataset& d);

// Top-1 of [N, classes] logits against `y`; the first maximum wins (as argmax_rows).
double accuracy_of(const torch::Tensor& logits, const torch::Tensor& y);

// The network's [N, classes] outputs in eval mode, in chunks of kEvalChunk images.
torch::Tensor outputs_of(QNet& net, const torch::Tensor& x, Precision p);
double evaluate(QNet& net, const Data& d, Precision p);

// The golden results of a model file: the integer logits of the test images `test` (the first
// test.y.size(0) of the IDX file `images`: by default Fashion-MNIST's t10k, which `fxsim verify`
// looks up in its data directory), their labels and top-1 accuracy.
GoldenResults test_set_golden(const torch::Tensor& logits, const Data& test, double accuracy,
                              const std::string& images = "t10k-images-idx3-ubyte.gz");

// Images per forward pass when evaluating. Small enough that the fake quantizer's float64
// temporaries (~30 per layer) stay below glibc's mmap threshold (32 MB at most): chunks of 2000
// CNN images made every temporary a fresh mmap, and page faults took a third of a QAT epoch.
inline constexpr std::int64_t kEvalChunk = 256;

}  // namespace fxsim::golden
