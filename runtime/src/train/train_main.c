/* main() of `dlc --train` executables (libdlcrt_train_main.a). The model
 * object defines the step's image and the embedded ONNX model. */
#include "dlc/runtime.h"

extern const dlc_model_image dlc_model_image_v1;
extern const uint8_t dlc_train_onnx[];
extern const uint64_t dlc_train_onnx_size;

int main(int argc, char **argv) {
  return dlc_train_main(&dlc_model_image_v1, dlc_train_onnx, (size_t)dlc_train_onnx_size, argc,
                        argv);
}
