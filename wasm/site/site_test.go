package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testFS() fstest.MapFS {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	wasm := bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00"), 1000)
	return fstest.MapFS{
		"index.html":      {Data: []byte("<!doctype html><title>gallery</title>"), ModTime: mod},
		"embed.html":      {Data: []byte("<!doctype html><title>embed</title>"), ModTime: mod},
		"bcp.wasm":        {Data: wasm, ModTime: mod},
		"bcp.js":          {Data: []byte("console.log(1)"), ModTime: mod},
		"style.css":       {Data: []byte("body{}"), ModTime: mod},
		"shots/traj.png":  {Data: []byte("\x89PNG...."), ModTime: mod},
		"docs/index.html": {Data: []byte("docs"), ModTime: mod},
	}
}

func get(t *testing.T, h http.Handler, method, target, encoding string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("bad gzip: %v", err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("bad gzip: %v", err)
		}
	}
	return b
}

// TestServe: each file comes with its MIME type, compressed exactly when
// the client accepts gzip and the type is worth it, and folders serve
// their index.html.
func TestServe(t *testing.T) {
	fsys := testFS()
	h := Handler(fsys)
	tests := []struct {
		target, encoding, wantType, wantEnc string
		want                                []byte
	}{
		{"/bcp.wasm", "gzip, deflate, br", "application/wasm", "gzip", fsys["bcp.wasm"].Data},
		{"/bcp.wasm", "", "application/wasm", "", fsys["bcp.wasm"].Data},
		{"/bcp.wasm", "gzip;q=0, identity", "application/wasm", "", fsys["bcp.wasm"].Data},
		{"/bcp.wasm", "*", "application/wasm", "gzip", fsys["bcp.wasm"].Data},
		{"/bcp.js", "gzip", "text/javascript; charset=utf-8", "gzip", fsys["bcp.js"].Data},
		{"/style.css", "br", "text/css; charset=utf-8", "", fsys["style.css"].Data},
		{"/", "gzip", "text/html; charset=utf-8", "gzip", fsys["index.html"].Data},
		{"/embed.html?demo=traj&controls=0", "", "text/html; charset=utf-8", "", fsys["embed.html"].Data},
		{"/docs/", "", "text/html; charset=utf-8", "", fsys["docs/index.html"].Data},
		{"/shots/traj.png", "gzip", "image/png", "", fsys["shots/traj.png"].Data},
	}
	for _, tc := range tests {
		r := get(t, h, http.MethodGet, tc.target, tc.encoding)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", tc.target, r.StatusCode)
			continue
		}
		if got := r.Header.Get("Content-Type"); got != tc.wantType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.target, got, tc.wantType)
		}
		if got := r.Header.Get("Content-Encoding"); got != tc.wantEnc {
			t.Errorf("GET %s with Accept-Encoding %q: Content-Encoding %q, want %q",
				tc.target, tc.encoding, got, tc.wantEnc)
		}
		if got := body(t, r); !bytes.Equal(got, tc.want) {
			t.Errorf("GET %s: body %.40q, want %.40q", tc.target, got, tc.want)
		}
	}

	r := get(t, h, http.MethodGet, "/bcp.wasm", "gzip")
	if !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("compressible file without Vary: Accept-Encoding: %v", r.Header)
	}
	raw, _ := io.ReadAll(r.Body)
	if len(raw) >= len(fsys["bcp.wasm"].Data)/4 {
		t.Errorf("gzip gave %d bytes for %d repetitive bytes", len(raw), len(fsys["bcp.wasm"].Data))
	}
}

func TestServeErrors(t *testing.T) {
	h := Handler(testFS())
	for _, target := range []string{"/missing.js", "/../go.mod", "/shots/", "/shots/../../x"} {
		if r := get(t, h, http.MethodGet, target, ""); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, r.StatusCode)
		}
	}
	if r := get(t, h, http.MethodPost, "/", ""); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", r.StatusCode)
	}
	r := get(t, h, http.MethodHead, "/bcp.wasm", "gzip")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("HEAD: status %d, type %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if b, _ := io.ReadAll(r.Body); len(b) != 0 {
		t.Errorf("HEAD returned %d bytes of body", len(b))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip;q=1.0, *;q=0.5": true, "GZIP": true,
		"gzip;q=0": false, "gzip; q=0.000": false, "br": false, "*": true, "*;q=0": false,
		"x-gzip": true, "identity": false, "gzip;q=0.2": true,
	} {
		if got := AcceptsGzip(h); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"bcp.wasm": "application/wasm", "x.HTML": "text/html; charset=utf-8",
		"wasm_exec.js": "text/javascript; charset=utf-8", "a.unknownext": "application/octet-stream",
	} {
		if got := ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}
