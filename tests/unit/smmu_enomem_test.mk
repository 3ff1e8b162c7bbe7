# Recursive: SMMU_TEST_LIBS comes from smmuv3_test.mk, read after this file.
unit_smmu_enomem_test_srcs = $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
# The test counts and fails the pool's page allocations (its __wrap_hyp_alloc_page).
unit_smmu_enomem_test_ldlibs := -Wl,--wrap=hyp_alloc_page
