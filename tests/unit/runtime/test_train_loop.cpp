// The training loop driven by steps written in C++: gradient descent on a
// quadratic (whose losses have a closed form), an optimizer with state (for
// resuming), and steps that go wrong (NaN, infinity, a bad output).
#include "train/checkpoint.hpp"
#include "train/initial_state.hpp"
#include "train/train_loop.hpp"

#include "test_util.hpp"
#include "train_test_util.hpp"

#include "tessera/safetensors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace tessera;
using namespace tessera::train;
using tessera::test::readBytes;
using tessera::test::scalarOf;
using tessera::test::sig;
using tessera::test::TempDir;
using tessera::test::tensorOf;
using tessera::test::valuesOf;

namespace {

// fit(param:w f64[3], x f64[3]) -> (loss, param:w): plain gradient descent
// on loss = 0.5 |w - x|^2, so w - x shrinks by (1 - lr) each step.
constexpr double kLr = 0.25;

tbin::EntryMeta quadraticEntry() {
  tbin::EntryMeta e;
  e.name = "fit";
  e.kind = tbin::kEntryKindTrain;
  e.optimizer = "sgd lr=0.25";
  e.inputs = {sig("param:w", tbin::DType::F64, {3}),
              sig("x", tbin::DType::F64, {3})};
  e.outputs = {sig("loss", tbin::DType::F64, {}),
               sig("param:w", tbin::DType::F64, {3})};
  return e;
}

void quadraticStep(const std::vector<const HostTensor *> &in,
                   std::vector<HostTensor> &out) {
  std::vector<double> w = valuesOf<double>(*in[0]),
                      x = valuesOf<double>(*in[1]);
  double loss = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    double g = w[i] - x[i];
    loss += 0.5 * g * g;
    w[i] -= kLr * g;
  }
  out[0] = scalarOf(loss);
  out[1] = tensorOf(w, {3});
}

// With state: heavy-ball momentum with a step counter,
//   m' = 0.9 m + g,  step' = step + 1,  w' = w - 0.1 m' / step'
// in f32, whose rounding makes any missed or repeated state visible.
tbin::EntryMeta momentumEntry() {
  tbin::EntryMeta e;
  e.name = "fit";
  e.kind = tbin::kEntryKindTrain;
  e.inputs = {sig("param:w", tbin::DType::F32, {3}),
              sig("state:w.m", tbin::DType::F32, {3}),
              sig("state:step", tbin::DType::I64, {}),
              sig("x", tbin::DType::F32, {3})};
  e.outputs = {sig("loss", tbin::DType::F32, {}),
               sig("param:w", tbin::DType::F32, {3}),
               sig("state:w.m", tbin::DType::F32, {3}),
               sig("state:step", tbin::DType::I64, {})};
  return e;
}

void momentumStep(const std::vector<const HostTensor *> &in,
                  std::vector<HostTensor> &out) {
  std::vector<float> w = valuesOf<float>(*in[0]), m = valuesOf<float>(*in[1]),
                     x = valuesOf<float>(*in[3]);
  int64_t step = valuesOf<int64_t>(*in[2])[0] + 1;
  float loss = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    float g = w[i] - x[i];
    loss += 0.5f * g * g;
    m[i] = 0.9f * m[i] + g;
    w[i] -= 0.1f * m[i] / static_cast<float>(step);
  }
  out[0] = scalarOf(loss);
  out[1] = tensorOf(w, {3});
  out[2] = tensorOf(m, {3});
  out[3] = scalarOf(step);
}

std::vector<tbin::ParamMeta> wParam(tbin::DType dtype, const char *init) {
  return {{"w", dtype, {3}, init, 11}};
}

std::map<std::string, HostTensor> data64() {
  return {{"x", tensorOf<double>({1, 2, 3}, {3})}};
}

std::map<std::string, HostTensor> data32() {
  return {{"x", tensorOf<float>({1, 2, 3}, {3})}};
}

