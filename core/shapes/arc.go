package shapes

import (
	"fmt"
	"math"
)

// arcSegment converts an SVG elliptical arc in endpoint form (from, to, radii
// rx and ry, x-axis rotation phiDeg in degrees, large-arc and sweep flags) to
// a segment, following the endpoint-to-centre conversion of the SVG
// specification:
//
//	(x₁′, y₁′) = R(−φ)·(from − to)/2,
//	u = x₁′/rx,  v = y₁′/ry,  Λ = u² + v²,
//
// if Λ > 1 the radii are too small to reach and are scaled by √Λ (the arc is
// then half an ellipse about the chord's midpoint); otherwise
//
//	c = ±√((1 − Λ)/Λ),  (cx′, cy′) = c·(rx·v, −ry·u),
//
// with + when the flags differ, and the centre is R(φ)·(cx′, cy′) + (from +
// to)/2. The start angle θ₁ is the angle of (u − c·v, v + c·u), the end angle
// that of (−u − c·v, −v + c·u), and the sweep Δθ = θ₂ − θ₁ is taken
// positive for sweep = 1 and negative for sweep = 0.
//
// Negative radii count as their absolute values, a zero radius makes the arc
// a straight line, and an arc that ends where it starts is left out (nil).
func arcSegment(from, to Point, rx, ry, phiDeg float64, large, sweep bool) (Segment, error) {
	if from == to {
		return nil, nil
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		return Line{from, to}, nil
	}

	phi := math.Mod(phiDeg, 360) * math.Pi / 180
	sp, cp := math.Sincos(phi)
	hx, hy := (from[0]-to[0])/2, (from[1]-to[1])/2
	x1, y1 := cp*hx+sp*hy, -sp*hx+cp*hy

	u, v := x1/rx, y1/ry
	lam := math.Hypot(u, v) // √Λ, without overflowing Λ
	var c float64
	if lam >= 1 {
		rx, ry = rx*lam, ry*lam
		u, v = u/lam, v/lam
	} else {
		c = math.Sqrt((1-lam)*(1+lam)) / lam
		if large == sweep {
			c = -c
		}
	}
	cx, cy := c*rx*v, -c*ry*u
	center := Point{cp*cx - sp*cy + (from[0]+to[0])/2, sp*cx + cp*cy + (from[1]+to[1])/2}

	th1 := math.Atan2(v+c*u, u-c*v)
	th2 := math.Atan2(-v+c*u, -u-c*v)
	dth := th2 - th1
	if sweep && dth < 0 {
		dth += 2 * math.Pi
	} else if !sweep && dth > 0 {
		dth -= 2 * math.Pi
	}

	a := Arc{From: from, To: to, Center: center, Rx: rx, Ry: ry, Phi: phi,
		Theta1: th1, DeltaTheta: dth}
	for _, x := range []float64{center[0], center[1], rx, ry, th1, dth} {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("the arc's radii are too extreme for the distance between its ends")
		}
	}
	return a, nil
}
