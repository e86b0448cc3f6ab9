// Contexts, buffers, streams and events through the C API.
#include "tessera/tessera_rt.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

TEST(Context, Devices) {
  // "cuda" is in test_cuda_context.cpp: it depends on the machine.
  tessera_context_t ctx = nullptr;
  EXPECT_EQ(tessera_context_create("hip:1", 0, &ctx),
            TESSERA_ERROR_UNSUPPORTED);
  EXPECT_STREQ(tessera_last_error(),
               "device 'hip:1' is not available in this build");
  EXPECT_EQ(tessera_context_create("tpu", 0, &ctx),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(tessera_last_error(),
               "unknown device 'tpu' (expected cpu, cuda[:N] or hip[:N])");
  EXPECT_EQ(tessera_context_create("cpu", -1, &ctx),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(ctx, nullptr);
  ASSERT_EQ(tessera_context_create("cpu", 0, &ctx), TESSERA_OK);
  int n = 0;
  EXPECT_EQ(tessera_context_num_threads(ctx, &n), TESSERA_OK);
  EXPECT_GE(n, 1);
  EXPECT_EQ(tessera_context_destroy(ctx), TESSERA_OK);
  EXPECT_EQ(tessera_context_destroy(nullptr), TESSERA_OK);
}

TEST(Context, WrapperThrows) {
  try {
    tessera::Context ctx("hip:0");
    FAIL();
  } catch (const tessera::Error &e) {
    EXPECT_EQ(e.status(), TESSERA_ERROR_UNSUPPORTED);
    EXPECT_STREQ(e.what(), "device 'hip:0' is not available in this build");
  }
}

TEST(Buffer, AllocCopyFree) {
  tessera::Context ctx("cpu", 1);
  tessera::Buffer a(ctx, 100), b(ctx, 100), empty(ctx, 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
  EXPECT_EQ(a.size(), 100u);
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_NE(empty.data(), nullptr);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(static_cast<uint8_t *>(b.data())[i], 0); // zero-filled
  std::memset(a.data(), 7, 100);
  EXPECT_EQ(tessera_buffer_copy(b.get(), a.get(), 60), TESSERA_OK);
  EXPECT_EQ(static_cast<uint8_t *>(b.data())[59], 7);
  EXPECT_EQ(static_cast<uint8_t *>(b.data())[60], 0);
  EXPECT_EQ(tessera_buffer_copy(b.get(), a.get(), 101),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tessera_buffer_copy(empty.get(), a.get(), 1),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tessera_buffer_data(nullptr), nullptr);
  EXPECT_EQ(tessera_buffer_free(nullptr), TESSERA_OK);
}

TEST(Stream, EventsCompleteInStreamOrder) {
  tessera_context_t ctx, other;
  ASSERT_EQ(tessera_context_create("cpu", 2, &ctx), TESSERA_OK);
  ASSERT_EQ(tessera_context_create("cpu", 1, &other), TESSERA_OK);
  tessera_stream_t s, s2;
  tessera_event_t e;
  ASSERT_EQ(tessera_stream_create(ctx, &s), TESSERA_OK);
  ASSERT_EQ(tessera_stream_create(other, &s2), TESSERA_OK);
  ASSERT_EQ(tessera_event_create(ctx, &e), TESSERA_OK);
  EXPECT_EQ(tessera_event_wait(e), TESSERA_OK); // never recorded: complete
  EXPECT_EQ(tessera_event_record(e, s), TESSERA_OK);
  EXPECT_EQ(tessera_event_wait(e), TESSERA_OK);
  EXPECT_EQ(tessera_event_record(e, s2), TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tessera_stream_synchronize(s), TESSERA_OK);
  EXPECT_EQ(tessera_stream_synchronize(nullptr),
            TESSERA_ERROR_INVALID_ARGUMENT);
  tessera_event_destroy(e);
  tessera_stream_destroy(s);
  tessera_stream_destroy(s2);
  tessera_context_destroy(ctx);
  tessera_context_destroy(other);
}

TEST(Status, StringsAndDTypes) {
  EXPECT_STREQ(tessera_status_string(TESSERA_ERROR_IO), "TESSERA_ERROR_IO");
  EXPECT_STREQ(tessera_dtype_name(TESSERA_DTYPE_BF16), "bf16");
  EXPECT_STREQ(tessera_dtype_name(TESSERA_DTYPE_FP8_E4M3), "fp8_e4m3");
  EXPECT_STREQ(tessera_dtype_name(TESSERA_DTYPE_FP8_E5M2), "fp8_e5m2");
  EXPECT_EQ(tessera_dtype_size(TESSERA_DTYPE_FP8_E5M2), 1u);
  EXPECT_EQ(tessera_dtype_name(0), nullptr);
  EXPECT_EQ(tessera_dtype_size(TESSERA_DTYPE_I64), 8u);
  EXPECT_EQ(tessera_dtype_size(77), 0u);
}
