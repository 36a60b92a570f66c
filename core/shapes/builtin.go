package shapes

import (
	"fmt"
	"strings"
)

// builtins are the drawings made for this project, as SVG path data in a
// 200 × 200 box with y growing downwards. Each is one closed outline, so that
// a network traces it as a single loop; all are symmetric about x = 100.
var builtins = []struct{ name, d string }{
	{"turtle", turtleData},
	{"butterfly", butterflyData},
	{"heart", heartData},
	{"star", starData},
}

// turtleData is a sea turtle seen from above, head up, traced clockwise from
// the top of the head: the right side of the head and neck, the front of the
// carapace with two marginal scutes, the right front flipper (leading edge
// bulging forwards, pointed tip swept back, concave trailing edge), four
// scutes along the side, the rounded right hind flipper, two scutes to the
// pointed tail, and the left side in mirror image.
const turtleData = `M 100 12 C 108 12 115 20 115 30 C 115 38 111 43 109 46 L 108.4 50.8
	Q 115.4 48.1 120.1 54.7 Q 127.3 53.8 130.5 61.5 C 142.5 50.5 168 58 179 76
	C 188 91 190 110 186 126 C 176 108 160 93 146.8 86.7 Q 152.5 91 149.5 98.9
	Q 154.4 104.6 150 111.6 Q 153.8 118.6 148.4 124.4 Q 150.9 132.3 144.8 136.7
	C 154.8 139.7 161 155 167 165 C 172 173 170 182 161 181 C 151 180 141 173 131.5 158.5
	Q 128.3 167.6 120.6 167.8 Q 115.7 175.2 108.5 173 C 107.5 178 103 182 100 188
	C 97 182 92.5 178 91.5 173 Q 84.3 175.2 79.4 167.8 Q 71.7 167.6 68.5 158.5
	C 59 173 49 180 39 181 C 30 182 28 173 33 165 C 39 155 45.2 139.7 55.2 136.7
	Q 49.1 132.3 51.6 124.4 Q 46.2 118.6 50 111.6 Q 45.6 104.6 50.5 98.9
	Q 47.5 91 53.2 86.7 C 40 93 24 108 14 126 C 10 110 12 91 21 76
	C 32 58 57.5 50.5 69.5 61.5 Q 72.7 53.8 79.9 54.7 Q 84.6 48.1 91.6 50.8
	L 91 46 C 89 43 85 38 85 30 C 85 20 92 12 100 12 Z`

// butterflyData is a butterfly with spread wings, traced clockwise from the
// top of the head: the right antenna with its club (an arc), the right
// forewing, the thorax, the right hindwing with its tail, the abdomen, and
// the left side in mirror image.
const butterflyData = `M 100 43 C 101.5 43 102.8 43.6 103.6 44.5 Q 110 32 124 20 A 4 4 0 1 1 128 25
	Q 112 36 104.7 46.5 C 105.5 48.5 105.5 51 104.8 53 C 118 42 132 20 160 18
	C 186 16 196 30 190 52 C 184 72 170 88 150 94 C 132 99 116 96 107 97
	C 106 99 106 101 107 103 C 130 98 168 102 172 124 C 176 146 156 160 142 162
	C 138 172 136 184 128 190 C 122 194 118 182 118 170 C 114 152 110 136 106 124
	C 107 140 104 160 100 166 C 96 160 93 140 94 124 C 90 136 86 152 82 170
	C 82 182 78 194 72 190 C 64 184 62 172 58 162 C 44 160 24 146 28 124
	C 32 102 70 98 93 103 C 94 101 94 99 93 97 C 84 96 68 99 50 94
	C 30 88 16 72 10 52 C 4 30 14 16 40 18 C 68 20 82 42 95.2 53
	C 94.5 51 94.5 48.5 95.3 46.5 Q 88 36 72 25 A 4 4 0 1 1 76 20
	Q 90 32 96.4 44.5 C 97.2 43.6 98.5 43 100 43 Z`

// heartData is a heart: two semicircular lobes (arcs) on cubic sides.
const heartData = `M 100 178 C 64 150 24 118 24 70 A 38 38 0 0 1 100 70 A 38 38 0 0 1 176 70
	C 176 118 136 150 100 178 Z`

// starData is a five-pointed star, outer radius 92 and inner radius 37.
const starData = `M 100 16 L 121.7 78.1 L 187.5 79.6 L 135.2 119.4 L 154.1 182.4
	L 100 145 L 45.9 182.4 L 64.8 119.4 L 12.5 79.6 L 78.3 78.1 Z`

// Names returns the names of the built-in drawings, "turtle" first.
func Names() []string {
	out := make([]string, len(builtins))
	for i, b := range builtins {
		out[i] = b.name
	}
	return out
}

// Builtin returns the built-in drawing called name; see Names.
func Builtin(name string) (Path, error) {
	for _, b := range builtins {
		if b.name == name {
			p, err := parsePathData(b.d)
			if err != nil {
				panic(fmt.Sprintf("shapes: built-in drawing %q: %v", name, err))
			}
			return p, nil
		}
	}
	return Path{}, fmt.Errorf("shapes: unknown drawing %q; the built-in drawings are %s",
		name, strings.Join(Names(), ", "))
}
