// Internal: NumPy .npz archives (np.savez: an uncompressed zip of .npy).
#ifndef DLC_RUNTIME_SRC_TRAIN_NPZ_H
#define DLC_RUNTIME_SRC_TRAIN_NPZ_H

#include "../TensorIO.h"

#include <map>
#include <string>

namespace dlc::rt {

/// Reads every array of a stored (uncompressed) zip of .npy files, keyed by
/// the member name without ".npy". Compressed members (np.savez_compressed),
/// zip64 archives and malformed bytes give an error naming the file; all
/// offsets are checked against the file size. Thread-safe.
bool readNpz(const std::string &path, std::map<std::string, HostTensor> &arrays,
             std::string &error);

} // namespace dlc::rt

#endif
