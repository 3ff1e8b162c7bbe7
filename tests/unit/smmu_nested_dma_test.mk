# Recursive (=): SMMU_TEST_LIBS is set in smmuv3_test.mk, included after this file.
unit_smmu_nested_dma_test_srcs = $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
