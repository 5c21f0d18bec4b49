//===- ElementwiseToLinalg.cpp - broadcasting elementwise ops -> linalg ---===//
//
// Every op with the BroadcastElementwise trait becomes one linalg.generic
// built by buildBroadcastElementwise; only the scalar body differs per op
// (lowerScalar). Integers are signed unless the op's element type is
// unsigned (the scalars are signless either way), i1 is bool. f16/bf16 are
// computed in f32 and rounded back once per op. constant, identity and
// dropout have trivial lowerings.
//
//===----------------------------------------------------------------------===//
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/LoweringPattern.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace dlc;

namespace {

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  return createScalarConstant(b, loc, type, value);
}

/// Integer power base^exp by binary exponentiation over all bits of the
/// exponent (wrapping on overflow, like numpy). A negative (signed) exponent
/// gives the truncated value of 1/base^-exp: 1, -1 (signed base) or 0.
Value integerPow(OpBuilder &b, Location loc, Value base, Value exp, bool baseUnsigned,
                 bool expUnsigned) {
  Type type = base.getType();
  Type expType = exp.getType();
  unsigned bits = expType.getIntOrFloatBitWidth();
  Value one = constant(b, loc, type, 1);
  Value expOne = constant(b, loc, expType, 1);
  Value expZero = constant(b, loc, expType, 0);
  Value result = one, square = base, e = exp;
  for (unsigned i = 0; i < bits; ++i) {
    Value bit = arith::AndIOp::create(b, loc, e, expOne);
    Value set = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, expZero);
    Value product = arith::MulIOp::create(b, loc, result, square);
    result = arith::SelectOp::create(b, loc, set, product, result);
    if (i + 1 < bits) {
      square = arith::MulIOp::create(b, loc, square, square);
      e = arith::ShRUIOp::create(b, loc, e, expOne);
    }
  }
  if (bits == 1 || type.isInteger(1) || expUnsigned)
    return result;
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, exp, expZero);
  Value minusOne = constant(b, loc, type, -1);
  if (baseUnsigned) // all ones is not -1
    minusOne = one;
  Value zero = constant(b, loc, type, 0);
  Value odd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne, arith::AndIOp::create(b, loc, exp, expOne), expZero);
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
  Value minusOnePow = arith::SelectOp::create(b, loc, odd, minusOne, one);
  Value special = arith::SelectOp::create(
      b, loc, isOne, one, arith::SelectOp::create(b, loc, isMinusOne, minusOnePow, zero));
  return arith::SelectOp::create(b, loc, negative, special, result);
}

/// base^exp; `baseElement`/`expElement` are the dlc element types (they may
/// be unsigned; the scalars are signless), the result is in `resultType`.
Value lowerPow(OpBuilder &b, Location loc, Value base, Value exp, Type baseElement,
               Type expElement, Type resultType) {
  Type baseType = base.getType(), expType = exp.getType();
  if (isa<IntegerType>(baseType)) {
    if (isa<IntegerType>(expType))
      return integerPow(b, loc, base, exp, baseElement.isUnsignedInteger(),
                        expElement.isUnsignedInteger());
    // numpy: int ** float is computed in float64, ONNX casts back.
    Type f64 = b.getF64Type();
    Value b64 = convertScalar(b, loc, base, baseElement, f64);
    Value e64 = convertScalar(b, loc, exp, f64);
    Value p = math::PowFOp::create(b, loc, b64, e64);
    return convertScalar(b, loc, p, resultType);
  }
  // Float base: compute in the wider of the two float types.
  Type computeType = baseType;
  if (auto expFloat = dyn_cast<FloatType>(expType))
    if (expFloat.getWidth() > baseType.getIntOrFloatBitWidth())
      computeType = expFloat;
  Value bc = convertScalar(b, loc, base, computeType);
  Value ec = convertScalar(b, loc, exp, expElement, computeType);
  Value p = math::PowFOp::create(b, loc, bc, ec);
  return convertScalar(b, loc, p, baseType);
}

