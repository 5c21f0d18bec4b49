// Model images that belong to another copy of libdlcrt (ForeignRuntime.h).
#include "ForeignRuntime.h"
#include "Error.h"

#include <dlfcn.h>

namespace dlc::rt {

dlc_status ForeignRuntime::adopt(dlc_status status, dlc_error *theirs, dlc_error **error) const {
  if (status == DLC_OK)
    return ok(error);
  std::string message = theirs ? api.dlc_error_message(theirs) : "";
  if (theirs)
    api.dlc_error_free(theirs);
  return fail(error, status, message);
}

std::unique_ptr<ForeignRuntime> foreignRuntimeOf(const dlc_model_image *image) {
  Dl_info owner, self;
  if (!image || !dladdr(image, &owner) || !owner.dli_fname ||
      !dladdr(reinterpret_cast<void *>(&dlc_model_create), &self) ||
      owner.dli_fbase == self.dli_fbase)
    return nullptr;
  // Only an object that is already loaded, and not as the main program.
  void *handle = dlopen(owner.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (!handle)
    return nullptr;
  void *create = dlsym(handle, "dlc_model_create");
  dlclose(handle);
  if (!create || create == reinterpret_cast<void *>(&dlc_model_create))
    return nullptr;
  auto runtime = std::make_unique<ForeignRuntime>();
  if (dlc_model_library_open(owner.dli_fname, &runtime->api) != nullptr ||
      runtime->api.image == nullptr)
    return nullptr;
  return runtime;
}

} // namespace dlc::rt
