// The diamond as a compiled artefact would provide it: the symbol
// dlc_model_image_v1, for the test executable (linked with libdlcrt_main.a,
// like `dlc` links models) and the test model library (loaded by dlc-run).
#include "TestPlans.h"

namespace {
dlc_model_image diamondImage() {
  static const dlc::test::Image image(dlc::test::diamondBlob()); // lives until exit
  return image.image;
}
} // namespace

extern "C" DLC_API const dlc_model_image dlc_model_image_v1 = diamondImage();
