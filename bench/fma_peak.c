/* Measured f32 FMA peak of this machine: every thread runs independent
 * fused multiply-adds on registers only (no memory traffic) for a fixed
 * time; prints GFLOP/s over all threads. bench/gemm_sweep.py builds and runs
 * it so "% of peak" means the peak this machine really sustains (turbo
 * clocks included), not a nominal clock.
 *
 *   cc -O2 -mavx512f -pthread fma_peak.c -o fma_peak   (or -mavx2 -mfma)
 *   ./fma_peak THREADS
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define STORE _mm512_storeu_ps
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define STORE _mm256_storeu_ps
#else
#error "build with -mavx512f or -mavx2 -mfma"
#endif

/* More independent chains than (FMA latency x FMA units) on any x86 core. */
#define CHAINS 16
#define ITERS 20000000L

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Sixteen named accumulators: an array would live in memory at -O2. */
#define ALL(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
               X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define DECLARE(j) vec a##j = SET1((float)(j));
#define STEP(j) a##j = FMA(a##j, m, c);
#define REDUCE(j) a0 = FMA(a0, m, a##j);

static void *worker(void *arg) {
  float *sink = arg;
  vec m = SET1(0.999999f), c = SET1(1e-7f);
  ALL(DECLARE)
  for (long i = 0; i < ITERS; ++i) {
    ALL(STEP)
  }
  ALL(REDUCE) /* keep every chain alive */
  STORE(sink, a0);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256) {
    fprintf(stderr, "usage: fma_peak THREADS (1..256)\n");
    return 2;
  }
  pthread_t ids[256];
  static float sinks[256][LANES];
  double start = seconds();
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, worker, sinks[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  double elapsed = seconds() - start;
  double flops = 2.0 * LANES * CHAINS * (double)ITERS * threads;
  printf("%.1f\n", flops / elapsed / 1e9);
  return 0;
}
