"""A dlc-compiled shared library (`dlc --emit=lib`) driven through libdlcrt's C API.

The library exports `dlc_model_image_v1` and the runtime's C API
(runtime/include/dlc/runtime.h). Going through dlc_model_create lets the
harness set `num_threads`, and timing `dlc_model_run` from Python measures
what onnxruntime's `InferenceSession.run` measures: one inference on inputs
already in memory, plus a call from Python.
"""
import ctypes

import numpy as np

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
          7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
          13: np.uint64}


class TensorView(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_uint32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_uint32),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("bytes", ctypes.c_uint64)]


class Options(ctypes.Structure):
    _fields_ = [("num_threads", ctypes.c_uint32)]


class DlcError(RuntimeError):
    pass


class DlcModel:
    """One model of a compiled library; `run()` reuses preallocated buffers."""

    def __init__(self, library_path, threads):
        self.lib = lib = ctypes.CDLL(library_path)  # RTLD_LOCAL: each library keeps its runtime
        lib.dlc_error_message.restype = ctypes.c_char_p
        lib.dlc_model_create.argtypes = [ctypes.c_void_p, ctypes.POINTER(Options),
                                         ctypes.POINTER(ctypes.c_void_p),
                                         ctypes.POINTER(ctypes.c_void_p)]
        lib.dlc_model_num_inputs.argtypes = lib.dlc_model_num_outputs.argtypes = [ctypes.c_void_p]
        for f in (lib.dlc_model_input_info, lib.dlc_model_output_info):
            f.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(TensorInfo),
                          ctypes.c_void_p]
        lib.dlc_model_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(TensorView), ctypes.c_size_t,
                                      ctypes.POINTER(TensorView), ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_void_p)]
        lib.dlc_model_free.argtypes = lib.dlc_error_free.argtypes = [ctypes.c_void_p]
        lib.dlc_error_message.argtypes = [ctypes.c_void_p]
        image = ctypes.addressof(ctypes.c_char.in_dll(lib, "dlc_model_image_v1"))
        options = Options(threads)
        self.handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        if lib.dlc_model_create(image, ctypes.byref(options), ctypes.byref(self.handle),
                                ctypes.byref(error)) != 0:
            raise DlcError(self._take(error))
        self.inputs = [self._info(lib.dlc_model_input_info, i)
                       for i in range(lib.dlc_model_num_inputs(self.handle))]
        self.outputs = [self._info(lib.dlc_model_output_info, i)
                        for i in range(lib.dlc_model_num_outputs(self.handle))]
        self._shapes = []
        self.out_arrays = [np.empty(shape, dtype) for _, dtype, shape in self.outputs]
        self.out_views = self._views(self.out_arrays)
        self.in_arrays = self.in_views = None

    def _take(self, error):
        message = self.lib.dlc_error_message(error).decode()
        self.lib.dlc_error_free(error)
        return message

    def _info(self, query, index):
        info = TensorInfo()
        if query(self.handle, index, ctypes.byref(info), None) != 0:
            raise DlcError("cannot describe tensor %d" % index)
        if info.dtype not in DTYPES:
            raise DlcError("unsupported dtype %d of '%s'" % (info.dtype, info.name.decode()))
        return info.name.decode(), DTYPES[info.dtype], tuple(info.shape[d] for d in range(info.rank))

    def _views(self, arrays):
        views = (TensorView * max(1, len(arrays)))()
        for view, a in zip(views, arrays):
            code = next(c for c, t in DTYPES.items() if np.dtype(t) == a.dtype)
            shape = (ctypes.c_int64 * max(1, a.ndim))(*a.shape)
            view.data, view.dtype, view.rank = a.ctypes.data, code, a.ndim
            view.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
            self._shapes.append(shape)  # the views borrow the shape arrays
        return views

    def bind(self, feeds):
        """Binds inputs by ONNX name (copied once into contiguous arrays)."""
        missing = [name for name, _, _ in self.inputs if name not in feeds]
        if missing:
            raise DlcError("no value for input(s) %s" % ", ".join(missing))
        self.in_arrays = [np.ascontiguousarray(feeds[name], dtype) for name, dtype, _ in self.inputs]
        self.in_views = self._views(self.in_arrays)

    def run(self):
        """One inference on the bound inputs; returns the output arrays (reused)."""
        status = self.lib.dlc_model_run(self.handle, self.in_views, len(self.in_arrays),
                                        self.out_views, len(self.out_arrays), None)
        if status != 0:
            error = ctypes.c_void_p()
            self.lib.dlc_model_run(self.handle, self.in_views, len(self.in_arrays), self.out_views,
                                   len(self.out_arrays), ctypes.byref(error))
            raise DlcError(self._take(error) if error.value else "dlc_model_run status %d" % status)
        return self.out_arrays

    def close(self):
        if self.handle:
            self.lib.dlc_model_free(self.handle)
            self.handle = None
