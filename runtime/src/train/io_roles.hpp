// What an entry's inputs and outputs are, read from their names:
// "param:NAME" is the module's parameter NAME, "state:NAME" optimizer state
// (a moment "W1.m", a step counter "step"), anything else data the caller
// supplies. A train entry returns "loss" first, then the new value of some
// of its param:/state: inputs under the same names.
#pragma once

#include "tessera/tbin_meta.hpp"

#include <string>

namespace tessera::train {

constexpr const char *kParamPrefix = "param:";
constexpr const char *kStatePrefix = "state:";
constexpr const char *kLossName = "loss";

enum class Role { Data, Param, State };

struct IoRole {
  Role role = Role::Data;
  std::string name; // without the prefix; the whole name for data
};

IoRole ioRole(const std::string &ioName);

// Checks a train entry's signature: outputs[0] is "loss", a floating-point
// scalar; every other output is a param:/state: name that an input of the
// same dtype and dims also has, and no name is returned twice. False with a
// one-line `error` naming the entry otherwise.
bool checkTrainSignature(const tbin::EntryMeta &entry, std::string &error);

} // namespace tessera::train
