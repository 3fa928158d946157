# The CUDA backend (-DENTREPOT_BACKEND=cuda): nvcc from the CUDA 13 toolkit compiles every
# source that touches device memory (cmake/device_sources.cmake) against the toolkit's own
# Thrust and CUB; the rest stays with the host compiler. Agent stores are plain
# thrust::device_vector (cudaMalloc), never managed memory.

# nvcc is often installed outside PATH.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(ENTREPOT_NVCC nvcc PATHS /usr/local/cuda/bin)
  if(ENTREPOT_NVCC)
    set(CMAKE_CUDA_COMPILER "${ENTREPOT_NVCC}")
  endif()
endif()
# Machine code for A100 (sm_80) and H100/H200 (sm_90), plus sm_90 PTX that newer GPUs
# compile when the program loads.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 80-real 90)
endif()
enable_language(CUDA)
if(CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 13.0)
  message(FATAL_ERROR "ENTREPOT_BACKEND=cuda needs nvcc from CUDA 13 or later; "
                      "${CMAKE_CUDA_COMPILER} is ${CMAKE_CUDA_COMPILER_VERSION}.")
endif()
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
set(CMAKE_CUDA_EXTENSIONS OFF)
find_package(CUDAToolkit REQUIRED)

# Determinism (DESIGN §3.4): --fmad=false stops nvcc contracting a*b+c into one FMA, which
# rounds once instead of twice and so differs from the host; the host half of each file
# gets the same flags as the host-only files. Warnings are errors on both sides.
# --default-stream=per-thread: each host thread's kernels and copies go to its own stream
# (Thrust's default_stream() is then cudaStreamPerThread), so the worlds of `entrepot batch`,
# one per thread, run side by side on the device instead of queueing on the legacy stream; a
# single run has one thread and is unchanged.
add_compile_options(
  "$<$<COMPILE_LANGUAGE:CUDA>:--fmad=false;--default-stream=per-thread;--Werror=all-warnings;-Xcompiler=-Wall,-Wextra,-Werror,-ffp-contract=off,-fno-fast-math>")

# Compile definitions, include folders and the CUDA runtime (static) for `target`.
function(entrepot_cuda_backend target)
  target_compile_definitions(${target}
    INTERFACE THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CUDA ENTREPOT_BACKEND_CUDA=1)
  # Every compiler searches /usr/include last anyway; naming it would put Debian's older
  # Thrust ahead of the toolkit's.
  if(NOT RANDOM123_INCLUDE STREQUAL "/usr/include")
    target_include_directories(${target} SYSTEM INTERFACE ${RANDOM123_INCLUDE})
  endif()
  target_link_libraries(${target} INTERFACE CUDA::cudart_static)
endfunction()

# For `target`, which compiles app/machine_device.cpp: its device allocations go through the
# wrappers there, which keep the peak of the device memory in use (`entrepot bench`).
function(entrepot_watch_device_memory target)
  target_link_options(${target} PRIVATE "LINKER:--wrap=cudaMalloc,--wrap=cudaMallocAsync")
endfunction()
