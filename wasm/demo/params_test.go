package demo

import (
	"math"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q       string
		want    Params
		wantErr string // substring of the error; empty for none
	}{
		{"", DefaultParams(Traj), ""},
		{"?demo=traj&seed=3&speed=8&autoplay=1&controls=0",
			func() Params { p := DefaultParams(Traj); p.Seed, p.Speed, p.Controls = 3, 8, false; return p }(), ""},
		{"demo=fearcond&speed=max&learning=0",
			func() Params {
				p := DefaultParams(FearCond)
				p.Speed, p.Learning = math.Inf(1), false
				return p
			}(), ""},
		{"demo=motor&overlap=20&feedback=random-neuron&autoplay=0",
			func() Params {
				p := DefaultParams(Motor)
				p.Overlap, p.Feedback, p.Autoplay = 20, "random-neuron", false
				return p
			}(), ""},
		{"demo=3", DefaultParams(Motor), ""},
		{"demo=assembly&shape=heart", func() Params { p := DefaultParams(Assembly); p.Shape = "heart"; return p }(), ""},
		// Mistakes keep the defaults and are reported.
		{"demo=nope", DefaultParams(Traj), `demo "nope" is not known`},
		{"demo=traj&speed=-1", DefaultParams(Traj), `speed "-1"`},
		{"demo=traj&speed=0", DefaultParams(Traj), `speed "0"`},
		{"demo=traj&seed=x", DefaultParams(Traj), `seed "x"`},
		{"demo=traj&overlap=95", DefaultParams(Traj), `overlap "95"`},
		{"demo=traj&feedback=fancy", DefaultParams(Traj), `feedback "fancy"`},
		{"demo=traj&controls=maybe", DefaultParams(Traj), `controls="maybe"`},
		{"demo=traj&shape=cat", DefaultParams(Traj), `unknown drawing "cat"`},
		{"demo=traj&colour=red", DefaultParams(Traj), `"colour" is not known`},
	}
	for _, tc := range tests {
		got, err := ParseQuery(tc.q)
		if got != tc.want {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tc.q, got, tc.want)
		}
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ParseQuery(%q): unexpected error %v", tc.q, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ParseQuery(%q) error = %v, want one containing %q", tc.q, err, tc.wantErr)
		}
	}
}

// TestQueryRoundTrip: Query writes what ParseQuery reads back unchanged,
// and only the settings that differ from the defaults.
func TestQueryRoundTrip(t *testing.T) {
	p := DefaultParams(FearCond)
	if q := p.Query(); q != "demo=fearcond" {
		t.Errorf("default query = %q, want demo=fearcond", q)
	}
	p.Seed, p.Speed, p.Autoplay, p.Controls = 7, math.Inf(1), false, false
	p.Overlap, p.Feedback, p.Learning = 12.5, "global", false
	q := p.Query()
	want := "demo=fearcond&seed=7&speed=max&autoplay=0&controls=0&overlap=12.5&feedback=global&learning=0"
	if q != want {
		t.Errorf("Query() = %q, want %q", q, want)
	}
	back, err := ParseQuery(q)
	if err != nil || back != p {
		t.Errorf("ParseQuery(Query()) = %+v, %v; want %+v", back, err, p)
	}
}

func TestSpeedSteps(t *testing.T) {
	if got := Faster(5); got != 10 {
		t.Errorf("Faster(5) = %v, want 10", got)
	}
	if got := Faster(8); got != 10 {
		t.Errorf("Faster(8) = %v, want 10 (between steps goes to the next)", got)
	}
	if got := Slower(8); got != 5 {
		t.Errorf("Slower(8) = %v, want 5", got)
	}
	if got := Faster(100); !math.IsInf(got, 1) {
		t.Errorf("Faster(100) = %v, want max", got)
	}
	if got := Faster(math.Inf(1)); !math.IsInf(got, 1) {
		t.Errorf("Faster(max) = %v, want max", got)
	}
	if got := Slower(math.Inf(1)); got != 100 {
		t.Errorf("Slower(max) = %v, want 100", got)
	}
	if got := Slower(0.25); got != 0.25 {
		t.Errorf("Slower(0.25) = %v, want 0.25 (the slowest stays)", got)
	}
	for _, s := range []string{"0.5", "8", "max", "100"} {
		v, err := ParseSpeed(s)
		if err != nil || FormatSpeed(v) != s {
			t.Errorf("ParseSpeed(%q) = %v, %v; formats back as %q", s, v, err, FormatSpeed(v))
		}
	}
}

func TestParseKind(t *testing.T) {
	for i, k := range Kinds() {
		for _, s := range []string{string(k), string(rune('1' + i))} {
			if got, err := ParseKind(s); got != k || err != nil {
				t.Errorf("ParseKind(%q) = %q, %v; want %q", s, got, err, k)
			}
		}
		if k.Title() == string(k) {
			t.Errorf("demo %q has no title", k)
		}
	}
	if _, err := ParseKind("5"); err == nil {
		t.Error("ParseKind(5) succeeded")
	}
}

// TestConfig: the settings reach the experiment's configuration, and every
// demo's configuration is valid.
func TestConfig(t *testing.T) {
	for _, k := range Kinds() {
		p := DefaultParams(k)
		p.Seed, p.Overlap, p.Feedback = 5, 20, "global"
		c := p.Config()
		if c.Seed != 5 || c.Overlap != 20 || c.Feedback != "global" || string(c.Task) != string(k) {
			t.Errorf("%s: Config() = seed %d, overlap %v, feedback %q, task %q", k, c.Seed, c.Overlap, c.Feedback, c.Task)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}
