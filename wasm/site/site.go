// Package site serves the static demo site (the public folder) over HTTP:
// every file with its proper MIME type (application/wasm for the
// WebAssembly binary, which browsers require for streaming compilation),
// gzip-compressed when the client accepts it, and index.html for a
// folder. The compressed bytes are made once per file version and kept.
//
// Any static host works as well; this handler is for make serve and the
// browser tests.
package site

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// types are the MIME types of the site's files; other extensions fall back
// to the mime package.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
	".ico":  "image/x-icon",
}

// compressible lists the types worth compressing (not the already
// compressed images).
var compressible = map[string]bool{".html": true, ".js": true, ".mjs": true, ".css": true,
	".wasm": true, ".json": true, ".svg": true, ".txt": true}

// ContentType returns the MIME type of a file name.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// AcceptsGzip reports whether an Accept-Encoding header value allows gzip
// (listed, or covered by *, and not with q=0).
func AcceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		refused := false
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.TrimSpace(k) == "q" {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				refused = err == nil && q == 0
			}
		}
		switch name {
		case "gzip", "x-gzip":
			return !refused
		case "*":
			star = !refused
		}
	}
	return star
}

// gzipped is the compressed form of one version of a file.
type gzipped struct {
	mod  time.Time
	size int64
	data []byte
}

type handler struct {
	fsys fs.FS
	mu   sync.Mutex
	gz   map[string]*gzipped
}

// Handler returns an http.Handler that serves the files of fsys.
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys, gz: map[string]*gzipped{}}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	st, err := fs.Stat(h.fsys, name)
	if err == nil && st.IsDir() {
		name = path.Join(name, "index.html")
		st, err = fs.Stat(h.fsys, name)
	}
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", ContentType(name))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	ext := strings.ToLower(path.Ext(name))
	if compressible[ext] {
		hdr.Add("Vary", "Accept-Encoding")
	}
	if compressible[ext] && AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		data, err := h.compressed(name, st)
		if err != nil {
			http.Error(w, "cannot read "+name, http.StatusInternalServerError)
			return
		}
		hdr.Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, name, st.ModTime(), bytes.NewReader(data))
		return
	}
	f, err := h.fsys.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(w, r, name, st.ModTime(), rs)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, st.ModTime(), bytes.NewReader(data))
}

// compressed returns the gzip form of the file name, compressing it when
// it is new or has changed since it was last compressed.
func (h *handler) compressed(name string, st fs.FileInfo) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if g, ok := h.gz[name]; ok && g.mod.Equal(st.ModTime()) && g.size == st.Size() {
		return g.data, nil
	}
	raw, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if b.Len() == 0 {
		return nil, errors.New("empty gzip stream")
	}
	h.gz[name] = &gzipped{mod: st.ModTime(), size: st.Size(), data: b.Bytes()}
	return b.Bytes(), nil
}
