package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/codec"
	"github.com/orderdesk/orderdesk/devstack"
)

// The worker, the agent UI and the CLI refuse to start without a key,
// saying how to make one; nothing is opened before.
func TestWorkerWebAndCLIRefuseToStartWithoutCodecKeys(t *testing.T) {
	for _, args := range [][]string{{"worker"}, {"web"}, {"status", "--workflow", "modify-content/C-2026-000101/r1"}} {
		err := run(context.Background(), args, env(map[string]string{"DATABASE_URL": "postgres://nowhere.invalid/orderdesk"}), io.Discard)
		if !errors.Is(err, errNoCodecKeys) {
			t.Fatalf("orderdesk %s without %s: %v, want errNoCodecKeys", args[0], codecKeysVar, err)
		}
	}
	msg := errNoCodecKeys.Error()
	for _, want := range []string{codecKeysVar, "orderdesk codec-key", "openssl rand -base64 32"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not say %q: %s", want, msg)
		}
	}
}

// A bad key list stops every command at start, naming the variable.
func TestBadCodecKeysAreRefusedNamingTheVariable(t *testing.T) {
	for _, list := range []string{
		"k1:" + base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"k1:%%%",
		codec.NewKey("k1").String() + "," + codec.NewKey("k1").String(),
	} {
		_, err := loadConfig(env(map[string]string{codecKeysVar: list}))
		var ke *codec.KeyError
		if !errors.As(err, &ke) || ke.Variable != codecKeysVar {
			t.Errorf("%s=%q: %v, want a KeyError naming the variable", codecKeysVar, list, err)
		}
	}
	if _, err := loadConfig(env(map[string]string{codecTokenVar: "short"})); err == nil {
		t.Errorf("a codec token of 5 characters was taken")
	}
}

func TestCodecOriginDefaultsToTheWebUIs(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"TEMPORAL_UI_URL": "https://temporal.boutique.fr/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Codec.Origin != "https://temporal.boutique.fr" {
		t.Errorf("origin = %q", c.Codec.Origin)
	}
	c, err = loadConfig(env(nil))
	if err != nil || c.Codec.Origin != "http://localhost:8233" {
		t.Errorf("default origin = %q (%v)", c.Codec.Origin, err)
	}
	if _, err := loadConfig(env(map[string]string{codecOriginVar: "https://temporal.boutique.fr/namespaces"})); err == nil {
		t.Error("an origin with a path was taken")
	}
}

// orderdesk codec-key prints a line ORDERDESK_CODEC_KEYS takes, a new key
// each time.
func TestCodecKeyPrintsAUsableKey(t *testing.T) {
	printKey := func() string {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout := os.Stdout
		os.Stdout = w
		err = run(context.Background(), []string{"codec-key", "--id", "k2"}, env(nil), io.Discard)
		os.Stdout = stdout
		w.Close()
		b, _ := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	line := printKey()
	keys, err := codec.ParseKeys(codecKeysVar, line)
	if err != nil || len(keys) != 1 || keys[0].ID != "k2" {
		t.Fatalf("codec-key printed %q: %v", line, err)
	}
	if printKey() == line {
		t.Error("codec-key printed the same key twice")
	}
	c, err := loadConfig(env(map[string]string{codecKeysVar: line}))
	if err != nil || c.Codec.required() != nil {
		t.Fatalf("the printed key is not taken: %v", err)
	}
}

// orderdesk codec-server answers the token, refuses without it, and needs
// one to start.
func TestCodecServerCommand(t *testing.T) {
	port, err := devstack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	token := strings.Repeat("t0k3n", 8)
	vars := map[string]string{codecKeysVar: codec.NewKey("k1").String(), codecAddrVar: addr}
	if err := run(context.Background(), []string{"codec-server"}, env(vars), io.Discard); err == nil || !strings.Contains(err.Error(), codecTokenVar) {
		t.Fatalf("codec-server without a token: %v", err)
	}
	vars[codecTokenVar] = token
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"codec-server"}, env(vars), io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("codec-server: %v", err)
		}
	}()
	body := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkNhbWlsbGUi"}]}`
	status := func(auth string) int {
		for range 100 {
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/encode", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		t.Fatal("codec-server does not answer")
		return 0
	}
	if got := status("Bearer " + token); got != http.StatusOK {
		t.Errorf("with the token: %d", got)
	}
	if got := status(""); got != http.StatusUnauthorized {
		t.Errorf("without the token: %d", got)
	}
	// The token as the address's first segment (a Web UI without sign-in).
	resp, err := http.Post("http://"+addr+"/"+token+"/encode", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with the token in the address: %d", resp.StatusCode)
	}
}
