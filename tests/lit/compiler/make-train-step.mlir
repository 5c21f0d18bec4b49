// RUN: dlc-opt %s --dlc-make-train-step="optimizer=sgd lr=0.5" | FileCheck %s --check-prefix=SGD
// RUN: dlc-opt %s --dlc-make-train-step="optimizer=momentum lr=0.5 weight-decay=0.1" | FileCheck %s --check-prefix=MOM
// RUN: dlc-opt %s --dlc-make-train-step="optimizer=adam lr=0.5" | FileCheck %s --check-prefix=ADAM

// The weight constant becomes argument "w", its gradient result the update "w:new".
// SGD-LABEL: func.func @step
// SGD-SAME: %[[W:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w"})
// SGD-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<2x3xf32> {dlc.name = "y"}, tensor<3xf32> {dlc.name = "w:new"})
// SGD-NOT: dlc.constant {dlc.initializer
// SGD: %[[G:.*]] = dlc.reduce_sum
// SGD: %[[LR:.*]] = dlc.constant dense<5.000000e-01> : tensor<f32>
// SGD: %[[STEP:.*]] = dlc.mul %[[LR]], %[[G]]
// SGD: %[[NEW:.*]] = dlc.sub %[[W]], %[[STEP]]
// SGD: return %{{.*}}, %{{.*}}, %[[NEW]]

// Momentum (PyTorch): g += wd w; v = mu v + g; w -= lr v. State "w:velocity".
// MOM-LABEL: func.func @step
// MOM-SAME: %[[W:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w"}, %[[V:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w:velocity"})
// MOM-SAME: tensor<3xf32> {dlc.name = "w:new"}, tensor<3xf32> {dlc.name = "w:velocity:new"})
// MOM: %[[G:.*]] = dlc.reduce_sum
// MOM: %[[WD:.*]] = dlc.constant dense<1.000000e-01>
// MOM: %[[DECAY:.*]] = dlc.mul %[[W]], %[[WD]]
// MOM: %[[GD:.*]] = dlc.add %[[G]], %[[DECAY]]
// MOM: %[[MU:.*]] = dlc.constant dense<0.899999976>
// MOM: %[[VM:.*]] = dlc.mul %[[V]], %[[MU]]
// MOM: %[[V1:.*]] = dlc.add %[[VM]], %[[GD]]
// MOM: %[[STEP:.*]] = dlc.mul %{{.*}}, %[[V1]]
// MOM: %[[NEW:.*]] = dlc.sub %[[W]], %[[STEP]]
// MOM: return %{{.*}}, %{{.*}}, %[[NEW]], %[[V1]]

// Adam: moments "w:m", "w:v"; bias corrections 1 - beta^t from "optimizer:step".
// ADAM-LABEL: func.func @step
// ADAM-SAME: %[[W:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w"}, %[[T:[a-z0-9]+]]: tensor<1xf32> {dlc.name = "optimizer:step"}, %[[M:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w:m"}, %[[V:[a-z0-9]+]]: tensor<3xf32> {dlc.name = "w:v"})
// ADAM-SAME: {dlc.name = "w:new"}, tensor<3xf32> {dlc.name = "w:m:new"}, tensor<3xf32> {dlc.name = "w:v:new"})
// ADAM: %[[MB:.*]] = dlc.mul %[[M]], %{{.*}}
// ADAM: %[[M1:.*]] = dlc.add %[[MB]], %{{.*}}
// ADAM: %[[VB:.*]] = dlc.mul %[[V]], %{{.*}}
// ADAM: %[[V1:.*]] = dlc.add %[[VB]], %{{.*}}
// ADAM: %[[B2T:.*]] = dlc.pow %{{.*}}, %[[T]] : (tensor<f32>, tensor<1xf32>) -> tensor<1xf32>
// ADAM: %[[C2:.*]] = dlc.sub %{{.*}}, %[[B2T]]
// ADAM: %[[SC2:.*]] = dlc.sqrt %[[C2]]
// ADAM: %[[SV:.*]] = dlc.sqrt %[[V1]]
// ADAM: %[[VHAT:.*]] = dlc.div %[[SV]], %[[SC2]]
// ADAM: %[[DEN:.*]] = dlc.add %[[VHAT]], %{{.*}}
// ADAM: %[[B1T:.*]] = dlc.pow %{{.*}}, %[[T]]
// ADAM: %[[C1:.*]] = dlc.sub %{{.*}}, %[[B1T]]
// ADAM: %[[LRM:.*]] = dlc.mul %{{.*}}, %[[M1]]
// ADAM: %[[MHAT:.*]] = dlc.div %[[LRM]], %[[C1]]
// ADAM: %[[UPD:.*]] = dlc.div %[[MHAT]], %[[DEN]]
// ADAM: %[[NEW:.*]] = dlc.sub %[[W]], %[[UPD]]
// ADAM: return %{{.*}}, %{{.*}}, %[[NEW]], %[[M1]], %[[V1]]
func.func @step(%x: tensor<2x3xf32> {dlc.name = "x"}, %l: tensor<2x3xf32> {dlc.name = "labels"}) -> (tensor<f32> {dlc.name = "loss"}, tensor<2x3xf32> {dlc.name = "y"}, tensor<3xf32> {dlc.gradient_of = "w", dlc.name = "w:grad"}) attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<3xf32>
  %0 = dlc.add %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.sub %0, %l : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dlc.reduce_mean %1 {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  %3 = dlc.reduce_sum %1 {axes = array<i64: 0>, keepdims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %2, %0, %3 : tensor<f32>, tensor<2x3xf32>, tensor<3xf32>
}
