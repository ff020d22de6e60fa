#include "testbenches/env/requantize_model.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "testbenches/env/network_from_model.hpp"

namespace fxsim::env {
namespace {

double value_of(std::int64_t raw, const fx::NumType& t) {
  if (const auto* k = std::get_if<fx::KhotType>(&t)) return fx::khot_to_double(raw, *k);
  return fx::to_double(raw, std::get<fx::FxType>(t));
}

std::int64_t quantize_to(double v, const fx::NumType& t) {
  if (const auto* k = std::get_if<fx::KhotType>(&t)) return fx::khot_quantize(v, *k);
  return fx::cast_from_double(v, std::get<fx::FxType>(t));
}

// Raws of `from` as raws of `to`, through their values; unchanged when the types are the same.
void requantize(std::vector<std::int64_t>* raws, const fx::NumType& from, const fx::NumType& to) {
  if (fx::type_str(from) == fx::type_str(to)) return;
  for (std::int64_t& r : *raws) r = quantize_to(value_of(r, from), to);
}

// Collects whether any type of the model changes.
class Retyper {
 public:
  bool changed() const { return changed_; }

  void type(fx::FxType* held, const fx::FxType& wanted) {
    if (held->str() == wanted.str()) return;
    *held = wanted;
    changed_ = true;
  }

  // Raws held as values of `held` requantized into `wanted` (a dense layer's K-hot values stay
  // raws of their container: the caller sets the type it keeps).
  void raws(std::vector<std::int64_t>* raws, const fx::NumType& held, const fx::NumType& wanted) {
    if (fx::type_str(held) == fx::type_str(wanted)) return;
    requantize(raws, held, wanted);
    changed_ = true;
  }

  void bn(std::optional<golden::BnActLayer>* layer, const std::optional<engine::BnConfig>& want) {
    if (!want) {
      if (*layer) changed_ = true;
      layer->reset();
      return;
    }
    golden::BnActLayer& b = layer->value();  // a block never gains a bn_act the model lacks
    raws(&b.scale_raw, b.scale_type, want->scale);
    if (fx::type_str(b.scale_type) != fx::type_str(want->scale)) b.scale_type = want->scale;
    raws(&b.bias_raw, b.bias_type, want->bias);
    type(&b.bias_type, want->bias);
    if (b.out_type.str() != want->output.str()) {
      std::vector<std::int64_t> clip{b.clip_raw};
      requantize(&clip, b.out_type, want->output);
      b.clip_raw = clip[0];
      type(&b.out_type, want->output);
    }
  }

 private:
  bool changed_ = false;
};

void retype_conv(const engine::BlockPlan& block, golden::ConvLayer* c, Retyper* r) {
  const engine::EngineConfig& e = *block.mvau;
  r->raws(&c->weight_raw, c->weight_type, e.weight);
  c->weight_type = e.weight;
  r->type(&c->input_type, e.activation);
  r->type(&c->acc_type, e.accumulator);
  r->type(&c->out_type, e.output);
  r->bn(&c->bn, e.bn);
}

void retype_dense(const engine::BlockPlan& block, golden::DenseLayer* d, Retyper* r) {
  const engine::EngineConfig& e = *block.mvau;
  // K-hot / SPT values stay raws of their container: requantize only what the values' type
  // changes (a container already holding the block's K-hot values keeps its raws).
  r->raws(&d->weight_raw, d->weight_type, e.weight);
  r->type(&d->weight_type, golden::weight_container(e.weight));
  r->type(&d->input_type, e.activation);
  r->type(&d->acc_type, e.accumulator);
  r->type(&d->out_type, e.output);
  r->bn(&d->bn, e.bn);
}

}  // namespace

std::optional<golden::QuantNetwork> requantize_model(const golden::QuantNetwork& model,
                                                     const engine::NetworkPlan& plan) {
  golden::QuantNetwork out = model;
  Retyper r;
  std::size_t i = 0;
  for (golden::FeatureLayer& f : out.features) {
    const engine::BlockPlan& block = plan.blocks.at(i++);
    if (auto* c = std::get_if<golden::ConvLayer>(&f)) {
      retype_conv(block, c, &r);
    } else {
      r.type(&std::get<golden::MaxPoolLayer>(f).type, block.in.format);
    }
  }
  for (golden::DenseLayer& d : out.layers) retype_dense(plan.blocks.at(i++), &d, &r);
  if (!r.changed()) return std::nullopt;
  golden::validate(out);
  return out;
}

golden::GoldenResults requantized_golden(const golden::QuantNetwork& model,
                                         const engine::NetworkPlan& plan,
                                         const golden::GoldenResults& trained, int images) {
  const std::vector<std::uint8_t> pixels = golden_pixels(plan, trained, images);
  const std::size_t features = pixels.size() / static_cast<std::size_t>(images);
  const int classes = model.layers.back().out_features;
  golden::GoldenResults g;
  g.images = trained.images;
  g.count = images;
  g.labels.assign(trained.labels.begin(), trained.labels.begin() + images);
  int correct = 0;
  for (int n = 0; n < images; ++n) {
    const auto* p = pixels.data() + static_cast<std::size_t>(n) * features;
    const std::vector<std::int64_t> logits =
        golden::reference_forward(model, std::vector<std::int64_t>(p, p + features));
    g.logits.insert(g.logits.end(), logits.begin(), logits.end());
    correct += golden::argmax_rows(logits, classes).at(0) == g.labels[n];
  }
  g.accuracy = images ? static_cast<double>(correct) / images : 0.0;
  return g;
}

}  // namespace fxsim::env
