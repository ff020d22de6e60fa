// golden::read_onnx_network's refusals, on graphs built here with the ONNX library's own protobuf
// classes (a Relu chain that is valid, then one thing wrong per test): each error names the file,
// the node (name, operator, opset) or the input, and what was expected; a valid chain reads.
#include "golden/onnx/onnx_reader.hpp"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fxsim::golden {
namespace {

// images [N, 4] -> Gemm (4 -> 3, weights W, bias B) -> Relu -> Gemm (3 -> 2, W2) -> logits.
onnx::ModelProto mlp(int opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("test");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("g");
  auto* in = g->add_input();
  in->set_name("images");
  auto* t = in->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_param("batch");
  t->mutable_shape()->add_dim()->set_dim_value(4);
  auto init = [g](const std::string& name, std::vector<std::int64_t> dims) {
    auto* w = g->add_initializer();
    w->set_name(name);
    w->set_data_type(onnx::TensorProto::FLOAT);
    std::int64_t n = 1;
    for (auto d : dims) {
      w->add_dims(d);
      n *= d;
    }
    for (std::int64_t i = 0; i < n; ++i) w->add_float_data(0.125f * static_cast<float>(i % 5));
  };
  init("W", {3, 4});
  init("B", {3});
  init("W2", {2, 3});
  auto node = [g](const std::string& name, const std::string& op, std::vector<std::string> ins,
                  const std::string& out) {
    auto* n = g->add_node();
    n->set_name(name);
    n->set_op_type(op);
    for (auto& i : ins) n->add_input(i);
    n->add_output(out);
    return n;
  };
  auto* gemm = node("fc1", "Gemm", {"images", "W", "B"}, "h");
  auto* a = gemm->add_attribute();
  a->set_name("transB");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(1);
  node("act1", "Relu", {"h"}, "r");
  auto* gemm2 = node("fc2", "Gemm", {"r", "W2"}, "logits");
  *gemm2->add_attribute() = *a;
  auto* out = g->add_output();
  out->set_name("logits");
  auto* ot = out->mutable_type()->mutable_tensor_type();
  ot->set_elem_type(onnx::TensorProto::FLOAT);
  ot->mutable_shape()->add_dim()->set_dim_param("batch");
  ot->mutable_shape()->add_dim()->set_dim_value(2);
  return m;
}

class OnnxReader : public ::testing::Test {
 protected:
  std::string write(const onnx::ModelProto& m) {
    path_ = (std::filesystem::temp_directory_path() /
             ("fxsim_onnx_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".onnx"))
                .string();
    std::ofstream f(path_, std::ios::binary);
    m.SerializeToOstream(&f);
    return path_;
  }
  // The message with the file's path spelled FILE.
  std::string error_of(const onnx::ModelProto& m) {
    std::string e = "no error";
    try {
      read_onnx_network(write(m));
    } catch (const OnnxImportError& x) {
      e = x.what();
    }
    if (e.rfind(path_, 0) == 0) e = "FILE" + e.substr(path_.size());
    return e;
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::string path_;
};

TEST_F(OnnxReader, AValidChainIsTwoDenseLayers) {
  const OnnxNetwork n = read_onnx_network(write(mlp()));
  EXPECT_EQ(n.opset, 13);
  EXPECT_TRUE(n.network.features.empty());
  ASSERT_EQ(n.network.dense.size(), 2u);
  EXPECT_EQ(n.network.input.elements(), 4);
  const FloatMacLayer& fc1 = n.network.dense[0];
  EXPECT_EQ(fc1.name, "fc1");
  EXPECT_EQ(fc1.in, 4);
  EXPECT_EQ(fc1.out, 3);
  EXPECT_EQ(fc1.act, units::Activation::RELU);
  EXPECT_EQ(fc1.weight[5], 0.0f);  // W[1][1]: element 5 of the row-major [3, 4]
  EXPECT_EQ(fc1.weight[6], 0.125f);
  EXPECT_EQ(fc1.bias, (std::vector<float>{0.0f, 0.125f, 0.25f}));
  EXPECT_EQ(n.network.dense[1].act, units::Activation::NONE);
}

// fc1 as MatMul (weights [in, out] = [4, 3]) + Add (bias): the dense layer's [out, in] weights
// are the transpose, the Add its bias. WT[i][o] = 0.125 * ((3 i + o) % 5) from the initializer
// helper, so W[o][i] (element o * 4 + i) must be that.
TEST_F(OnnxReader, MatMulAndAddAreADenseLayerAndItsBias) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  auto* wt = g->add_initializer();
  wt->set_name("WT");
  wt->set_data_type(onnx::TensorProto::FLOAT);
  wt->add_dims(4);
  wt->add_dims(3);
  for (int k = 0; k < 12; ++k) wt->add_float_data(0.125f * static_cast<float>(k % 5));
  onnx::GraphProto chain = *g;
  chain.clear_node();
  onnx::NodeProto* mm = chain.add_node();
  mm->set_name("mm1");
  mm->set_op_type("MatMul");
  mm->add_input("images");
  mm->add_input("WT");
  mm->add_output("p");
  onnx::NodeProto* add = chain.add_node();
  add->set_name("bias1");
  add->set_op_type("Add");
  add->add_input("p");
  add->add_input("B");
  add->add_output("h");
  for (int i = 1; i < g->node_size(); ++i) *chain.add_node() = g->node(i);  // Relu, fc2
  *g = chain;
  const OnnxNetwork n = read_onnx_network(write(m));
  ASSERT_EQ(n.network.dense.size(), 2u);
  const FloatMacLayer& fc1 = n.network.dense[0];
  EXPECT_EQ(fc1.name, "mm1");
  EXPECT_EQ(fc1.in, 4);
  EXPECT_EQ(fc1.out, 3);
  for (int o = 0; o < 3; ++o) {
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(fc1.weight[o * 4 + i], 0.125f * static_cast<float>((3 * i + o) % 5))
          << "W[" << o << "][" << i << "]";
    }
  }
  EXPECT_EQ(fc1.bias, (std::vector<float>{0.0f, 0.125f, 0.25f}));
  EXPECT_EQ(fc1.act, units::Activation::RELU);
}

TEST_F(OnnxReader, AnUnsupportedOperatorIsNamedWithTheSupportedOnes) {
  onnx::ModelProto m = mlp();
  m.mutable_graph()->mutable_node(1)->set_op_type("Sigmoid");
  const std::string e = error_of(m);
  EXPECT_EQ(e.rfind("FILE: node 'act1' (Sigmoid, opset 13): unsupported operator; expected "
                    "one of Conv, Gemm, MatMul, Add, BatchNormalization, Relu, Clip, ",
                    0),
            0u)
      << e;
}

TEST_F(OnnxReader, AShapeComputedFlattenIsRefusedWithTheFix) {
  onnx::ModelProto m = mlp();
  m.mutable_graph()->mutable_node(1)->set_op_type("Shape");
  EXPECT_EQ(error_of(m),
            "FILE: node 'act1' (Shape, opset 13): a shape computation "
            "(x.view(x.size(0), -1) exports one); expected a constant flatten: use "
            "torch.flatten(x, 1) or nn.Flatten() before exporting");
}

// A QONNX Quant on fc1's weights whose scale is not a power of two: no fixed-point format holds
// it exactly, and the reader says so (per-tensor 2^-F scales with zero point 0 map exactly).
TEST_F(OnnxReader, AQuantWhoseScaleIsNotAPowerOfTwoIsRefused) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  for (const auto& [name, v] :
       {std::pair<const char*, float>{"scale", 0.1f}, {"zero", 0.0f}, {"bits", 8.0f}}) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(v);
  }
  auto* d = m.add_opset_import();
  d->set_domain("qonnx.custom_op.general");
  d->set_version(1);
  onnx::NodeProto q;
  q.set_name("qw1");
  q.set_op_type("Quant");
  q.set_domain("qonnx.custom_op.general");
  for (const char* i : {"W", "scale", "zero", "bits"}) q.add_input(i);
  q.add_output("Wq");
  // The Quant first (topological order), fc1 reading its output.
  onnx::GraphProto reordered = *g;
  reordered.clear_node();
  *reordered.add_node() = q;
  for (const auto& n : g->node()) *reordered.add_node() = n;
  reordered.mutable_node(1)->set_input(1, "Wq");
  *g = reordered;
  EXPECT_EQ(error_of(m),
            "FILE: node 'qw1' (Quant, opset 13): scale 0.1 is not a power of two; "
            "expected 2^-F, the LSB of a fixed-point format (a non-power-of-two "
            "scale has no exact fixed-point equivalent) (or --approximate: the nearest "
            "fixed-point format)");
  // --approximate: the nearest power of two in log2, 0.1 -> 2^-3, so fixed<8,5>, and a note.
  const OnnxNetwork n = read_onnx_network(path_, /*approximate=*/true);
  ASSERT_TRUE(n.network.dense[0].weight_format);
  EXPECT_EQ(n.network.dense[0].weight_format->str(), "fixed<8,5,RND_CONV,SAT,0>");
  ASSERT_EQ(n.notes.size(), 1u);
  EXPECT_EQ(n.notes[0], "Quant 'qw1': scale 0.1 -> 2^-3 = 0.125 (--approximate)");
}

