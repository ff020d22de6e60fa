// An ONNX file as a float network (docs/import.md, "What is supported"): the graph read with the
// ONNX library's own protobuf classes, checked by its checker, its shapes inferred, then walked
// node by node into golden::FloatNetwork. Supported: the operators a float MLP or CNN exported by
// torch.onnx.export (opsets 11 to 17) uses - Conv, Gemm, MatMul + Add, BatchNormalization, Relu,
// Clip (ReLU6-like clip or hardtanh), MaxPool, Flatten / Reshape, Identity, Dropout, and a final
// Softmax / LogSoftmax (dropped: the argmax is the same) - on one N x C x H x W or N x F input.
// A BatchNormalization right after a layer (and its bias) becomes the layer's bn_act; one after
// an activation, a max-pool or the input is folded into the weights and bias of the next layer.
// QONNX Quant (per tensor, or per channel on weights) and BipolarQuant (on weights) nodes give
// the formats they quantize to.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "golden/float_network.hpp"

namespace fxsim::golden {

// What cannot be imported; what() is "FILE: WHERE: why; expected ...", WHERE a node
// ("node '/0/Conv' (Conv, opset 13)"), the graph input or the file itself.
class OnnxImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The operators read_onnx_network accepts, for messages and docs.
const std::vector<std::string>& supported_onnx_operators();

struct OnnxNetwork {
  FloatNetwork network;
  int opset = 0;                   // of the default domain
  std::string producer;            // producer_name producer_version
  std::vector<std::string> notes;  // what was dropped or folded, one line each
};

// Throws OnnxImportError for a file that is not ONNX or fails the checker, an opset outside 11..17,
// an unsupported operator or attribute, dynamic shapes, an input that is not N x C x H x W or
// N x F, a graph that branches (a tensor read by two nodes, an Add of two computed tensors).
// approximate: a QONNX Quant that has no exact fixed-point format gets the nearest one instead of
// being refused, and a note says what changed: a scale becomes the nearest power of two (in
// log2), per-channel scales on an activation the largest channel's, a non-zero zero point a
// signed format one bit wider that covers the quantizer's range.
OnnxNetwork read_onnx_network(const std::string& path, bool approximate = false);

}  // namespace fxsim::golden
