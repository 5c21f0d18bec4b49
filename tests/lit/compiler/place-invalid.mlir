// RUN: dlc-opt %s --split-input-file --dlc-place="devices=cpu,tpu:0" --verify-diagnostics
// RUN: not dlc-opt %s --dlc-place="devices=cpu place=nosuchnode=cpu" 2>&1 | FileCheck %s --check-prefix=UNKNOWN-NODE
// RUN: not dlc-opt %s --dlc-place="devices=cpu place=relu0=cuda:0" 2>&1 | FileCheck %s --check-prefix=NOT-LISTED
// RUN: not dlc-opt %s --dlc-place="devices=cpu place=relu0" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not dlc-opt %s --dlc-place="devices=cpu,cpu" 2>&1 | FileCheck %s --check-prefix=TWICE

// expected-error @below {{--devices: unknown device 'tpu:0' (expected cpu or cuda:N)}}
module {
  func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> attributes {dlc.graph} {
    %0 = dlc.relu %x : (tensor<4xf32>) -> tensor<4xf32> loc("relu0")
    return %0 : tensor<4xf32>
  }
}

// UNKNOWN-NODE: error: --place: no ONNX node named 'nosuchnode' in the graph (after simplification)
// NOT-LISTED: error: --place relu0=cuda:0: device 'cuda:0' is not in --devices
// MALFORMED: error: --place expects NODE=DEVICE, got 'relu0'
// TWICE: error: --devices: device 'cpu' is listed twice
