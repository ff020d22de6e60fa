// golden::read_onnx_network's refusals, on graphs built here with the ONNX library's own protobuf
// classes (a Relu chain that is valid, then one thing wrong per test): each error names the file,
// the node (name, operator, opset) or the input, and what was expected; a valid chain reads.
#include "golden/onnx/onnx_reader.hpp"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

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
