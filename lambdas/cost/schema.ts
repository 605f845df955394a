/** The Fargate vCPU and memory combinations AWS offers (memory in GB for each vCPU), smallest first. */
export const FARGATE_SIZES: ReadonlyArray<readonly [vcpu: number, memoryGb: number[]]> = [
  [0.25, [0.5, 1, 2]],
  [0.5, [1, 2, 3, 4]],
  [1, [2, 3, 4, 5, 6, 7, 8]],
  [2, Array.from({ length: 13 }, (_, i) => 4 + i)],
  [4, Array.from({ length: 23 }, (_, i) => 8 + i)],
  [8, Array.from({ length: 12 }, (_, i) => 16 + i * 4)],
  [16, Array.from({ length: 12 }, (_, i) => 32 + i * 8)],
];

/** Valid Fargate CPU for a memory size: the smallest vCPU that offers it, and the memory rounded up. */
export function defaultFargateSize(memoryMb: number): { vcpu: number; memoryGb: number } {
  for (const [vcpu, memories] of FARGATE_SIZES) {
    const memoryGb = memories.find((m) => m * 1024 >= memoryMb);
    if (memoryGb !== undefined) return { vcpu, memoryGb };
  }
  return { vcpu: 16, memoryGb: 120 };
}
