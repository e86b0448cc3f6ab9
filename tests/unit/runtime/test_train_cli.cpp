// `tessera run` and `tessera info` on a module with a train entry, end to
// end but without the compiler: the CLI runs fixture/train_module.c, whose
// `fit` is gradient descent on 0.5 |w - x|^2 with the learning rate as data.
#include "train/param_init.hpp"

#include "test_util.hpp"
#include "train_test_util.hpp"

#include "tessera/npy.hpp"
#include "tessera/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace tessera;
using tessera::test::readBytes;
using tessera::test::TempDir;

namespace {

struct CliResult {
  int status = -1;
  std::string out, err;
};

std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `tessera ARGS` in a shell, capturing both streams.
CliResult runCli(const TempDir &dir, const std::string &args) {
  std::string cmd = std::string("'") + TESSERA_TEST_CLI + "' " + args + " >'" +
                    dir.file("stdout") + "' 2>'" + dir.file("stderr") + "'";
  int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = readText(dir.file("stdout"));
  r.err = readText(dir.file("stderr"));
  return r;
}

void writeNpy(const std::string &path, const std::vector<float> &values,
              std::vector<int64_t> shape) {
  npy::Array a;
  a.dtype = tbin::DType::F32;
  a.shape = std::move(shape);
  a.data.resize(values.size() * 4);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  std::string error;
  ASSERT_TRUE(npy::write(path, a, error)) << error;
}

// The files every test uses: x = [1, 2, 3] and three learning rates.
class TrainCli : public ::testing::Test {
protected:
  void SetUp() override {
    writeNpy(dir.file("x.npy"), {1, 2, 3}, {3});
    writeNpy(dir.file("xnan.npy"), {1, NAN, 3}, {3});
    writeNpy(dir.file("lr.npy"), {0.25f}, {});
    writeNpy(dir.file("lr3.npy"), {3}, {});
  }

  std::string fit(const std::string &lr, const std::string &more) {
    return std::string("run ") + TESSERA_TEST_FIXTURE_TRAIN +
           " --entry fit --input x=" + dir.file("x.npy") +
           " --input lr=" + dir.file(lr) + " " + more;
  }

  safetensors::File checkpoint(const std::string &path) {
    safetensors::File f;
    std::string error;
    EXPECT_TRUE(safetensors::read(path, f, error)) << error;
    return f;
  }

  TempDir dir;
};

std::vector<float> floats(const safetensors::Tensor &t) {
  std::vector<float> v(t.data.size() / 4);
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

// w's first value: the initialiser the metadata names, with --seed `seed`.
std::vector<float> initialW(uint64_t seed) {
  train::HostTensor t;
  std::string error;
  EXPECT_TRUE(train::initialValue({"w", tbin::DType::F32, {3}, "uniform", 3},
                                  seed, t, error));
  return test::valuesOf<float>(t);
}

int countLines(const std::string &text, const std::string &prefix) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    n += line.rfind(prefix, 0) == 0;
  return n;
}

} // namespace

