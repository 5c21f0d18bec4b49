// The dlc_error object: status + message, owned by the caller.
#include "Error.h"

dlc_status dlc::rt::fail(dlc_error **out, dlc_status status, std::string message) noexcept {
  if (out) {
    try {
      *out = new dlc_error{status, std::move(message)};
    } catch (...) {
      *out = nullptr; // dlc_error_message(NULL) reports it
    }
  }
  return status;
}

dlc_status dlc::rt::ok(dlc_error **out) noexcept {
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

extern "C" const char *dlc_status_name(dlc_status status) {
  switch (status) {
  case DLC_OK: return "OK";
  case DLC_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
  case DLC_INVALID_PLAN: return "INVALID_PLAN";
  case DLC_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
  case DLC_IO_ERROR: return "IO_ERROR";
  case DLC_UNSUPPORTED: return "UNSUPPORTED";
  case DLC_INTERNAL: return "INTERNAL";
  case DLC_DEVICE_ERROR: return "DEVICE_ERROR";
  }
  return "UNKNOWN_STATUS";
}
