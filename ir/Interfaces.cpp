//===- Interfaces.cpp - dlc op interfaces ---------------------------------===//
#include "ir/Interfaces.h"

#include "ir/Interfaces.cpp.inc"
