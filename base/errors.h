// The errors every floor may raise, each a one-line reason for the user.
#pragma once

#include <stdexcept>

namespace entrepot {

// Raised for every invalid input: `file:line:col: what is wrong; what is allowed`.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any failed HDF5 call or unusable path; the message names the file.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A checkpoint that does not fit the program or the run resuming from it.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed MPI call, named with MPI's reason.
struct CommError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace entrepot