/// `upred` for bools and unsigned integers, `spred` for signed ones.
Value lowerCompare(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned,
                   arith::CmpFPredicate fpred, arith::CmpIPredicate spred,
                   arith::CmpIPredicate upred) {
  if (isa<FloatType>(lhs.getType()))
    return arith::CmpFOp::create(b, loc, fpred, lhs, rhs);
  bool unsignedOrder = isUnsigned || lhs.getType().isInteger(1);
  return arith::CmpIOp::create(b, loc, unsignedOrder ? upred : spred, lhs, rhs);
}

/// The scalar function of one BroadcastElementwise op. `args` are the operand
/// scalars (signless) with f16/bf16 promoted to f32 (except for cast, which
/// gets them raw); the result is in getComputeType(result element type) (cast:
/// exactly the result element type, made signless; comparisons: i1).
Value lowerScalar(Operation *op, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  bool isFloat = isa<FloatType>(t);
  // The first operand's dlc element type: signedness and constants' range.
  Type element = getElementTypeOrSelf(op->getOperand(0).getType());
  bool isUnsigned = element.isUnsignedInteger();
  Type constantType = isUnsigned ? element : t;
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, x); })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, x); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, x); })
      .Case([&](NegOp) -> Value {
        if (isFloat)
          return arith::NegFOp::create(b, loc, x);
        return arith::SubIOp::create(b, loc, constant(b, loc, t, 0), x);
      })
      .Case([&](AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, x);
        if (t.isInteger(1) || isUnsigned)
          return x;
        return math::AbsIOp::create(b, loc, x);
      })
      .Case([&](ReciprocalOp) {
        return arith::DivFOp::create(b, loc, constant(b, loc, t, 1.0), x);
      })
      .Case([&](ReluOp) { return createMax(b, loc, x, constant(b, loc, t, 0), isUnsigned); })
      .Case([&](SigmoidOp) {
        Value one = constant(b, loc, t, 1.0);
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
      })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, x); })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, x); })
      .Case([&](LeakyReluOp lr) {
        Value alpha = constant(b, loc, t, lr.getAlpha().convertToDouble());
        Value negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                               constant(b, loc, t, 0.0));
        return arith::SelectOp::create(b, loc, negative,
                                       arith::MulFOp::create(b, loc, alpha, x), x);
      })
      .Case([&](GeluOp gelu) -> Value {
        Value half = constant(b, loc, t, 0.5), one = constant(b, loc, t, 1.0);
        Value inner;
        if (gelu.getApproximate() == "tanh") {
          // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
          Value x3 = arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
          Value poly = arith::AddFOp::create(
              b, loc, x, arith::MulFOp::create(b, loc, constant(b, loc, t, 0.044715), x3));
          Value scaled = arith::MulFOp::create(
              b, loc, constant(b, loc, t, std::sqrt(2.0 / M_PI)), poly);
          inner = math::TanhOp::create(b, loc, scaled);
        } else {
          // 0.5 x (1 + erf(x / sqrt(2)))
          inner = math::ErfOp::create(
              b, loc, arith::MulFOp::create(b, loc, x, constant(b, loc, t, M_SQRT1_2)));
        }
        Value halfX = arith::MulFOp::create(b, loc, half, x);
        return arith::MulFOp::create(b, loc, halfX, arith::AddFOp::create(b, loc, one, inner));
      })
      .Case([&](ClipOp clip) {
        Value v = x;
        if (auto lo = clip.getMinAttr())
          v = createMax(b, loc, v, constant(b, loc, constantType, lo.getValueAsDouble()),
                        isUnsigned);
        if (auto hi = clip.getMaxAttr())
          v = createMin(b, loc, v, constant(b, loc, constantType, hi.getValueAsDouble()),
                        isUnsigned);
        return v;
      })
      .Case([&](CastOp cast) {
        return convertScalar(b, loc, x, element, cast.getType().getElementType());
      })
      .Case([&](AddOp) { return createAdd(b, loc, args[0], args[1]); })
      .Case([&](SubOp) { return createSub(b, loc, args[0], args[1]); })
      .Case([&](MulOp) { return createMul(b, loc, args[0], args[1]); })
      .Case([&](DivOp) { return createDiv(b, loc, args[0], args[1], isUnsigned); })
      .Case([&](PowOp pow) {
        return lowerPow(b, loc, args[0], args[1], element,
                        getElementTypeOrSelf(pow.getRhs().getType()),
                        getComputeType(pow.getType().getElementType()));
      })
      .Case([&](EqualOp) {
        return lowerCompare(b, loc, args[0], args[1], isUnsigned, arith::CmpFPredicate::OEQ,
                            arith::CmpIPredicate::eq, arith::CmpIPredicate::eq);
      })
      .Case([&](LessOp) {
        return lowerCompare(b, loc, args[0], args[1], isUnsigned, arith::CmpFPredicate::OLT,
                            arith::CmpIPredicate::slt, arith::CmpIPredicate::ult);
      })
      .Case([&](GreaterOp) {
        return lowerCompare(b, loc, args[0], args[1], isUnsigned, arith::CmpFPredicate::OGT,
                            arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
      })
      .Case([&](WhereOp) { return arith::SelectOp::create(b, loc, args[0], args[1], args[2]); })
      .Default([](Operation *op) -> Value {
        llvm_unreachable("BroadcastElementwise op without a scalar lowering");
      });
}

