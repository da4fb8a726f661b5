package service

import (
	"fmt"
	"slices"
)

// fargateSizes lists, per task CPU (units of 1/1024 vCPU), the memory sizes in MiB Fargate accepts.
var fargateSizes = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, by int) []int {
	var out []int
	for v := from; v <= to; v += by {
		out = append(out, v)
	}
	return out
}

// FargateSize checks a task size against the CPU and memory combinations Fargate accepts.
func FargateSize(cpu, memoryMiB int) error {
	mems, ok := fargateSizes[cpu]
	if !ok {
		return fmt.Errorf("a Fargate task needs a CPU of 256, 512, 1024, 2048, 4096, 8192 or 16384, got %d", cpu)
	}
	if !slices.Contains(mems, memoryMiB) {
		if len(mems) <= 3 {
			return fmt.Errorf("a Fargate task cannot run %d CPU with %d MiB: use %v MiB", cpu, memoryMiB, mems)
		}
		return fmt.Errorf("a Fargate task cannot run %d CPU with %d MiB: use %d to %d MiB in steps of %d",
			cpu, memoryMiB, mems[0], mems[len(mems)-1], mems[1]-mems[0])
	}
	return nil
}