// A float initializer of `dims` holding `values`.
void add_initializer(onnx::GraphProto* g, const std::string& name, std::vector<std::int64_t> dims,
                     const std::vector<float>& values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (const auto d : dims) t->add_dims(d);
  for (const float v : values) t->add_float_data(v);
}

// `n` inserted into the chain at position `at` (topological order kept by the caller's names).
void insert_node(onnx::GraphProto* g, int at, const onnx::NodeProto& n) {
  onnx::GraphProto reordered = *g;
  reordered.clear_node();
  for (int i = 0; i < g->node_size(); ++i) {
    if (i == at) *reordered.add_node() = n;
    *reordered.add_node() = g->node(i);
  }
  if (at >= g->node_size()) *reordered.add_node() = n;
  *g = reordered;
}

onnx::NodeProto qonnx_node(onnx::ModelProto& m, const std::string& name, const std::string& op,
                           std::vector<std::string> inputs, const std::string& out) {
  auto* d = m.add_opset_import();
  d->set_domain("qonnx.custom_op.general");
  d->set_version(1);
  onnx::NodeProto q;
  q.set_name(name);
  q.set_op_type(op);
  q.set_domain("qonnx.custom_op.general");
  for (const auto& i : inputs) q.add_input(i);
  q.add_output(out);
  return q;
}

