# tests/numeric: layers against PyTorch fixtures (one test per fixture file,
# run by test_fixture), finite-difference gradient checks in double precision,
# CUDA against CPU.
noinst_HEADERS += tests/numeric/runners.h
EXTRA_DIST += tests/tools/make_fixtures.py

check_PROGRAMS += tests/numeric/test_fixture
tests_numeric_test_fixture_SOURCES = tests/numeric/test_fixture.c tests/numeric/runners.c
tests_numeric_test_fixture_LDADD = libradnow.la

TEST_EXTENSIONS += .rnt
RNT_LOG_COMPILER = tests/numeric/test_fixture
include tests/numeric/fixtures.mk
TESTS += $(NN_FIXTURES)
EXTRA_DIST += $(NN_FIXTURES)

check_PROGRAMS += tests/numeric/test_gradcheck
noinst_HEADERS += tests/numeric/ref.h tests/numeric/gradcheck.h
tests_numeric_test_gradcheck_SOURCES = tests/numeric/test_gradcheck.c tests/numeric/ref.c \
	tests/numeric/gradcheck.c tests/numeric/runners.c
tests_numeric_test_gradcheck_LDADD = libradnow.la
TESTS += tests/numeric/test_gradcheck

check_PROGRAMS += tests/unit/test_nn_core
tests_unit_test_nn_core_LDADD = libradnow.la
TESTS += tests/unit/test_nn_core

check_PROGRAMS += tests/numeric/test_cuda
tests_numeric_test_cuda_SOURCES = tests/numeric/test_cuda.c tests/numeric/runners.c
tests_numeric_test_cuda_LDADD = libradnow.la
TESTS += tests/numeric/test_cuda

# The CUDA kernels compiled by the host C++ compiler and checked on the CPU
# (needs the CUDA headers, so only when the CUDA backend is built).
if BUILD_CUDA
check_PROGRAMS += tests/numeric/test_cuda_kernels
tests_numeric_test_cuda_kernels_SOURCES = tests/numeric/test_cuda_kernels.cc tests/numeric/runners.c
tests_numeric_test_cuda_kernels_CPPFLAGS = $(AM_CPPFLAGS) $(CUDA_CFLAGS)
tests_numeric_test_cuda_kernels_CXXFLAGS = -std=c++17 -ffp-contract=off -Wall -Wno-unused-function
tests_numeric_test_cuda_kernels_LDADD = libradnow.la
TESTS += tests/numeric/test_cuda_kernels
endif
EXTRA_DIST += tests/numeric/test_cuda_kernels.cc

check_PROGRAMS += tests/numeric/test_winograd
tests_numeric_test_winograd_SOURCES = tests/numeric/test_winograd.c tests/numeric/ref.c
tests_numeric_test_winograd_LDADD = libradnow.la
TESTS += tests/numeric/test_winograd
