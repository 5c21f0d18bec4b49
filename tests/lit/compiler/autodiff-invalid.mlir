// RUN: dlc-opt %s --split-input-file --dlc-autodiff="loss=mse" --verify-diagnostics

// expected-error @+1 {{training needs exactly one graph output (the prediction), the model has 2}}
func.func @two_outputs(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<2xf32>
  %0 = dlc.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %0 : tensor<2xf32>, tensor<2xf32>
}

// -----

// expected-error @+1 {{the graph output depends on no float initializer: nothing to train}}
func.func @no_weights(%x: tensor<2xf32>) -> tensor<2xf32> attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<2xf32>
  %0 = dlc.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{the graph output must be a float tensor to train on, got 'tensor<2xi64>'}}
func.func @integer_output(%x: tensor<2xi64>) -> tensor<2xi64> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<1> : tensor<2xi64>
  %0 = dlc.add %x, %w : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @grouped_conv(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<2x1x3x3xf32>
  // expected-error @+1 {{'dlc.conv' op has no gradient for group = 2 (only group = 1)}}
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

func.func @gather_axis1(%i: tensor<2xi64>) -> tensor<3x2xf32> attributes {dlc.graph} {
  %t = dlc.constant {dlc.initializer = "t"} dense<0.5> : tensor<3x4xf32>
  // expected-error @+1 {{'dlc.gather' op has no gradient for axis 1 (only axis 0)}}
  %0 = dlc.gather %t, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
