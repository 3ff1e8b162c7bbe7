SMMU_TEST_LIBS := tests/unit/lib/host_mem.c hyp/mem_protect.c hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c \
	tests/unit/lib/hyp_stubs.c tests/unit/lib/smmu_model.c tests/unit/lib/poc_memory.c \
	tests/unit/lib/smmu_machine.c
unit_smmuv3_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
unit_smmuv3_probe_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
unit_smmu_robust_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
