// The training loop `fxsim train` runs for every network it fine-tunes (the fixed-point QNet
// variants and the affine QAT of golden/torch/affine_train.hpp): Adam over shuffled batches,
// cross entropy, one progress line per epoch. Include from golden/ translation units only.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "golden/torch/dataset_tensors.hpp"

namespace fxsim::golden {

// What the loop needs of a network: its training-mode forward, its trainable tensors (and, in a
// second Adam group of its own learning rate, learned formats), what to do after each step, and
// its test accuracy for the progress line.
struct Trainee {
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::vector<torch::Tensor> parameters;
  std::vector<torch::Tensor> format_parameters;
  std::function<void()> after_step = [] {};
  std::function<double()> test_accuracy;
};

struct TrainOptions {
  int epochs = 1;
  double learning_rate = 1e-3;
  double format_learning_rate = 0;
  int batch_size = 128;
};

// Trains in place: per epoch a permutation of the images drawn from `gen`, batches of at least 2
// (batch statistics), "[label] epoch E/N  loss ...  train-acc ...  test-acc ...  (T s)" to log.
void train(Trainee& net, const Data& train_data, const TrainOptions& o, at::Generator& gen,
           const std::string& label, std::ostream& log);

}  // namespace fxsim::golden