// Per-channel power-of-two scales on fc1's weights [3, 4] (one per output row: 2^-2, 2^-4,
// 2^-3), 4 bits signed: each row is quantized with its own scale, QONNX's
// clamp(round_half_even(w / s), -8, 7) x s, worked by hand below from W[k] = 0.125 (k % 5); the
// stored format is the one that holds all three rows exactly: 2 integer bits (row 0's range) and
// 4 fraction bits (row 1's LSB), fixed<6,2>.
TEST_F(OnnxReader, PerChannelPowerOfTwoScalesOnWeightsAreExact) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  add_initializer(g, "scales", {3, 1}, {0.25f, 0.0625f, 0.125f});
  add_initializer(g, "zero", {}, {0.0f});
  add_initializer(g, "bits", {}, {4.0f});
  insert_node(g, 0, qonnx_node(m, "qw1", "Quant", {"W", "scales", "zero", "bits"}, "Wq"));
  g->mutable_node(1)->set_input(1, "Wq");
  const OnnxNetwork n = read_onnx_network(write(m));
  const FloatMacLayer& fc1 = n.network.dense.at(0);
  ASSERT_TRUE(fc1.weight_format);
  EXPECT_EQ(fc1.weight_format->str(), "fixed<6,2,RND_CONV,SAT,0>");
  // row 0 (0, .125, .25, .375) / .25 = 0, .5, 1, 1.5 -> 0, 0, 1, 2;
  // row 1 (.5, 0, .125, .25) / .0625 = 8, 0, 2, 4 -> 7 (clamped), 0, 2, 4;
  // row 2 (.375, .5, 0, .125) / .125 = 3, 4, 0, 1.
  EXPECT_EQ(fc1.weight, (std::vector<float>{0.0f, 0.0f, 0.25f, 0.5f, 0.4375f, 0.0f, 0.125f, 0.25f,
                                            0.375f, 0.5f, 0.0f, 0.125f}));
  ASSERT_EQ(n.notes.size(), 1u);
  EXPECT_EQ(n.notes[0],
            "Quant 'qw1': 3 per-channel scales 2^-2 .. 2^-4 -> one 6-bit format holding every "
            "channel's values");
}

