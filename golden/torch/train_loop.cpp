#include "golden/torch/train_loop.hpp"

#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <memory>

namespace fxsim::golden {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

void train(Trainee& net, const Data& train_data, const TrainOptions& o, at::Generator& gen,
           const std::string& label, std::ostream& log) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(net.parameters, std::make_unique<torch::optim::AdamOptions>(o.learning_rate));
  if (!net.format_parameters.empty()) {
    groups.emplace_back(net.format_parameters,
                        std::make_unique<torch::optim::AdamOptions>(o.format_learning_rate));
  }
  torch::optim::Adam opt(std::move(groups), torch::optim::AdamOptions(o.learning_rate));
  const int64_t n = train_data.x.size(0);
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto start = Clock::now();
    const torch::Tensor perm = torch::randperm(n, gen, torch::kInt64);
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    int batches = 0;
    for (int64_t s = 0; s + 1 < n; s += o.batch_size) {  // batches of >= 2 (batch statistics)
      const torch::Tensor idx = perm.narrow(0, s, std::min<int64_t>(o.batch_size, n - s));
      const torch::Tensor xb = train_data.x.index_select(0, idx);
      const torch::Tensor yb = train_data.y.index_select(0, idx);
      const torch::Tensor logits = net.forward(xb);
      const torch::Tensor loss = torch::nll_loss(torch::log_softmax(logits, 1), yb);
      opt.zero_grad();
      loss.backward();
      opt.step();
      net.after_step();
      loss_sum += loss.item<double>();
      correct += torch::eq(logits.argmax(1), yb).sum().item<int64_t>();
      seen += idx.size(0);
      ++batches;
    }
    log << "[" << label << "] epoch " << epoch << "/" << o.epochs << "  loss " << std::fixed
        << std::setprecision(4) << loss_sum / std::max(batches, 1) << "  train-acc "
        << static_cast<double>(correct) / std::max<int64_t>(seen, 1) << "  test-acc "
        << net.test_accuracy() << "  (" << std::setprecision(1) << seconds_since(start) << " s)"
        << std::defaultfloat << std::endl;
  }
}

}  // namespace fxsim::golden
