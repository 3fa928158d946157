// Tests that run kernels need the device the build targets: in the CUDA build on a machine
// without a GPU they report themselves skipped, with the reason, instead of failing.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "app/machine.h"

#define ENTREPOT_REQUIRE_DEVICE()                             \
  do {                                                        \
    std::string no_device_reason;                             \
    if (!::entrepot::device_available(no_device_reason)) {    \
      GTEST_SKIP() << "no CUDA device: " << no_device_reason; \
    }                                                         \
  } while (false)
