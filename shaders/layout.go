package shaders

import (
	"fmt"
	"math"

	"bcp/core/assembly"
	"bcp/core/static"
)

// HeaderWords is the number of u32 words that describe one layer at the
// start of the Net buffer.
const HeaderWords = 24

// Indices of the words of a layer header. Offsets point into Net (M_E, M_Eᵀ,
// M_I, W_IE as compressed rows), into the parameters (W, B), into a sample's
// feedback record (FB) or into a sample's work record (Delta, H).
const (
	HK      = iota // ensembles K
	HNE            // E neurons
	HNI            // I neurons
	HOffE          // offset of uE in the state
	HOffI          // offset of uI in the state
	HKPrev         // width D_{l−1} of the layer's input
	HMEPtr         // M_E by rows: row pointers (N_E+1), columns, values
	HMECol         //
	HMEVal         //
	HMETPtr        // M_E by columns: column pointers (K+1), rows, values
	HMETRow        //
	HMETVal        //
	HMIPtr         // M_I by rows
	HMICol         //
	HMIVal         //
	HWIEPtr        // W_IE by rows
	HWIECol        //
	HWIEVal        //
	HInvNE         // 1/n_E as float bits
	HW             // offset of W_l in the parameters
	HB             // offset of b_l in the parameters, or NoBias
	HFB            // offset of B_l in a sample's feedback record
	HDelta         // offset of δ_l = M_Eᵀ e_l in the work record
	HH             // offset of h_l (closed-loop state) in the work record
)

// NoBias marks a layer without biases in HB.
const NoBias = math.MaxUint32

// Status values of a sample's integration (Ctl.Status).
const (
	Running = 0 // still integrating
	Horizon = 1 // reached the horizon T
	Steady  = 2 // stopped at steady state
	Failed  = 3 // hit the step limit
)

// Layout places a static network and the per-sample state of its training
// step in GPU buffers. All offsets and sizes count 4-byte words.
type Layout struct {
	L, In, Out int
	K, NE, NI  []int
	MaxK       int

	OLLen, CLLen int // state lengths without and with the controller state
	OffO         int // offset of uo in the state
	S            int // state stride (CLLen) of the stage buffer

	// Work record of one sample: y (S), stage state (S), target (D),
	// previous error (D), a_1 (K_1), J and J·D scratch (D·MaxK each), δ_l
	// and h_l (K_l each), e_o (D), outputs (OutLen: ŷ_OL, ŷ_CL, RMS(e_l),
	// and the open loop's accepted, rejected and attempted steps and status).
	WS                                           int
	OffTmp, OffTgt, OffEPrev, OffA1, OffJ, OffJD int
	Delta, H                                     []int
	OffEO, OffOut                                int

	FBS int   // feedback record of one sample: Σ_l N_I·D
	FB  []int // offset of B_l in it

	ParamOff []int // offset of every parameter array
	ParamLen int
	WoOff    int

	Net []uint32 // headers and structure
}

// OutLen is the size of the output part of a work record.
func (ly *Layout) OutLen() int { return 2*ly.Out + ly.L + 4 }

// Offsets inside the output part of a work record.
func (ly *Layout) OutYOL() int   { return ly.OffOut }
func (ly *Layout) OutYCL() int   { return ly.OffOut + ly.Out }
func (ly *Layout) OutRMS() int   { return ly.OffOut + 2*ly.Out }
func (ly *Layout) OutStats() int { return ly.OffOut + 2*ly.Out + ly.L }

// NewLayout lays out net. The controller state is present unless the
// controller is proportional.
func NewLayout(net *static.Network) (*Layout, error) {
	cfg := &net.Cfg
	ly := &Layout{L: len(net.Layers), In: net.In, Out: net.Out}
	off := 0
	for _, l := range net.Layers {
		ly.K = append(ly.K, l.K)
		ly.NE = append(ly.NE, l.NE)
		ly.NI = append(ly.NI, l.NI)
		ly.MaxK = max(ly.MaxK, l.K)
		off += l.NE + l.NI
	}
	d := net.Out
	ly.OffO = off
	ly.OLLen = off + d
	ly.CLLen = ly.OLLen
	if cfg.Controller != "p" {
		ly.CLLen += d
	}
	ly.S = ly.CLLen

	w := 2 * ly.S
	ly.OffTmp = ly.S
	ly.OffTgt, w = w, w+d
	ly.OffEPrev, w = w, w+d
	ly.OffA1, w = w, w+ly.K[0]
	ly.OffJ, w = w, w+d*ly.MaxK
	ly.OffJD, w = w, w+d*ly.MaxK
	for _, k := range ly.K {
		ly.Delta = append(ly.Delta, w)
		w += k
	}
	for _, k := range ly.K {
		ly.H = append(ly.H, w)
		w += k
	}
	ly.OffEO, w = w, w+d
	ly.OffOut, w = w, w+ly.OutLen()
	ly.WS = w

	for _, ni := range ly.NI {
		ly.FB = append(ly.FB, ly.FBS)
		ly.FBS += ni * d
	}

	for _, p := range net.Params {
		ly.ParamOff = append(ly.ParamOff, ly.ParamLen)
		ly.ParamLen += len(p)
	}
	ly.WoOff = ly.ParamOff[net.ReadoutIndex()]

	if err := ly.pack(net); err != nil {
		return nil, err
	}
	return ly, nil
}

