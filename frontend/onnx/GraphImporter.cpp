//===- GraphImporter.cpp - node context, inputs, attributes ---------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/TensorConversion.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace dlc::onnx_import {

GraphImporter::GraphImporter(MLIRContext &ctx, const Model &model, ErrorReporter &errors)
    : ctx(ctx), builder(&ctx), model(model), errors(errors), opset(model.opset),
      loc(UnknownLoc::get(&ctx)) {}

Location GraphImporter::locFor(StringRef name) {
  return NameLoc::get(StringAttr::get(&ctx, name),
                      FileLineColLoc::get(&ctx, errors.filePath(), 0, 0));
}

void GraphImporter::beginNode(const Node &n) {
  node = &n;
  loc = locFor(n.name);
}

LogicalResult GraphImporter::fail(const Twine &message) {
  if (node)
    errors.nodeError(node->name, node->opType, message);
  else
    errors.modelError(message);
  return failure();
}

//===----------------------------------------------------------------------===//
// values
//===----------------------------------------------------------------------===//

FailureOr<Value> GraphImporter::materialize(StringRef name, ValueEntry &entry) {
  if (entry.value)
    return entry.value;
  DenseElementsAttr attr;
  if (entry.data) {
    if (!entry.data->error.empty())
      return fail("tensor '" + name + "' " + entry.data->error);
    attr = tensorToAttr(ctx, *entry.data);
  } else if (entry.host) {
    attr = hostToAttr(ctx, *entry.host);
  } else {
    return fail("value '" + name + "' is not available");
  }
  auto constant = dlc::ConstantOp::create(builder, entry.loc.value_or(loc), attr);
  // Float initializers are the weights `dlc --train` may update (Constant
  // nodes and integer initializers are not).
  const std::vector<TensorData> &inits = model.initializers;
  if (entry.data && !inits.empty() && entry.data >= &inits.front() &&
      entry.data <= &inits.back() && isa<FloatType>(attr.getElementType()))
    constant->setAttr("dlc.initializer", builder.getStringAttr(name));
  entry.value = constant;
  return entry.value;
}

FailureOr<const HostTensor *> GraphImporter::hostValue(StringRef name, ValueEntry &entry) {
  if (entry.host)
    return entry.host.get();
  if (!entry.data)
    return (const HostTensor *)nullptr;
  if (!entry.data->error.empty())
    return fail("tensor '" + name + "' " + entry.data->error);
  entry.host = std::make_shared<HostTensor>(tensorToHost(*entry.data));
  return entry.host.get();
}

ValueEntry *GraphImporter::entryOf(size_t i) {
  if (!hasInput(i))
    return nullptr;
  auto it = values.find(node->inputs[i]);
  return it == values.end() ? nullptr : &it->second;
}

FailureOr<Value> GraphImporter::input(size_t i) {
  ValueEntry *entry = entryOf(i);
  if (!entry)
    return fail("missing input " + Twine(i) + " (the node has " + Twine(numInputs()) +
                " inputs)");
  return materialize(node->inputs[i], *entry);
}

FailureOr<Value> GraphImporter::optionalInput(size_t i) {
  if (!hasInput(i))
    return Value();
  return input(i);
}

FailureOr<const HostTensor *> GraphImporter::hostInput(size_t i) {
  ValueEntry *entry = entryOf(i);
  if (!entry)
    return (const HostTensor *)nullptr;
  return hostValue(node->inputs[i], *entry);
}

FailureOr<const HostTensor *> GraphImporter::constantInput(size_t i, StringRef what) {
  if (!hasInput(i))
    return fail("missing input " + Twine(i) + " ('" + what + "')");
  FailureOr<const HostTensor *> host = hostInput(i);
  if (failed(host))
    return failure();
  if (!*host)
    return fail("input " + Twine(i) + " ('" + what + "', value '" + node->inputs[i] +
                "') must be a compile-time constant (an initializer, a Constant node or "
                "computable from them and static shapes)");
  return *host;
}

FailureOr<std::vector<int64_t>> GraphImporter::constantInts(size_t i, StringRef what) {
  FailureOr<const HostTensor *> host = constantInput(i, what);
  if (failed(host))
    return failure();
  if ((*host)->isFloat())
    return fail("input " + Twine(i) + " ('" + what + "') must be an integer tensor, got " +
                dtypeName((*host)->dtype));
  if ((*host)->dims.size() > 1)
    return fail("input " + Twine(i) + " ('" + what + "') must be 1-D, got rank " +
                Twine((*host)->dims.size()));
  return (*host)->ints;
}

std::optional<std::vector<int64_t>> GraphImporter::inputShape(size_t i) {
  ValueEntry *entry = entryOf(i);
  if (!entry)
    return std::nullopt;
  if (entry->value)
    return std::vector<int64_t>(typeOf(entry->value).getShape());
  if (entry->host)
    return entry->host->dims;
  if (entry->data)
    return entry->data->dims;
  return std::nullopt;
}

int GraphImporter::inputDType(size_t i) {
  ValueEntry *entry = entryOf(i);
  if (!entry)
    return kUndefined;
  if (entry->value)
    return dtypeFor(typeOf(entry->value).getElementType());
  if (entry->host)
    return entry->host->dtype;
  if (entry->data)
    return entry->data->dtype;
  return kUndefined;
}

//===----------------------------------------------------------------------===//
// outputs
//===----------------------------------------------------------------------===//

bool GraphImporter::outputUsed(size_t i) const {
  return i < node->outputs.size() && !node->outputs[i].empty() &&
         usedNames.contains(node->outputs[i]);
}

