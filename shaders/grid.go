package shaders

// WG is the default workgroup size of every kernel but matmul (MatMulWG),
// for hardware GPUs; Consts.WG overrides it (software adapters run best
// with their SIMD width, 8).
const WG = 128

// MaxGroups is WebGPU's guaranteed limit of workgroups per dimension.
const MaxGroups = 65535

// MatMulTile is the side of the output tile of one matmul workgroup, and
// MatMulWG its number of invocations (each computes 4×4 outputs).
const (
	MatMulTile = 64
	MatMulWG   = 256
)

// Grid returns the workgroup counts that give n workgroups, one per sample,
// within the per-dimension limit: x = min(n, MaxGroups), y = ⌈n/x⌉. A
// kernel recovers the sample as wg.x + wg.y·x and skips indices ≥ n.
func Grid(n int) (x, y, z uint32) {
	if n <= 0 {
		return 0, 0, 0
	}
	gx := min(n, MaxGroups)
	return uint32(gx), uint32((n + gx - 1) / gx), 1
}

// GridFlat returns the workgroup counts of an element-wise kernel over n
// elements with wg invocations per workgroup.
func GridFlat(n, wg int) (x, y, z uint32) {
	return Grid((n + wg - 1) / wg)
}

// FlatIndex is the element index of invocation lid of workgroup (wx, wy)
// in a grid with nx workgroups along x (num_workgroups.x) of wg
// invocations, as the WGSL kernels compute it.
func FlatIndex(wx, wy, nx, lid, wg uint32) uint32 {
	return (wy*nx+wx)*wg + lid
}

// SampleIndex is the sample of workgroup (wx, wy) of a Grid.
func SampleIndex(wx, wy, nx uint32) uint32 { return wy*nx + wx }

// MatMulGrid returns the workgroup counts of matmul.wgsl for an M×N output.
func MatMulGrid(m, n int) (x, y, z uint32) {
	return uint32((n + MatMulTile - 1) / MatMulTile), uint32((m + MatMulTile - 1) / MatMulTile), 1
}