// One `tessera run`: bind from `paramsFile` ("" for none), train, checkpoint.
struct Outcome {
  bool ok = false;
  std::string error;
  TrainResult result;
  TrainState state;
};

Outcome trainRun(const tbin::EntryMeta &entry,
                 const std::vector<tbin::ParamMeta> &params,
                 const std::map<std::string, HostTensor> &data,
                 const StepFn &step, TrainOptions options,
                 const std::string &paramsFile = "") {
  Outcome run;
  safetensors::File file;
  if (!paramsFile.empty()) {
    EXPECT_TRUE(safetensors::read(paramsFile, file, run.error)) << run.error;
  }
  InitialState init;
  if (!initialState(entry, params, paramsFile.empty() ? nullptr : &file,
                    paramsFile, 0, init, run.error))
    return run;
  run.state = std::move(init.state);
  options.module = "toy";
  run.ok =
      runTraining(entry, data, run.state, step, options, run.result, run.error);
  return run;
}

std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST(TrainLoop, GradientDescentOnAQuadratic) {
  TempDir dir;
  LossLog log;
  std::string error;
  ASSERT_TRUE(log.open(dir.file("loss.csv"), error)) << error;
  TrainOptions o;
  o.steps = 20;
  o.checkpointPath = dir.file("ckpt.safetensors");
  o.log = &log;
  std::vector<double> seen;
  o.onStep = [&](int64_t step, double loss, const std::string &) {
    EXPECT_EQ(step, static_cast<int64_t>(seen.size()) + 1);
    seen.push_back(loss);
  };
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"),
                         data64(), quadraticStep, o);
  ASSERT_TRUE(run.ok) << run.error;
  ASSERT_TRUE(log.close(error)) << error;

  // From w = 0: w - x after k steps is -(0.75^k) x, |x|^2 = 14.
  ASSERT_EQ(seen.size(), 20u);
  for (int k = 1; k <= 20; ++k)
    EXPECT_NEAR(seen[k - 1], 0.5 * 14 * std::pow(0.75, 2 * (k - 1)), 1e-12)
        << "step " << k;
  EXPECT_EQ(run.result.stepsRun, 20);
  EXPECT_EQ(run.result.firstLoss, 7);
  EXPECT_EQ(run.state.step, 20);
  std::vector<double> w = valuesOf<double>(run.state.params.at("w"));
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(w[i], (i + 1) * (1 - std::pow(0.75, 20)), 1e-12);

  // The checkpoint: the parameter under its name, and the step.
  safetensors::File ckpt;
  ASSERT_TRUE(safetensors::read(o.checkpointPath, ckpt, error)) << error;
  EXPECT_EQ(ckpt.metadata,
            (std::map<std::string, std::string>{
                {"entry", "fit"}, {"module", "toy"}, {"step", "20"}}));
  ASSERT_EQ(ckpt.tensors.size(), 1u);
  EXPECT_EQ(ckpt.tensors.at("w").data, run.state.params.at("w").data);

  // The log: every step, with all the digits of an f64.
  std::string csv = readText(dir.file("loss.csv"));
  EXPECT_EQ(csv.rfind("step,loss\n1,7\n2,3.9375\n", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 21);
}

