// The exported model file (docs/golden.md, "Model file"): a JSON header describing the quantized
// network (fx type strings, shapes, bn_act parameters, K-hot encodings, the golden test results)
// followed by little-endian int64 blocks and an FNV-1a 64 checksum. Plain C++: `fxsim verify`
// reads it without torch.
//
//   offset 0   8 bytes   magic "FXSMGOLD"
//          8   u32 LE    format version: 1 (dense layers), 2 (layer kinds: conv, max_pool, dense)
//                        or 3 (an affine integer MLP: affine_dense layers)
//         12   u32 LE    header length H in bytes (the JSON text, without the padding)
//         16   H bytes   UTF-8 JSON header, then zero padding to a multiple of 8
//          D   blocks    int64 LE arrays, in header order, contiguous (header "blocks": offsets
//                        in bytes from D)
//        end-8 u64 LE    FNV-1a 64 of every byte before it
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/affine_dense.hpp"
#include "golden/bipolar_network.hpp"
#include "golden/quant_network.hpp"

namespace fxsim::golden {

// The versions this fxsim reads. The writer uses the lowest one that holds the model
// (model_file_version): an MLP stays a version-1 file, byte for byte what earlier fxsim wrote and
// still readable by it; a model with conv / max-pool layers needs version 2, an affine integer
// MLP version 3, a binary / ternary MLP version 4.
inline constexpr std::uint32_t kModelFileMinVersion = 1;
inline constexpr std::uint32_t kModelFileVersion = 4;
inline constexpr std::uint32_t kAffineModelFileVersion = 3;
inline constexpr std::uint32_t kBipolarModelFileVersion = 4;
std::uint32_t model_file_version(const QuantNetwork& model);

// A model file that cannot be read or is inconsistent; what() starts with the path.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Golden results on the test set: the quantized logits of the integer inference.
struct GoldenResults {
  std::string images;  // the IDX file the inputs come from (raw of input_type = pixel byte)
  int count = 0;       // the first `count` images
  std::vector<std::int64_t> logits;  // count x classes raws of the last layer's output type
  std::vector<std::int64_t> labels;  // count
  double accuracy = 0;  // argmax(logits) == label (first maximum wins), over count: checked
                        // against the logits and labels (within 0.5 / count) on write and read
};

struct ModelFile {
  // The fixed-point / K-hot network (versions 1, 2); empty in an affine file.
  QuantNetwork model;
  // Version 3: an affine integer MLP (docs/golden.md, "Affine variants"), layer i's output type
  // layer i + 1's input type, the first layer's input the pixel byte; `model` is then empty.
  std::vector<AffineDense> affine;
  // Version 4: a binary / ternary MLP (docs/golden.md, "Binary and ternary networks"); `model`
  // and `affine` are then empty.
  BipolarNetwork bipolar;
  std::optional<GoldenResults> golden;
  std::string metadata_json = "{}";  // free-form JSON object: method, bits, seed, accuracies

  bool is_affine() const { return !affine.empty(); }
  bool is_bipolar() const { return !bipolar.layers.empty(); }
  int classes() const;  // outputs of the last layer
};

// Writes atomically (temporary file + rename). Validates the model first, and the golden
// results' labels (classes) and accuracy (what the logits give).
void write_model_file(const std::string& path, const ModelFile& file);

// Reads and checks everything: magic, version, sizes (truncation), checksum, the JSON (every key
// known at every level), block offsets (bytes), type strings, block references, K-hot encodings
// against the scale raws, the golden results (labels, accuracy, an input type holding the pixel
// bytes) and validate(model). A layer's "bias" without BN becomes bias_only_bn
// (docs/golden.md, "Writing a model file by hand").
ModelFile read_model_file(const std::string& path);

// The IDX file golden results name: `g.images` itself when absolute, else data_dir/g.images
// (fxsim train records the bare file name of the Fashion-MNIST test set).
std::string golden_images_path(const GoldenResults& g, const std::string& data_dir);

// The pixel bytes of the first `count` images of an IDX file (count x features, row-major: the
// raws of a model's ufixed<8,0> input). Throws IdxError for a missing or corrupt file, fewer
// than `count` images, or images of another size than `features` pixels.
std::vector<std::uint8_t> read_golden_pixels(const std::string& path, int count, int features);

// The predicted class of each row of count x classes logits: the first maximum.
std::vector<int> argmax_rows(const std::vector<std::int64_t>& logits, int classes);

std::uint64_t fnv1a64(const unsigned char* data, std::size_t n);

// K-hot term code of one term: (negative ? -1 : +1) * (shift + 1); 0 marks an unused slot.
std::int64_t term_code(const fx::Term& t);

}  // namespace fxsim::golden
