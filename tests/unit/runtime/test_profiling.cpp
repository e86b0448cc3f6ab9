// Profiling on the CPU through the C API: one event per kernel launch,
// named by the module's kernel table, and the switch's semantics (on
// clears, off keeps).
#include "tessera/tessera_rt.hpp"

#include <gtest/gtest.h>

using namespace tessera;

namespace {

// Runs the fixture's skeleton (out = a + b, 4 elements a tile) on n values.
void runSkeleton(const Function &fn, int64_t n) {
  std::vector<float> a(n, 1.0f), b(n, 2.0f), out(n);
  std::vector<int64_t> shape = {n};
  std::vector<tessera_tensor_t> in = {tensorView(a.data(), shape),
                                      tensorView(b.data(), shape)};
  std::vector<tessera_tensor_t> outs = {tensorView(out.data(), shape)};
  fn.invoke(in, outs);
  ASSERT_EQ(n > 0 ? out[n - 1] : 3.0f, 3.0f);
}

} // namespace

TEST(Profiling, RecordsEveryCpuLaunch) {
  Context ctx("cpu", 3);
  Module m(ctx, TESSERA_TEST_FIXTURE_MULTI);
  Function skeleton = m.function("skeleton");
  // Off unless switched on.
  runSkeleton(skeleton, 10);
  EXPECT_TRUE(ctx.profileEvents().empty());

  ctx.setProfiling(true);
  runSkeleton(skeleton, 10);
  runSkeleton(skeleton, 1001);
  runSkeleton(skeleton, 0); // zero tiles: nothing ran, nothing recorded
  std::vector<float> x(5 * 3), y(5 * 3);
  std::vector<int64_t> shape = {5, 3};
  std::vector<tessera_tensor_t> in = {tensorView(x.data(), shape)};
  std::vector<tessera_tensor_t> out = {tensorView(y.data(), shape)};
  m.function("scale").invoke(in, out);

  std::vector<ProfileEvent> events = ctx.profileEvents();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].name, "add_0");
  EXPECT_EQ(events[0].numTiles, 3);
  EXPECT_EQ(events[1].name, "add_0");
  EXPECT_EQ(events[1].numTiles, 251);
  EXPECT_EQ(events[2].name, "scale_0");
  EXPECT_EQ(events[2].numTiles, 3);
  double lastEnd = 0;
  for (const ProfileEvent &e : events) {
    EXPECT_GE(e.durationUs, 0);
    EXPECT_GE(e.startUs, lastEnd);
    lastEnd = e.startUs + e.durationUs;
  }

  // Off keeps what was recorded and records no more.
  ctx.setProfiling(false);
  runSkeleton(skeleton, 10);
  EXPECT_EQ(ctx.profileEvents().size(), 3u);
  // On again starts afresh.
  ctx.setProfiling(true);
  EXPECT_TRUE(ctx.profileEvents().empty());
  runSkeleton(skeleton, 4);
  ASSERT_EQ(ctx.profileEvents().size(), 1u);
  EXPECT_EQ(ctx.profileEvents()[0].numTiles, 1);
}

TEST(Profiling, BadArguments) {
  EXPECT_EQ(tessera_context_set_profiling(nullptr, 1),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tessera_context_num_profile_events(nullptr), 0u);
  EXPECT_STREQ(tessera_last_error(),
               "tessera_context_num_profile_events: NULL context");
  Context ctx("cpu", 1);
  tessera_profile_event_t e;
  EXPECT_EQ(tessera_context_profile_event(ctx.get(), 0, &e),
            TESSERA_ERROR_NOT_FOUND);
  EXPECT_EQ(tessera_context_profile_event(ctx.get(), 0, nullptr),
            TESSERA_ERROR_INVALID_ARGUMENT);
}