TEST_F(TrainCli, InfoShowsKindsAndParameters) {
  CliResult r = runCli(dir, std::string("info ") + TESSERA_TEST_FIXTURE_TRAIN);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("format version: 3.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entry fit(param:w: f32[3], state:step: i64[], x: "
                       "f32[3], lr: f32[]) -> (loss: f32[], param:w: f32[3], "
                       "state:step: i64[])  symbol tessera_entry_fit  kind "
                       "train  optimizer sgd\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("entry predict(param:w: f32[3], x: f32[3]) -> (y: "
                       "f32[3])  symbol tessera_entry_predict\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("param w: f32[3]  init uniform  seed 3\n"),
            std::string::npos)
      << r.out;
}

TEST_F(TrainCli, TrainsLogsAndCheckpoints) {
  CliResult r =
      runCli(dir, fit("lr.npy", "--steps 10 --output-dir " + dir.file("a") +
                                    " --log " + dir.file("a.csv")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("tessera: note: initialised parameters (--seed 0): w "
                       "(uniform, seed 3)\n"),
            std::string::npos)
      << r.err;
  // Not a terminal: a line per step (10 steps, 10 tenths).
  EXPECT_EQ(countLines(r.err, "step "), 10) << r.err;
  EXPECT_NE(r.err.find("step 10/10  loss "), std::string::npos) << r.err;

  // w - x shrinks by 0.75 a step; the same float operations as the step.
  std::vector<float> w = initialW(0), x = {1, 2, 3};
  float firstLoss = 0;
  for (int step = 0; step < 10; ++step)
    for (int i = 0; i < 3; ++i) {
      float g = w[i] - x[i];
      if (step == 0)
        firstLoss += 0.5f * g * g;
      w[i] = w[i] - 0.25f * g;
    }
  char first[32];
  std::snprintf(first, sizeof first, "%.9g", firstLoss);
  EXPECT_EQ(r.out.rfind(
                std::string("fit: 10 steps (1-10), loss ") + first + " -> ", 0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\ncheckpoint: " + dir.file("a") +
                       "/checkpoint.safetensors (step 10)\n"),
            std::string::npos)
      << r.out;

  safetensors::File ckpt = checkpoint(dir.file("a/checkpoint.safetensors"));
  EXPECT_EQ(ckpt.metadata,
            (std::map<std::string, std::string>{{"entry", "fit"},
                                                {"module", "fixture_train"},
                                                {"step", "10"}}));
  EXPECT_EQ(floats(ckpt.tensors.at("w")), w);
  int64_t steps;
  std::memcpy(&steps, ckpt.tensors.at("state:step").data.data(), 8);
  EXPECT_EQ(steps, 10);

  std::string csv = readText(dir.file("a.csv"));
  EXPECT_EQ(csv.rfind(std::string("step,loss\n1,") + first + "\n2,", 0), 0u)
      << csv;
  EXPECT_EQ(countLines(csv, ""), 11);
}

// 10 steps, or 5 and 5 more from the first checkpoint, on any number of
// threads: the same bytes.
TEST_F(TrainCli, ResumingGivesTheSameCheckpoint) {
  ASSERT_EQ(
      runCli(dir, fit("lr.npy", "--steps 10 --output-dir " + dir.file("whole")))
          .status,
      0);
  ASSERT_EQ(runCli(dir, fit("lr.npy", "--steps 5 --threads 1 --output-dir " +
                                          dir.file("first")))
                .status,
            0);
  CliResult r =
      runCli(dir, fit("lr.npy", "--steps 5 --threads 3 --params " +
                                    dir.file("first/checkpoint.safetensors") +
                                    " --output-dir " + dir.file("second")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("tessera: note: resuming from " +
                       dir.file("first/checkpoint.safetensors") +
                       " at step 5\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("initialised"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("step 6/10  loss "), std::string::npos) << r.err;
  EXPECT_EQ(r.out.rfind("fit: 5 steps (6-10), loss ", 0), 0u) << r.out;
  std::vector<uint8_t> whole =
      readBytes(dir.file("whole/checkpoint.safetensors"));
  ASSERT_FALSE(whole.empty());
  EXPECT_EQ(whole, readBytes(dir.file("second/checkpoint.safetensors")));
}

TEST_F(TrainCli, SeedsAndZeroSteps) {
  ASSERT_EQ(
      runCli(dir, fit("lr.npy", "--steps 0 --output-dir " + dir.file("s0")))
          .status,
      0);
  CliResult r = runCli(
      dir, fit("lr.npy", "--steps 0 --seed 7 --output-dir " + dir.file("s7")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "fit: 0 steps\ncheckpoint: " + dir.file("s7") +
                       "/checkpoint.safetensors (step 0)\n");
  EXPECT_NE(r.err.find("(--seed 7): w (uniform, seed 3)"), std::string::npos);
  EXPECT_EQ(
      floats(checkpoint(dir.file("s0/checkpoint.safetensors")).tensors.at("w")),
      initialW(0));
  EXPECT_EQ(
      floats(checkpoint(dir.file("s7/checkpoint.safetensors")).tensors.at("w")),
      initialW(7));
  EXPECT_NE(initialW(0), initialW(7));
}

TEST_F(TrainCli, NanStopsTheRun) {
  CliResult r = runCli(
      dir, std::string("run ") + TESSERA_TEST_FIXTURE_TRAIN +
               " --entry fit --input x=" + dir.file("xnan.npy") +
               " --input lr=" + dir.file("lr.npy") + " --steps 5 --log " +
               dir.file("l.jsonl") + " --output-dir " + dir.file("o"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  std::string path = dir.file("o/checkpoint.safetensors");
  EXPECT_NE(r.err.find("tessera: error: loss is nan at step 1; the last good "
                       "parameters (step 0) are in " +
                       path + "\n"),
            std::string::npos)
      << r.err;
  safetensors::File ckpt = checkpoint(path);
  EXPECT_EQ(ckpt.metadata.at("step"), "0");
  EXPECT_EQ(floats(ckpt.tensors.at("w")), initialW(0));
  EXPECT_EQ(readText(dir.file("l.jsonl")), "{\"step\": 1, \"loss\": null}\n");
}

// lr = 3 doubles |w - x| a step: the loss overflows, the parameters not yet.
TEST_F(TrainCli, DivergenceStopsAtTheFirstInfiniteLoss) {
  std::vector<float> w = initialW(0), x = {1, 2, 3}, good;
  int bad = 0;
  for (int step = 1; step <= 200 && !bad; ++step) {
    float loss = 0;
    for (int i = 0; i < 3; ++i) {
      float g = w[i] - x[i];
      loss += 0.5f * g * g;
    }
    if (std::isinf(loss)) {
      bad = step;
      break;
    }
    for (int i = 0; i < 3; ++i)
      w[i] = w[i] - 3.0f * (w[i] - x[i]);
  }
  ASSERT_GT(bad, 10);
  CliResult r = runCli(dir, fit("lr3.npy", "--steps 200 --checkpoint-every 7 "
                                           "--checkpoint " +
                                               dir.file("c.safetensors")));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(
      r.err.find("tessera: error: loss is inf at step " + std::to_string(bad) +
                 "; the last good parameters (step " + std::to_string(bad - 1) +
                 ") are in " + dir.file("c.safetensors") + "\n"),
      std::string::npos)
      << r.err;
  safetensors::File ckpt = checkpoint(dir.file("c.safetensors"));
  EXPECT_EQ(ckpt.metadata.at("step"), std::to_string(bad - 1));
  EXPECT_EQ(floats(ckpt.tensors.at("w")), w);
}

TEST_F(TrainCli, PlainEntryTakesTheCheckpointsParameters) {
  ASSERT_EQ(
      runCli(dir, fit("lr.npy", "--steps 3 --output-dir " + dir.file("t")))
          .status,
      0);
  std::string ckptPath = dir.file("t/checkpoint.safetensors");
  CliResult r = runCli(dir, std::string("run ") + TESSERA_TEST_FIXTURE_TRAIN +
                                " --entry predict --params " + ckptPath +
                                " --input x=" + dir.file("x.npy") +
                                " --output-dir " + dir.file("p"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, ""); // the checkpoint's state is not worth a note
  EXPECT_EQ(r.out.rfind("y: f32[3] = [", 0), 0u) << r.out;
  std::vector<float> w = floats(checkpoint(ckptPath).tensors.at("w"));
  npy::Array y;
  std::string error;
  ASSERT_TRUE(npy::read(dir.file("p/y.npy"), y, error)) << error;
  std::vector<float> values(3);
  std::memcpy(values.data(), y.data.data(), 12);
  EXPECT_EQ(values, (std::vector<float>{w[0] * 1, w[1] * 2, w[2] * 3}));

  // Without --params, from the initialiser.
  r = runCli(dir, std::string("run ") + TESSERA_TEST_FIXTURE_TRAIN +
                      " --entry predict --input x=" + dir.file("x.npy") +
                      " --output-dir " + dir.file("p"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "tessera: note: initialised parameters (--seed 0): w "
                   "(uniform, seed 3)\n");
}

TEST_F(TrainCli, Errors) {
  std::string model = TESSERA_TEST_FIXTURE_TRAIN;
  std::string x = " --input x=" + dir.file("x.npy");
  CliResult r = runCli(dir, "run " + model + " --entry predict --steps 3" + x);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "tessera: error: --steps applies to train entries only, "
                   "and 'predict' is a plain entry\n");

  r = runCli(dir, "run " + model + " --entry predict" + x +
                      " --input param:w=" + dir.file("x.npy"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "tessera: error: input 'param:w' is a parameter: it comes "
                   "from --params FILE.safetensors or from its initialiser\n");

  r = runCli(dir, "run " + model + " --entry fit" + x);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "tessera: error: missing input 'lr' (f32[]); pass --input "
                   "lr=FILE.npy\n");

  safetensors::File bad;
  bad.tensors["w"] = {safetensors::DType::F32, {2}, std::vector<uint8_t>(8)};
  std::string error;
  ASSERT_TRUE(safetensors::write(dir.file("bad.safetensors"), bad, error));
  r = runCli(dir, fit("lr.npy", "--params " + dir.file("bad.safetensors")));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "tessera: error: " + dir.file("bad.safetensors") +
                       ": parameter 'w' is f32[2] in the file but entry 'fit' "
                       "takes f32[3]\n");

  r = runCli(dir, fit("lr.npy", "--log " + dir.file("loss.txt")));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "tessera: error: --log expects a .csv or .jsonl file, got '" +
                dir.file("loss.txt") + "'\n");
  EXPECT_EQ(runCli(dir, fit("lr.npy", "--checkpoint-every 0")).status, 2);
  EXPECT_EQ(runCli(dir, fit("lr.npy", "--steps -1")).status, 2);
}