// 10 steps, or 5 and 5 more from the first run's checkpoint: the same bytes.
TEST(TrainLoop, ResumingGivesTheSameCheckpoint) {
  TempDir dir;
  auto options = [&](int64_t steps, const std::string &name) {
    TrainOptions o;
    o.steps = steps;
    o.checkpointPath = dir.file(name);
    return o;
  };
  std::vector<tbin::ParamMeta> params = wParam(tbin::DType::F32, "glorot");
  Outcome whole = trainRun(momentumEntry(), params, data32(), momentumStep,
                           options(10, "whole.safetensors"));
  ASSERT_TRUE(whole.ok) << whole.error;
  Outcome first = trainRun(momentumEntry(), params, data32(), momentumStep,
                           options(5, "first.safetensors"));
  ASSERT_TRUE(first.ok) << first.error;
  Outcome second =
      trainRun(momentumEntry(), params, data32(), momentumStep,
               options(5, "second.safetensors"), dir.file("first.safetensors"));
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.state.step, 10);
  std::vector<uint8_t> a = readBytes(dir.file("whole.safetensors"));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, readBytes(dir.file("second.safetensors")));

  safetensors::File ckpt;
  std::string error;
  ASSERT_TRUE(safetensors::read(dir.file("whole.safetensors"), ckpt, error));
  EXPECT_EQ(ckpt.metadata.at("step"), "10");
  EXPECT_EQ(valuesOf<int64_t>(HostTensor{
                tbin::DType::I64, {}, ckpt.tensors.at("state:step").data}),
            std::vector<int64_t>{10});
  EXPECT_TRUE(ckpt.tensors.count("w"));
  EXPECT_TRUE(ckpt.tensors.count("state:w.m"));

  // Without its state (a parameters-only file) the run differs: the
  // checkpoint's state is what makes the two runs one.
  safetensors::File paramsOnly;
  ASSERT_TRUE(
      safetensors::read(dir.file("first.safetensors"), paramsOnly, error));
  paramsOnly.tensors.erase("state:w.m");
  paramsOnly.tensors.erase("state:step");
  ASSERT_TRUE(safetensors::write(dir.file("first-params.safetensors"),
                                 paramsOnly, error));
  Outcome fresh = trainRun(momentumEntry(), params, data32(), momentumStep,
                           options(5, "other.safetensors"),
                           dir.file("first-params.safetensors"));
  ASSERT_TRUE(fresh.ok) << fresh.error;
  EXPECT_NE(fresh.state.params.at("w").data, whole.state.params.at("w").data);
}

TEST(TrainLoop, NanStopsTheRunAndKeepsTheLastGoodState) {
  TempDir dir;
  LossLog log;
  std::string error;
  ASSERT_TRUE(log.open(dir.file("loss.jsonl"), error)) << error;
  int calls = 0;
  StepFn step = [&](const std::vector<const HostTensor *> &in,
                    std::vector<HostTensor> &out) {
    quadraticStep(in, out);
    if (++calls == 3) {
      out[0] = scalarOf(std::nan(""));
      out[1] = tensorOf<double>({NAN, NAN, NAN}, {3});
    }
  };
  TrainOptions o;
  o.steps = 10;
  o.checkpointPath = dir.file("ckpt.safetensors");
  o.log = &log;
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"),
                         data64(), step, o);
  ASSERT_TRUE(log.close(error)) << error;
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(run.error, "loss is nan at step 3; the last good parameters "
                       "(step 2) are in " +
                           o.checkpointPath);
  EXPECT_EQ(run.result.badStep, 3);
  EXPECT_EQ(run.result.stepsRun, 2);
  EXPECT_EQ(calls, 3);

  safetensors::File ckpt;
  ASSERT_TRUE(safetensors::read(o.checkpointPath, ckpt, error)) << error;
  EXPECT_EQ(ckpt.metadata.at("step"), "2");
  HostTensor w{tbin::DType::F64, {3}, ckpt.tensors.at("w").data};
  std::vector<double> values = valuesOf<double>(w);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(values[i], (i + 1) * (1 - 0.75 * 0.75), 1e-15);
  EXPECT_EQ(readText(dir.file("loss.jsonl")),
            "{\"step\": 1, \"loss\": 7}\n"
            "{\"step\": 2, \"loss\": 3.9375}\n"
            "{\"step\": 3, \"loss\": null}\n");
}

