unit_dma_policy_test_srcs := hyp/dma_policy.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c hyp/lock.c tests/unit/lib/host_mem.c tests/unit/lib/hyp_stubs.c
