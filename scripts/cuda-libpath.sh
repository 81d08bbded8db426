# Sourced (not run) by scripts/gpu-check.sh and scripts/gpu-device-run.sh: puts the CUDA 13 / cuDNN 9 library
# folders on LD_LIBRARY_PATH. The pip wheels (nvidia-cuda-runtime, nvidia-cublas, nvidia-curand,
# nvidia-cudnn-cu13 ...) keep their .so files under site-packages/nvidia/**/lib, which the loader does not
# search. IE_CUDA_LIB_DIRS (':'-separated) adds other folders first. See docs/gpu.md.
#   source scripts/cuda-libpath.sh; ie_cuda_libpath     # exports LD_LIBRARY_PATH, prints nothing

ie_cuda_libpath() {
  local libdirs="${IE_CUDA_LIB_DIRS:-}" site d
  if command -v python3 >/dev/null 2>&1; then
    # Every site-packages python3 knows (a venv's, the system's, the user's): the wheels may be in any.
    for site in $(python3 -c 'import site, sysconfig; print("\n".join(set(site.getsitepackages() + [site.getusersitepackages(), sysconfig.get_paths()["purelib"]])))' 2>/dev/null); do
      [[ -d "$site/nvidia" ]] || continue
      while IFS= read -r d; do libdirs="${libdirs:+$libdirs:}$d"; done < <(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | sort)
    done
  fi
  if [[ -n "$libdirs" ]]; then export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
}
