unit_mem_protect_test_srcs := hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c tests/unit/lib/hyp_stubs.c \
	tests/unit/lib/mp_model.c
