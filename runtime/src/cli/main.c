/* main() of compiled model executables (libdlcrt_main.a). The compiler's
 * model object defines dlc_model_image_v1; everything else is in libdlcrt. */
#include "dlc/runtime.h"

extern const dlc_model_image dlc_model_image_v1;

int main(int argc, char **argv) { return dlc_cli_main(&dlc_model_image_v1, argc, argv); }
