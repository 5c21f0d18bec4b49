// RUN: dlc-opt %s --dlc-reduce-precision=type=f8 --verify-diagnostics

// expected-error @+1 {{dlc-reduce-precision: type must be f16 or bf16, got 'f8'}}
module {
  func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
    %m = dlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    return %m : tensor<2x4xf32>
  }
}
