# Recursive: SMMU_TEST_LIBS comes from smmuv3_test.mk, read after this file.
unit_smmu_install_test_srcs = $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