// pack writes the layer headers and the sparse structure into Net.
func (ly *Layout) pack(net *static.Network) error {
	words := ly.L * HeaderWords
	buf := make([]uint32, words)
	add := func(v []uint32) uint32 {
		o := uint32(len(buf))
		buf = append(buf, v...)
		return o
	}
	ints := func(v []int) []uint32 {
		out := make([]uint32, len(v))
		for i, x := range v {
			out[i] = uint32(x)
		}
		return out
	}
	i32s := func(v []int32) []uint32 {
		out := make([]uint32, len(v))
		for i, x := range v {
			out[i] = uint32(x)
		}
		return out
	}
	floats := func(v []float32) []uint32 {
		out := make([]uint32, len(v))
		for i, x := range v {
			out[i] = math.Float32bits(x)
		}
		return out
	}
	off := 0
	kPrev := net.In
	for l, layer := range net.Layers {
		h := make([]uint32, HeaderWords)
		h[HK], h[HNE], h[HNI] = uint32(layer.K), uint32(layer.NE), uint32(layer.NI)
		h[HOffE], h[HOffI], h[HKPrev] = uint32(off), uint32(off+layer.NE), uint32(kPrev)
		h[HMEPtr] = add(ints(layer.ME.Ptr))
		h[HMECol] = add(i32s(layer.ME.Col))
		h[HMEVal] = add(floats(layer.ME.Val))
		tp, tr, tv := transpose(layer.ME)
		h[HMETPtr] = add(ints(tp))
		h[HMETRow] = add(i32s(tr))
		h[HMETVal] = add(floats(tv))
		h[HMIPtr] = add(ints(layer.MI.Ptr))
		h[HMICol] = add(i32s(layer.MI.Col))
		h[HMIVal] = add(floats(layer.MI.Val))
		h[HWIEPtr] = add(ints(layer.WIE.Ptr))
		h[HWIECol] = add(i32s(layer.WIE.Col))
		h[HWIEVal] = add(floats(layer.WIE.Val))
		h[HInvNE] = math.Float32bits(layer.InvNE)
		h[HW] = uint32(ly.ParamOff[net.WeightIndex(l)])
		h[HB] = NoBias
		if bi := net.BiasIndex(l); bi >= 0 {
			h[HB] = uint32(ly.ParamOff[bi])
		}
		h[HFB] = uint32(ly.FB[l])
		h[HDelta] = uint32(ly.Delta[l])
		h[HH] = uint32(ly.H[l])
		copy(buf[l*HeaderWords:], h)
		off += layer.NE + layer.NI
		kPrev = layer.K
	}
	if len(buf) >= math.MaxUint32/2 {
		return fmt.Errorf("shaders: the network structure needs %d words, too many for 32-bit offsets", len(buf))
	}
	ly.Net = buf
	return nil
}

// transpose returns the column pointers, row indices and values of M, with
// the rows of every column in increasing order.
func transpose(m *assembly.Membership) (ptr []int, row []int32, val []float32) {
	ptr = make([]int, m.K+1)
	for _, c := range m.Col {
		ptr[c+1]++
	}
	for k := 0; k < m.K; k++ {
		ptr[k+1] += ptr[k]
	}
	row = make([]int32, len(m.Col))
	val = make([]float32, len(m.Col))
	next := append([]int(nil), ptr[:m.K]...)
	for i := 0; i < m.N; i++ {
		for e := m.Ptr[i]; e < m.Ptr[i+1]; e++ {
			c := m.Col[e]
			row[next[c]] = int32(i)
			val[next[c]] = m.Val[e]
			next[c]++
		}
	}
	return ptr, row, val
}

// PackParams copies the parameter arrays into one flat slice, in the order
// of Network.Params.
func (ly *Layout) PackParams(params [][]float32, dst []float32) {
	for i, p := range params {
		copy(dst[ly.ParamOff[i]:], p)
	}
}

// UnpackParams copies a flat slice back into the parameter arrays.
func (ly *Layout) UnpackParams(src []float32, params [][]float32) {
	for i, p := range params {
		copy(p, src[ly.ParamOff[i]:ly.ParamOff[i]+len(p)])
	}
}
