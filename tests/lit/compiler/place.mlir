// RUN: dlc-opt %s --split-input-file --dlc-place="devices=cpu,cuda:0" | FileCheck %s
// The names of --place must exist somewhere in the module: no split here.
// RUN: dlc-opt %s --dlc-place="devices=cpu,cuda:0 place=relu1=cpu,mm2=cpu" | FileCheck %s --check-prefix=OVERRIDE
// RUN: dlc-opt %s --split-input-file --dlc-place="devices=cpu" | FileCheck %s --check-prefix=CPU
// RUN: dlc-opt %s --split-input-file --dlc-place="devices=cuda:0" | FileCheck %s --check-prefix=GPU
// RUN: dlc-opt %s --split-input-file --dlc-place="devices=cpu,cuda:0 pipeline=true" | FileCheck %s --check-prefix=PIPE

// A matmul with 64*64*64 multiply-adds (>= min-gpu-work) goes to cuda:0, the
// relu after it follows its operand; each graph input is copied to the
// device once (x serves both matmuls) and the result back to the host.
// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.*]]: tensor<64x64xf32>, %[[W:.*]]: tensor<64x64xf32>)
// CHECK: %[[XD:.*]] = dlc.copy %[[X]] {device = "cuda:0"}
// CHECK: %[[WD:.*]] = dlc.copy %[[W]] {device = "cuda:0"}
// CHECK: %[[M:.*]] = dlc.matmul %[[XD]], %[[WD]] {dlc.device = "cuda:0"}
// CHECK: %[[R:.*]] = dlc.relu %[[M]] {dlc.device = "cuda:0"}
// CHECK: %[[M2:.*]] = dlc.matmul %[[R]], %[[XD]] {dlc.device = "cuda:0"}
// CHECK: %[[H:.*]] = dlc.copy %[[M2]] {device = "cpu"}
// CHECK: return %[[H]]
// OVERRIDE-LABEL: func.func @split
// OVERRIDE-SAME: (%[[X:.*]]: tensor<64x64xf32>, %[[W:.*]]: tensor<64x64xf32>)
// OVERRIDE: %[[XD:.*]] = dlc.copy %[[X]] {device = "cuda:0"}
// OVERRIDE: %[[WD:.*]] = dlc.copy %[[W]] {device = "cuda:0"}
// OVERRIDE: %[[M:.*]] = dlc.matmul %[[XD]], %[[WD]] {dlc.device = "cuda:0"}
// OVERRIDE: %[[MH:.*]] = dlc.copy %[[M]] {device = "cpu"}
// OVERRIDE: %[[R:.*]] = dlc.relu %[[MH]] {dlc.device = "cpu"}
// OVERRIDE: %[[M2:.*]] = dlc.matmul %[[R]], %[[X]] {dlc.device = "cpu"}
// OVERRIDE-NOT: dlc.copy
// OVERRIDE: return %[[M2]]
// CPU-LABEL: func.func @split
// CPU-NOT: dlc.copy
// CPU: dlc.matmul {{.*}}{dlc.device = "cpu"}
// CPU: dlc.relu {{.*}}{dlc.device = "cpu"}
// CPU-NOT: dlc.copy
// CPU: return
// Without cpu in --devices, small ops go to the GPU too; inputs and outputs
// still cross the host boundary.
// GPU-LABEL: func.func @split
// GPU-COUNT-2: dlc.copy {{.*}} {device = "cuda:0"}
// GPU: dlc.relu {{.*}}{dlc.device = "cuda:0"}
// GPU: dlc.copy {{.*}} {device = "cpu"}
func.func @split(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> attributes {dlc.graph} {
  %0 = dlc.matmul %x, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("mm1")
  %1 = dlc.relu %0 : (tensor<64x64xf32>) -> tensor<64x64xf32> loc("relu1")
  %2 = dlc.matmul %1, %x : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("mm2")
  return %2 : tensor<64x64xf32>
}

// -----

// Small work stays on the host: no copies at all. Constants get no device.
// CHECK-LABEL: func.func @small
// CHECK-NOT: dlc.copy
// CHECK: %[[C:.*]] = dlc.constant
// CHECK-NOT: dlc.device
// CHECK: %[[A:.*]] = dlc.add %{{.*}}, %[[C]] {dlc.device = "cpu"}
// CHECK: %[[T:.*]] = dlc.tanh %[[A]] {dlc.device = "cpu"}
// CHECK-NOT: dlc.copy
// CHECK: return %[[T]]
// GPU-LABEL: func.func @small
// GPU: %[[XD:.*]] = dlc.copy %{{.*}} {device = "cuda:0"}
// GPU: dlc.add %[[XD]], %{{.*}} {dlc.device = "cuda:0"}
// GPU: dlc.tanh {{.*}}{dlc.device = "cuda:0"}
// GPU: dlc.copy {{.*}} {device = "cpu"}
func.func @small(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {dlc.graph} {
  %c = dlc.constant dense<1.0> : tensor<8xf32>
  %0 = dlc.add %x, %c : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("add0")
  %1 = dlc.tanh %0 : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("tanh0")
  return %1 : tensor<4x8xf32>
}

// -----

// Pipeline split: four equal matmuls and a cheap relu cut into two stages
// of equal work, the first on the CPU, the second on cuda:0, with one copy
// of each value crossing the cut and one back to the host.
// PIPE-LABEL: func.func @stages
// PIPE: %[[A:.*]] = dlc.matmul {{.*}} {dlc.device = "cpu"}
// PIPE: %[[B:.*]] = dlc.matmul %[[A]], {{.*}} {dlc.device = "cpu"}
// PIPE: %[[BD:.*]] = dlc.copy %[[B]] {device = "cuda:0"}
// PIPE: %[[WD:.*]] = dlc.copy %{{.*}} {device = "cuda:0"}
// PIPE: %[[C:.*]] = dlc.matmul %[[BD]], %[[WD]] {dlc.device = "cuda:0"}
// PIPE: %[[R:.*]] = dlc.relu %[[C]] {dlc.device = "cuda:0"}
// PIPE: %[[D:.*]] = dlc.matmul %[[R]], %[[WD]] {dlc.device = "cuda:0"}
// PIPE: %[[H:.*]] = dlc.copy %[[D]] {device = "cpu"}
// PIPE: return %[[H]]
func.func @stages(%x: tensor<32x32xf32>, %w: tensor<32x32xf32>) -> tensor<32x32xf32> attributes {dlc.graph} {
  %0 = dlc.matmul %x, %w : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %1 = dlc.matmul %0, %w : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %2 = dlc.matmul %1, %w : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %3 = dlc.relu %2 : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %4 = dlc.matmul %3, %w : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  return %4 : tensor<32x32xf32>
}
