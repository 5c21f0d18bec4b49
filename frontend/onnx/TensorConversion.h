//===- TensorConversion.h - ONNX dtypes and tensors -> MLIR ----*- C++ -*-===//
#ifndef DLC_FRONTEND_ONNX_TENSORCONVERSION_H
#define DLC_FRONTEND_ONNX_TENSORCONVERSION_H

#include "frontend/onnx/HostTensor.h"
#include "frontend/onnx/OnnxModel.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dlc::onnx_import {

/// The MLIR element type of an ONNX dtype (bool -> i1, signless integers);
/// null for dtypes dlc does not support.
mlir::Type elementTypeFor(mlir::MLIRContext &ctx, int dtype);
/// The ONNX dtype of an MLIR element type (kUndefined if none).
int dtypeFor(mlir::Type elementType);

/// The tensor as an attribute; `tensor` must be decoded with a supported
/// dtype (TensorData::error empty).
mlir::DenseElementsAttr tensorToAttr(mlir::MLIRContext &ctx, const TensorData &tensor);
/// The tensor's values on the host (same preconditions).
HostTensor tensorToHost(const TensorData &tensor);
/// A host value as an attribute of its dtype (floats rounded to nearest).
mlir::DenseElementsAttr hostToAttr(mlir::MLIRContext &ctx, const HostTensor &tensor);
/// Converts element values to `dtype` like ONNX Cast: integers wrap,
/// floats truncate toward zero (saturating), anything -> bool is `!= 0`.
HostTensor castHost(const HostTensor &tensor, int dtype);

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_TENSORCONVERSION_H