LogicalResult GraphImporter::requireUnusedOutputs(size_t first, StringRef why) {
  for (size_t i = first; i < node->outputs.size(); ++i)
    if (outputUsed(i))
      return fail("output " + Twine(i) + " ('" + node->outputs[i] +
                  "') is used, but only output 0 is supported: " + why);
  return success();
}

void GraphImporter::setOutput(size_t i, Value value) {
  if (i < node->outputs.size() && !node->outputs[i].empty()) {
    ValueEntry entry;
    entry.value = value;
    values[node->outputs[i]] = std::move(entry);
  }
}

void GraphImporter::setHostOutput(size_t i, HostTensor value) {
  if (i < node->outputs.size() && !node->outputs[i].empty()) {
    ValueEntry entry;
    entry.host = std::make_shared<HostTensor>(std::move(value));
    entry.loc = loc;
    values[node->outputs[i]] = std::move(entry);
  }
}

void GraphImporter::setDataOutput(size_t i, const TensorData *data) {
  if (i < node->outputs.size() && !node->outputs[i].empty()) {
    ValueEntry entry;
    entry.data = data;
    entry.loc = loc;
    values[node->outputs[i]] = std::move(entry);
  }
}

//===----------------------------------------------------------------------===//
// attributes
//===----------------------------------------------------------------------===//

template <typename T>
static FailureOr<T> getAttr(GraphImporter &imp, StringRef name, const std::optional<T> &def,
                            std::initializer_list<Attribute::Kind> kinds, const char *expected,
                            T (*extract)(const Attribute &)) {
  const Attribute *attr = imp.node->attribute(name.str());
  if (!attr) {
    if (def)
      return *def;
    return imp.fail("missing required attribute '" + name + "'");
  }
  for (Attribute::Kind kind : kinds)
    if (attr->kind == kind)
      return extract(*attr);
  return imp.fail("attribute '" + name + "' must be " + expected + ", got " +
                  attributeKindName(attr->kind));
}

FailureOr<int64_t> GraphImporter::attrInt(StringRef name, std::optional<int64_t> def) {
  return getAttr<int64_t>(*this, name, def, {Attribute::Int}, "an int",
                          [](const Attribute &a) { return a.i; });
}

FailureOr<float> GraphImporter::attrFloat(StringRef name, std::optional<float> def) {
  // Some exporters write integral floats as ints; the value is the same.
  return getAttr<float>(*this, name, def, {Attribute::Float, Attribute::Int}, "a float",
                        [](const Attribute &a) {
                          return a.kind == Attribute::Int ? (float)a.i : a.f;
                        });
}

FailureOr<std::string> GraphImporter::attrString(StringRef name, std::optional<std::string> def) {
  return getAttr<std::string>(*this, name, def, {Attribute::String}, "a string",
                              [](const Attribute &a) { return a.s; });
}

FailureOr<std::vector<int64_t>> GraphImporter::attrInts(StringRef name,
                                                        std::optional<std::vector<int64_t>> def) {
  // An empty list may come without a type in old models (Undefined).
  return getAttr<std::vector<int64_t>>(*this, name, def, {Attribute::Ints, Attribute::Undefined},
                                       "a list of ints",
                                       [](const Attribute &a) { return a.ints; });
}

FailureOr<std::vector<float>> GraphImporter::attrFloats(StringRef name,
                                                        std::optional<std::vector<float>> def) {
  return getAttr<std::vector<float>>(*this, name, def, {Attribute::Floats, Attribute::Undefined},
                                     "a list of floats",
                                     [](const Attribute &a) { return a.floats; });
}

FailureOr<std::vector<std::string>>
GraphImporter::attrStrings(StringRef name, std::optional<std::vector<std::string>> def) {
  return getAttr<std::vector<std::string>>(*this, name, def,
                                           {Attribute::Strings, Attribute::Undefined},
                                           "a list of strings",
                                           [](const Attribute &a) { return a.strings; });
}

//===----------------------------------------------------------------------===//
// helpers
//===----------------------------------------------------------------------===//

FailureOr<int64_t> GraphImporter::normalizeAxis(int64_t axis, int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank)
    return fail(what + " " + Twine(axis) + " is out of range for rank " + Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>> GraphImporter::normalizeAxes(ArrayRef<int64_t> axes, int64_t rank,
                                                             StringRef what) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> a = normalizeAxis(axis, rank, what);
    if (failed(a))
      return failure();
    if (llvm::is_contained(result, *a))
      return fail(what + " contain dim " + Twine(*a) + " twice");
    result.push_back(*a);
  }
  llvm::sort(result);
  return result;
}

static std::string describeType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

LogicalResult GraphImporter::requireFloat(Value v, StringRef what) {
  if (!llvm::isa<FloatType>(typeOf(v).getElementType()))
    return fail(what + " must be a floating-point tensor, got " + describeType(v.getType()));
  return success();
}

LogicalResult GraphImporter::requireSameElementType(Value a, Value b, StringRef aName,
                                                    StringRef bName) {
  Type ta = typeOf(a).getElementType(), tb = typeOf(b).getElementType();
  if (ta != tb)
    return fail("operand element types differ: " + aName + " is " +
                dtypeName(dtypeFor(ta)) + ", " + bName + " is " + dtypeName(dtypeFor(tb)));
  return success();
}

Value GraphImporter::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = typeOf(v);
  if (type.getShape() == shape)
    return v;
  return dlc::ReshapeOp::create(builder, loc, type.clone(shape), v);
}

} // namespace dlc::onnx_import