template <typename OpTy>
struct BroadcastElementwiseLowering : StaticShapeLowering<OpTy> {
  static_assert(OpTy::template hasTrait<dlc::OpTrait::BroadcastElementwise>(),
                "only BroadcastElementwise ops share this lowering");
  using StaticShapeLowering<OpTy>::StaticShapeLowering;

  FailureOr<Value> lower(OpTy op, typename OpTy::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->resultType(op);
    Type elementType = resultType.getElementType();
    bool promote = !isa<CastOp>(op.getOperation());
    return buildBroadcastElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange scalars) {
          SmallVector<Value> args;
          for (Value s : scalars)
            args.push_back(promote ? promoteToCompute(b, loc, s) : s);
          Value v = lowerScalar(op.getOperation(), b, loc, args);
          return convertScalar(b, loc, v, elementType);
        });
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value is not a typed attribute");
    Type type = getTypeConverter()->convertType(op.getType());
    if (type != op.getType()) { // unsigned -> signless: the same bits
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "unsigned constant is not dense");
      value = dense.bitcast(getElementTypeOrSelf(type));
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// identity and dropout (inference) forward their input.
template <typename OpTy>
struct ForwardInputLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

template <typename... Ops>
void addElementwise(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<BroadcastElementwiseLowering<Ops>...>(converter, patterns.getContext());
#ifndef NDEBUG
  // Every registered BroadcastElementwise op must be listed here.
  llvm::StringSet<> covered;
  (covered.insert(Ops::getOperationName()), ...);
  for (RegisteredOperationName name : patterns.getContext()->getRegisteredOperations())
    if (name.hasTrait<dlc::OpTrait::BroadcastElementwise>() &&
        !covered.contains(name.getStringRef()))
      llvm::report_fatal_error(llvm::Twine("no elementwise lowering for ") +
                               name.getStringRef());
#endif
}

} // namespace

void dlc::populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  addElementwise<SqrtOp, ExpOp, LogOp, NegOp, AbsOp, ReciprocalOp, ReluOp, SigmoidOp,
                 TanhOp, ErfOp, LeakyReluOp, GeluOp, ClipOp, CastOp, AddOp, SubOp, MulOp,
                 DivOp, PowOp, EqualOp, LessOp, GreaterOp, WhereOp>(converter, patterns);
  patterns.add<ConstantLowering, ForwardInputLowering<IdentityOp>,
               ForwardInputLowering<DropoutOp>>(converter, patterns.getContext());
}
