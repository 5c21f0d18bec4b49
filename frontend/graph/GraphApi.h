//===- GraphApi.h - everything a model-building program includes ---------===//
#pragma once

#include "frontend/graph/Graph.h"
#include "frontend/graph/Layers.h"
#include "frontend/graph/Ops.h"
