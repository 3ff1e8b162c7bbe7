unit_smmuv3_test_srcs := $(SMMUV3_SRCS) \
	hyp/mem_protect.c hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c tests/unit/lib/hyp_stubs.c \
	tests/unit/lib/smmu_model.c