// BipolarQuant on weights: sign(w) x scale (w >= 0 gives +scale), the values +-2^-3 raws +-1 of
// a 2-bit signed format with 3 fraction bits; on an activation it is refused (issue 20).
TEST_F(OnnxReader, BipolarQuantOnWeightsIsTwoBitsAndOnActivationsIsRefused) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  add_initializer(g, "WS", {3, 4},
                  {-1.0f, 0.5f, 0.0f, -0.01f, 2.0f, -3.0f, 0.25f, 0.0f, -0.5f, 1.0f, -2.0f, 0.1f});
  add_initializer(g, "s", {}, {0.125f});
  insert_node(g, 0, qonnx_node(m, "bq", "BipolarQuant", {"WS", "s"}, "Wq"));
  g->mutable_node(1)->set_input(1, "Wq");
  onnx::ModelProto on_weights = m;
  const OnnxNetwork n = read_onnx_network(write(on_weights));
  const FloatMacLayer& fc1 = n.network.dense.at(0);
  ASSERT_TRUE(fc1.weight_format);
  EXPECT_EQ(fc1.weight_format->str(), "fixed<2,-1,RND_CONV,SAT,0>");
  const float p = 0.125f, q = -0.125f;
  EXPECT_EQ(fc1.weight, (std::vector<float>{q, p, p, q, p, q, p, p, q, p, q, p}));
  // The same quantizer on fc1's ReLU output.
  g->mutable_node(1)->set_input(1, "W");
  g->mutable_node(0)->set_input(0, "r");
  g->mutable_node(0)->set_output(0, "rb");
  onnx::NodeProto bq = g->node(0);
  onnx::GraphProto chain = *g;
  chain.clear_node();
  for (int i = 1; i < g->node_size(); ++i) {
    *chain.add_node() = g->node(i);
    if (g->node(i).name() == "act1") *chain.add_node() = bq;
  }
  chain.mutable_node(3)->set_input(0, "rb");  // fc2 reads the binarized activation
  *g = chain;
  EXPECT_EQ(error_of(m),
            "FILE: node 'bq' (BipolarQuant, opset 13): a BipolarQuant on an activation (binary "
            "activations): expected it on weights only; binary activations need a thresholding "
            "unit instead of bn_act (issue 20)");
}

// fc1 -> Relu -> BatchNormalization -> fc2: the batch norm sits after the activation, so fc2's
// weights and bias absorb it. gamma (2, 1, .5), beta (.25, 0, -1), mean (0, 1, 0), var
// (1, 4, .25), epsilon 0: s = (2, .5, 1), t = beta - s mean = (.25, -.5, -1). W2 rows
// (0, .125, .25) and (.375, .5, 0) become (0, .0625, .25) and (.75, .25, 0); the bias
// sum_i W2[o][i] t[i] is -.3125 and -.15625.
TEST_F(OnnxReader, ABatchNormAfterTheActivationIsFoldedIntoTheNextLayer) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  add_initializer(g, "gamma", {3}, {2.0f, 1.0f, 0.5f});
  add_initializer(g, "beta", {3}, {0.25f, 0.0f, -1.0f});
  add_initializer(g, "mean", {3}, {0.0f, 1.0f, 0.0f});
  add_initializer(g, "var", {3}, {1.0f, 4.0f, 0.25f});
  onnx::NodeProto bn;
  bn.set_name("bn_after");
  bn.set_op_type("BatchNormalization");
  for (const char* i : {"r", "gamma", "beta", "mean", "var"}) bn.add_input(i);
  bn.add_output("rn");
  auto* eps = bn.add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(0.0f);
  insert_node(g, 2, bn);
  g->mutable_node(3)->set_input(0, "rn");
  const OnnxNetwork n = read_onnx_network(write(m));
  ASSERT_EQ(n.network.dense.size(), 2u);
  EXPECT_FALSE(n.network.dense[0].bn);
  EXPECT_EQ(n.network.dense[0].act, units::Activation::RELU);
  const FloatMacLayer& fc2 = n.network.dense[1];
  EXPECT_FALSE(fc2.bn);
  EXPECT_EQ(fc2.weight, (std::vector<float>{0.0f, 0.0625f, 0.25f, 0.75f, 0.25f, 0.0f}));
  EXPECT_EQ(fc2.bias, (std::vector<float>{-0.3125f, -0.15625f}));
  EXPECT_EQ(n.notes.back(), "BatchNormalization 'bn_after': folded into 'fc2''s weights and bias");
  // Channel 1 with a variance of 1e-12 < 1e-3 x epsilon (1e-5): constant on the training data
  // (a dead ReLU), it outputs its beta, 0.5: fc2's column 1 becomes 0 and W2[o][1] x 0.5 joins
  // the bias; channels 0 and 2 keep s = gamma / sqrt(var + eps).
  for (auto& t : *g->mutable_initializer()) {
    if (t.name() == "var") t.set_float_data(1, 1e-12f);
    if (t.name() == "beta") t.set_float_data(1, 0.5f);
  }
  g->mutable_node(2)->mutable_attribute(0)->set_f(1e-5f);
  const OnnxNetwork dead = read_onnx_network(write(m));
  const FloatMacLayer& d2 = dead.network.dense[1];
  const double s0 = 2.0 / std::sqrt(1.0 + 1e-5), s2 = 0.5 / std::sqrt(0.25 + 1e-5);
  const std::vector<double> want{0.0, 0.0, 0.25 * s2, 0.375 * s0, 0.0, 0.0};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(d2.weight[i], want[i], 1e-6) << "W2'[" << i << "]";
  // bias: sum_i W2[o][i] t[i], t = (.25, the beta .5, -1).
  EXPECT_NEAR(d2.bias[0], 0.0 * 0.25 + 0.125 * 0.5 + 0.25 * -1.0, 1e-6);
  EXPECT_NEAR(d2.bias[1], 0.375 * 0.25 + 0.5 * 0.5 + 0.0 * -1.0, 1e-6);
  EXPECT_NE(std::find(dead.notes.begin(), dead.notes.end(),
                      "BatchNormalization 'bn_after': 1 of 3 channels had a variance below 0.001 "
                      "x epsilon (constant on the training data, e.g. dead ReLUs): they output "
                      "their beta"),
            dead.notes.end());
  // A batch norm at the end of the graph, after fc2 and a ReLU: no layer absorbs it.
  m = mlp();
  g = m.mutable_graph();
  for (const char* p : {"gamma", "beta", "mean", "var"}) add_initializer(g, p, {2}, {1.0f, 1.0f});
  g->mutable_node(2)->set_output(0, "o");
  onnx::NodeProto relu2 = g->node(1);
  relu2.set_name("act2");
  relu2.set_input(0, "o");
  relu2.set_output(0, "o2");
  *g->add_node() = relu2;
  bn.set_input(0, "o2");
  bn.set_output(0, "logits");
  *g->add_node() = bn;
  EXPECT_EQ(error_of(m),
            "FILE: the batch norm 'bn_after' ends the graph after an activation; expected a "
            "layer after it (a batch norm right after a layer goes into its bn_act)");
}

