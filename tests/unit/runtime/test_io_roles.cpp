// Roles by name (param:, state:, data) and the signature a train entry
// must have.
#include "train/io_roles.hpp"

#include "train_test_util.hpp"

#include <gtest/gtest.h>

using namespace tessera;
using namespace tessera::train;
using tessera::test::sig;

namespace {

tbin::EntryMeta trainEntry() {
  tbin::EntryMeta e;
  e.name = "step";
  e.kind = tbin::kEntryKindTrain;
  e.inputs = {sig("param:w", tbin::DType::F32, {3}),
              sig("state:w.m", tbin::DType::F32, {3}),
              sig("x", tbin::DType::F32, {3})};
  e.outputs = {sig("loss", tbin::DType::F32, {}),
               sig("param:w", tbin::DType::F32, {3}),
               sig("state:w.m", tbin::DType::F32, {3})};
  return e;
}

std::string signatureError(const tbin::EntryMeta &e) {
  std::string error;
  EXPECT_FALSE(checkTrainSignature(e, error));
  return error;
}

} // namespace

TEST(IoRoles, ByName) {
  EXPECT_EQ(ioRole("param:W1").role, Role::Param);
  EXPECT_EQ(ioRole("param:W1").name, "W1");
  EXPECT_EQ(ioRole("state:W1.m").role, Role::State);
  EXPECT_EQ(ioRole("state:W1.m").name, "W1.m");
  EXPECT_EQ(ioRole("x").role, Role::Data);
  EXPECT_EQ(ioRole("x").name, "x");
  EXPECT_EQ(ioRole("params:x").role, Role::Data);
}

TEST(IoRoles, TrainSignature) {
  std::string error;
  EXPECT_TRUE(checkTrainSignature(trainEntry(), error)) << error;

  tbin::EntryMeta e = trainEntry();
  std::swap(e.outputs[0], e.outputs[1]);
  EXPECT_EQ(signatureError(e), "train entry 'step' must return 'loss' first");
  e = trainEntry();
  e.outputs[0] = sig("loss", tbin::DType::F32, {1});
  EXPECT_EQ(signatureError(e),
            "train entry 'step': loss is f32[1], not a floating-point scalar");
  e = trainEntry();
  e.outputs[0] = sig("loss", tbin::DType::I32, {});
  EXPECT_EQ(signatureError(e),
            "train entry 'step': loss is i32[], not a floating-point scalar");
  e = trainEntry();
  e.outputs.push_back(sig("y", tbin::DType::F32, {3}));
  EXPECT_EQ(signatureError(e), "train entry 'step': output 'y' is neither a "
                               "param: nor a state: name");
  e = trainEntry();
  e.outputs.push_back(sig("state:v", tbin::DType::F32, {3}));
  EXPECT_EQ(signatureError(e),
            "train entry 'step' returns 'state:v' but takes no such input");
  e = trainEntry();
  e.outputs.push_back(e.outputs[1]);
  EXPECT_EQ(signatureError(e), "train entry 'step' returns 'param:w' twice");
  e = trainEntry();
  e.outputs[2] = sig("state:w.m", tbin::DType::F64, {3});
  EXPECT_EQ(signatureError(e), "train entry 'step' takes 'state:w.m' as "
                               "f32[3] but returns it as f64[3]");
}
