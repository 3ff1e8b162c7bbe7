unit_smmuv3_test_srcs := drivers/smmuv3/smmuv3.c drivers/smmuv3/queue.c drivers/smmuv3/strtab.c \
	hyp/mem_protect.c hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c tests/unit/lib/hyp_stubs.c \
	tests/unit/lib/smmu_model.c