TEST_F(OnnxReader, ADynamicDimensionIsRefused) {
  onnx::ModelProto m = mlp();
  auto* dim = m.mutable_graph()
                  ->mutable_input(0)
                  ->mutable_type()
                  ->mutable_tensor_type()
                  ->mutable_shape()
                  ->mutable_dim(1);
  dim->set_dim_param("features");
  EXPECT_EQ(error_of(m),
            "FILE: input 'images': dimension 1 is dynamic ('features'); expected "
            "fixed sizes (only the batch dimension may be dynamic)");
}

TEST_F(OnnxReader, AThreeDimensionalInputIsRefused) {
  onnx::ModelProto m = mlp();
  m.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->add_dim()
      ->set_dim_value(2);
  EXPECT_EQ(error_of(m), "FILE: input 'images' has 3 dimensions; expected N x C x H x W or N x F");
}

TEST_F(OnnxReader, ABranchIsRefusedAsUnsupportedByTheEngine) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  // logits = fc2(r) + r2 where r2 = Relu(h) too: h is read twice.
  auto* extra = g->add_node();
  extra->set_name("act2");
  extra->set_op_type("Relu");
  extra->add_input("h");
  extra->add_output("r2");
  EXPECT_EQ(error_of(m),
            "FILE: node 'act1' (Relu, opset 13): 'h' is read by 2 nodes: the graph branches, "
            "and fxsim imports chains only (residual adds are not supported by the "
            "network engine yet)");
}

TEST_F(OnnxReader, AFileThatIsNotOnnxIsRefused) {
  path_ = (std::filesystem::temp_directory_path() /
           ("fxsim_onnx_text_" + std::to_string(::getpid()) + ".onnx"))
              .string();
  std::ofstream(path_) << "this is not a protobuf\n";
  try {
    read_onnx_network(path_);
    ADD_FAILURE() << "a text file was read";
  } catch (const OnnxImportError& e) {
    EXPECT_EQ(std::string(e.what()),
              path_ + ": not an ONNX model (the file does not parse as an ONNX ModelProto)");
  }
}

TEST_F(OnnxReader, AnOpsetOutsideElevenToSeventeenIsRefused) {
  EXPECT_EQ(error_of(mlp(9)),
            "FILE: opset 9; expected 11 to 17 (torch.onnx.export's opset_version)");
}

TEST_F(OnnxReader, AClipThatIsNeitherReluSixNorHardtanhIsRefused) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto* g = m.mutable_graph();
  for (const auto& [name, v] : {std::pair<const char*, float>{"lo", -2.0f}, {"hi", 2.0f}}) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(v);
  }
  onnx::NodeProto* act = g->mutable_node(1);
  act->set_op_type("Clip");
  act->add_input("lo");
  act->add_input("hi");
  EXPECT_EQ(error_of(m),
            "FILE: node 'act1' (Clip, opset 13): clips to [-2, 2]; expected "
            "[0, c] (a ReLU with a clip, e.g. ReLU6) or [-1, 1] (hardtanh)");
}

}  // namespace
}  // namespace fxsim::golden
