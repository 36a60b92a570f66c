// Command serve serves the demo site on a local address:
//
//	go run ./wasm/serve [-addr 127.0.0.1:8080] [-dir public]
//
// It serves every file of the folder with its MIME type (application/wasm
// for the WebAssembly binary), gzip-compressed where the browser accepts
// it. -addr 127.0.0.1:0 picks a free port; the log line says which.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"bcp/wasm/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	dir := flag.String("dir", "public", "folder of the site")
	flag.Parse()
	if err := run(*addr, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(addr, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "bcp.wasm")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s has no bcp.wasm; build the site first with make web", dir)
		}
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	slog.Info("serving the demo site", "dir", dir, "url", url)
	srv := &http.Server{Handler: site.Handler(os.DirFS(dir)), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
