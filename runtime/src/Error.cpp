// The dlc_error object: status + message, owned by the caller.
#include "Error.h"

#include <new>

dlc_status dlc::rt::fail(dlc_error **out, dlc_status status, std::string message) {
  if (out)
    *out = new (std::nothrow) dlc_error{status, std::move(message)};
  return status;
}

dlc_status dlc::rt::ok(dlc_error **out) {
  if (out)
    *out = nullptr;
  return DLC_OK;
}

extern "C" const char *dlc_error_message(const dlc_error *error) {
  return error ? error->message.c_str() : "unknown error (no error object: out of memory?)";
}

extern "C" dlc_status dlc_error_status(const dlc_error *error) {
  return error ? error->status : DLC_INTERNAL;
}

extern "C" void dlc_error_free(dlc_error *error) { delete error; }
