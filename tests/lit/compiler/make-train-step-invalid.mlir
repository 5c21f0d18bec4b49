// RUN: dlc-opt %s --dlc-make-train-step="optimizer=rmsprop" --verify-diagnostics

// expected-error @+1 {{unknown optimizer 'rmsprop' (sgd, momentum, adam)}}
module {
  func.func @step(%x: tensor<2xf32>) -> tensor<2xf32> attributes {dlc.graph} {
    return %x : tensor<2xf32>
  }
}
