//===- Dot.cpp - Graphviz view of the dlc graph ---------------------------===//
#include "compiler/driver/Dot.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

static std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

std::string dlc::graphToDot(func::FuncOp graph) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "digraph \"" << escape(graph.getName()) << "\" {\n  rankdir=TB;\n"
     << "  node [shape=box, fontname=\"monospace\"];\n";
  llvm::DenseMap<Value, std::string> source;
  for (BlockArgument arg : graph.getArguments()) {
    auto name = graph.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "dlc.name");
    std::string id = "in" + std::to_string(arg.getArgNumber());
    os << "  " << id << " [shape=ellipse, label=\""
       << escape(name ? name.str() : id) << "\\n" << escape(typeString(arg.getType()))
       << "\"];\n";
    source[arg] = id;
  }
  unsigned counter = 0;
  for (Operation &op : graph.getBody().front()) {
    std::string id = "n" + std::to_string(counter++);
    if (auto ret = llvm::dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        auto name = graph.getResultAttrOfType<StringAttr>(i, "dlc.name");
        std::string out = "out" + std::to_string(i);
        os << "  " << out << " [shape=ellipse, label=\""
           << escape(name ? name.str() : out) << "\"];\n"
           << "  " << source.lookup(v) << " -> " << out << ";\n";
      }
      continue;
    }
    std::string label = escape(op.getName().getStringRef());
    if (auto name = llvm::dyn_cast<NameLoc>(op.getLoc()))
      label = escape(name.getName()) + "\\n" + label;
    if (op.getNumResults() == 1)
      label += "\\n" + escape(typeString(op.getResult(0).getType()));
    os << "  " << id << " [label=\"" << label << "\"];\n";
    for (Value operand : op.getOperands())
      if (source.count(operand))
        os << "  " << source.lookup(operand) << " -> " << id << ";\n";
    for (Value result : op.getResults())
      source[result] = id;
  }
  os << "}\n";
  return text;
}