TEST(TrainLoop, InfinityAtTheFirstStepKeepsTheStart) {
  TempDir dir;
  StepFn step = [](const std::vector<const HostTensor *> &in,
                   std::vector<HostTensor> &out) {
    quadraticStep(in, out);
    out[0] = scalarOf(-HUGE_VAL);
  };
  TrainOptions o;
  o.checkpointPath = dir.file("ckpt.safetensors");
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "ones"),
                         data64(), step, o);
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(run.error, "loss is -inf at step 1; the last good parameters "
                       "(step 0) are in " +
                           o.checkpointPath);
  safetensors::File ckpt;
  std::string error;
  ASSERT_TRUE(safetensors::read(o.checkpointPath, ckpt, error)) << error;
  EXPECT_EQ(ckpt.metadata.at("step"), "0");
  EXPECT_EQ(valuesOf<double>(
                HostTensor{tbin::DType::F64, {3}, ckpt.tensors.at("w").data}),
            (std::vector<double>{1, 1, 1}));
}

TEST(TrainLoop, CheckpointEveryK) {
  TempDir dir;
  TrainOptions o;
  o.steps = 7;
  o.checkpointEvery = 3;
  o.checkpointPath = dir.file("ckpt.safetensors");
  std::vector<std::string> stepOnDisk;
  o.onStep = [&](int64_t, double, const std::string &) {
    safetensors::File f;
    std::string error;
    stepOnDisk.push_back(safetensors::read(o.checkpointPath, f, error)
                             ? f.metadata.at("step")
                             : "-");
  };
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"),
                         data64(), quadraticStep, o);
  ASSERT_TRUE(run.ok) << run.error;
  // Seen before each step's own checkpoint is written.
  EXPECT_EQ(stepOnDisk,
            (std::vector<std::string>{"-", "-", "-", "3", "3", "3", "6"}));
  safetensors::File f;
  std::string error;
  ASSERT_TRUE(safetensors::read(o.checkpointPath, f, error));
  EXPECT_EQ(f.metadata.at("step"), "7");
}

TEST(TrainLoop, ZeroStepsWritesTheInitialState) {
  TempDir dir;
  TrainOptions o;
  o.steps = 0;
  o.checkpointPath = dir.file("ckpt.safetensors");
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "ones"),
                         data64(), quadraticStep, o);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.result.stepsRun, 0);
  safetensors::File f;
  std::string error;
  ASSERT_TRUE(safetensors::read(o.checkpointPath, f, error));
  EXPECT_EQ(f.metadata.at("step"), "0");
}

TEST(TrainLoop, AStepMustKeepTheSignature) {
  TempDir dir;
  TrainOptions o;
  o.checkpointPath = dir.file("ckpt.safetensors");
  StepFn shrink = [](const std::vector<const HostTensor *> &in,
                     std::vector<HostTensor> &out) {
    quadraticStep(in, out);
    out[1] = tensorOf<double>({1, 2}, {2});
  };
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"),
                         data64(), shrink, o);
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(run.error, "step of 'fit' returned 'param:w' as f64[2] (16 "
                       "bytes), not f64[3]");
  StepFn floatLoss = [](const std::vector<const HostTensor *> &in,
                        std::vector<HostTensor> &out) {
    quadraticStep(in, out);
    out[0] = scalarOf(1.0f);
  };
  run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"), data64(),
                 floatLoss, o);
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(run.error, "step of 'fit' returned a loss of f32[], not f64[]");
  run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"), {},
                 quadraticStep, o);
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(run.error, "no value for input 'x' of entry 'fit'");
}

TEST(TrainLoop, UnwritableCheckpointIsAnError) {
  TempDir dir;
  TrainOptions o;
  o.checkpointPath = dir.file("no/such/dir/ckpt.safetensors");
  Outcome run = trainRun(quadraticEntry(), wParam(tbin::DType::F64, "zeros"),
                         data64(), quadraticStep, o);
  ASSERT_FALSE(run.ok);
  EXPECT_NE(run.error.find("no/such/dir/ckpt.safetensors"), std::string::npos)
      << run.error;
}
