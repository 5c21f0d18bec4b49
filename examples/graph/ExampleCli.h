//===- ExampleCli.h - the command line shared by the graph examples ------===//
//
//   example_X OUT.onnx [--batch N] [--seed S] [--text OUT.textproto]
//
// Builds the model, writes the binary ONNX model to OUT.onnx (and the text
// format with --text). Exit codes follow DESIGN.md: 1 error, 2 usage.
#pragma once

#include "frontend/graph/GraphApi.h"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>

namespace dlc::graph::examples {

struct ExampleOptions {
  int64_t batch = 1;
  uint64_t seed = 42;
};

inline int runExample(int argc, char **argv,
                      const std::function<Graph(const ExampleOptions &)> &build) {
  ExampleOptions options;
  std::string output, textOutput;
  bool usageError = false;
  for (int i = 1; i < argc && !usageError; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg == "--batch" && hasValue)
      options.batch = std::atoll(argv[++i]);
    else if (arg == "--seed" && hasValue)
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--text" && hasValue)
      textOutput = argv[++i];
    else if (output.empty() && !arg.empty() && arg[0] != '-')
      output = arg;
    else
      usageError = true;
  }
  if (usageError || output.empty() || options.batch < 1) {
    std::cerr << "usage: " << argv[0]
              << " OUT.onnx [--batch N] [--seed S] [--text OUT.textproto]\n";
    return 2;
  }
  try {
    Graph graph = build(options);
    graph.save(output);
    if (!textOutput.empty())
      graph.saveText(textOutput);
    std::cout << "wrote " << output << " (" << graph.nodes().size()
              << " nodes)\n";
    return 0;
  } catch (const Error &error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
}

} // namespace dlc::graph::examples
