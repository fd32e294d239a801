package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/codec"
)

// Payload encryption: every payload orderdesk hands to Temporal (a
// procedure's input, an answer, an activity's input and result, an error's
// message) is encrypted with the keys of ORDERDESK_CODEC_KEYS, so the
// customers' names, emails and addresses are not in clear in Temporal's
// histories. Operators read them in the Temporal Web UI through the codec
// endpoint, `orderdesk codec-server`, with its token.

// codecEnvVars document the variables of payload encryption (envVars).
const (
	codecKeysVar   = "ORDERDESK_CODEC_KEYS"
	codecTokenVar  = "ORDERDESK_CODEC_TOKEN"
	codecAddrVar   = "ORDERDESK_CODEC_ADDR"
	codecOriginVar = "ORDERDESK_CODEC_ORIGIN"
)

// defaultCodecAddr is where `orderdesk codec-server` listens by default,
// beside the Temporal Web UI's 8233.
const defaultCodecAddr = ":8234"

// codecConfig is payload encryption's part of the configuration.
type codecConfig struct {
	Keys   []codec.Key // ORDERDESK_CODEC_KEYS: the first encrypts, all decrypt; nil: none set
	Token  string      // ORDERDESK_CODEC_TOKEN: the codec endpoint's bearer token
	Addr   string      // ORDERDESK_CODEC_ADDR: where codec-server listens
	Origin string      // ORDERDESK_CODEC_ORIGIN: the Web UI's origin, allowed by CORS
}

// loadCodecConfig reads the codec's variables; the Web UI's origin
// defaults to TEMPORAL_UI_URL's.
func loadCodecConfig(getenv func(string) string, temporalUIURL string) (codecConfig, error) {
	c := codecConfig{
		Token:  strings.TrimSpace(getenv(codecTokenVar)),
		Addr:   strings.TrimSpace(getenv(codecAddrVar)),
		Origin: strings.TrimRight(strings.TrimSpace(getenv(codecOriginVar)), "/"),
	}
	if keys := strings.TrimSpace(getenv(codecKeysVar)); keys != "" {
		var err error
		if c.Keys, err = codec.ParseKeys(codecKeysVar, keys); err != nil {
			return c, err
		}
	}
	if c.Token != "" && len(c.Token) < 32 {
		return c, fmt.Errorf("%s is %d characters: use at least 32 random ones (e.g. openssl rand -hex 32)", codecTokenVar, len(c.Token))
	}
	if c.Origin == "" {
		c.Origin = originOf(temporalUIURL)
	} else if originOf(c.Origin) != c.Origin {
		return c, fmt.Errorf("%s=%q is not an origin such as https://temporal.boutique.fr (a scheme, a host, a port if not the scheme's, nothing after)", codecOriginVar, c.Origin)
	}
	return c, nil
}

// originOf is scheme://host[:port] of a URL, "" if it has none.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// errNoCodecKeys: orderdesk does not talk to Temporal without encrypting.
var errNoCodecKeys = errors.New(codecKeysVar + " is not set: orderdesk encrypts the customers' data it hands to Temporal and needs a key. " +
	"Make one with `orderdesk codec-key` (or: echo k1:$(openssl rand -base64 32)), keep it with the other secrets, and set " +
	codecKeysVar + " to it in every worker, web and CLI; `make dev` makes its own")

// codec is the payload codec of the configured keys.
func (c codecConfig) codec() (*codec.Codec, error) {
	if len(c.Keys) == 0 {
		return nil, errNoCodecKeys
	}
	return codec.New(codecKeysVar, c.Keys...)
}

// required refuses to go on without keys: a worker, the agent UI or the
// CLI would otherwise write customers' data in clear and could not read
// what the others wrote.
func (c codecConfig) required() error {
	_, err := c.codec()
	return err
}

// apply sets the client's data and failure converters to the codec's when
// keys are configured.
func (c codecConfig) apply(o *client.Options) {
	if cd, err := c.codec(); err == nil {
		cd.Apply(o)
	}
}

// cmdCodecKey prints a new key, id:base64, for ORDERDESK_CODEC_KEYS.
func cmdCodecKey(_ context.Context, _ config, _ *slog.Logger, args []string) error {
	fs := newFlags("codec-key", "codec-key [--id ID]\n\nPrints a new random AES-256 key as ORDERDESK_CODEC_KEYS reads it: id:base64.\n"+
		"First setup:  ORDERDESK_CODEC_KEYS=<the line>\n"+
		"Rotation:     ORDERDESK_CODEC_KEYS=<the new line>,<the keys of before> (the first key encrypts, every key decrypts)")
	id := fs.String("id", "k"+time.Now().UTC().Format("20060102"), "the key's id, carried by every payload it encrypts (letters, digits, - _ .)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	k := codec.NewKey(*id)
	if _, err := codec.New("--id", k); err != nil {
		return err
	}
	fmt.Println(k.String())
	return nil
}

// cmdCodecServer serves the codec endpoint for the Temporal Web UI and
// operators' tools until ctx is done.
func cmdCodecServer(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("codec-server", "codec-server\n\nServes the Temporal codec endpoint (POST /encode, /decode) on ORDERDESK_CODEC_ADDR (default "+defaultCodecAddr+"),\n"+
		"decoding with ORDERDESK_CODEC_KEYS for requests that carry Authorization: Bearer $ORDERDESK_CODEC_TOKEN\n"+
		"or the token as the address's first segment (http://host:8234/<token>/decode, for a Web UI without sign-in),\n"+
		"from the Temporal Web UI's origin (ORDERDESK_CODEC_ORIGIN, default TEMPORAL_UI_URL's).")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	// The token is also taken as the address's first segment: a Web UI
	// without sign-in has no access token to pass, and an operator sets
	// http://<codec address>/<token> as the codec endpoint in their own
	// browser's Web UI settings.
	h, err := codecHandler(cfg.Codec, true)
	if err != nil {
		return err
	}
	addr := or(cfg.Codec.Addr, defaultCodecAddr)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the codec endpoint cannot listen on %s: %w (set %s to a free address)", addr, err, codecAddrVar)
	}
	log.Info("codec endpoint listening", "addr", ln.Addr().String(), "origin", cfg.Codec.Origin, "active key", cfg.Codec.Keys[0].ID)
	return serveUntilDone(ctx, ln, h)
}

// codecHandler is the codec endpoint of the configuration.
func codecHandler(c codecConfig, tokenInPath bool) (http.Handler, error) {
	cd, err := c.codec()
	if err != nil {
		return nil, err
	}
	if c.Token == "" {
		return nil, fmt.Errorf("%s is not set: the codec endpoint answers only requests that carry it (Authorization: Bearer ...); make one with openssl rand -hex 32", codecTokenVar)
	}
	return codec.Server(cd, codec.ServerOptions{Token: c.Token, Origin: c.Origin, TokenInPath: tokenInPath})
}

// devCodec is make dev's codec: its key and token, made once into the
// data directory (0600) unless ORDERDESK_CODEC_KEYS / ORDERDESK_CODEC_TOKEN
// are set, and its endpoint's listener, opened before the Temporal dev
// server starts so its Web UI can be pointed at it.
type devCodec struct {
	ln       net.Listener
	endpoint string // for the Web UI: the token is the address's first segment (the dev Web UI has no sign-in to pass one)
}

// startDevCodec fills cfg's keys and token from the data directory when
// unset and opens the endpoint's listener: ORDERDESK_CODEC_ADDR, or a
// port the kernel picks on the loopback.
func startDevCodec(cfg *config, dataDir string) (*devCodec, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	if len(cfg.Codec.Keys) == 0 {
		line, err := devSecret(filepath.Join(dataDir, "codec-keys"), func() string { return codec.NewKey("dev1").String() })
		if err != nil {
			return nil, err
		}
		if cfg.Codec.Keys, err = codec.ParseKeys(filepath.Join(dataDir, "codec-keys"), line); err != nil {
			return nil, err
		}
	}
	if cfg.Codec.Token == "" {
		tok, err := devSecret(filepath.Join(dataDir, "codec-token"), func() string {
			b := make([]byte, 32)
			_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
			return hex.EncodeToString(b)
		})
		if err != nil {
			return nil, err
		}
		cfg.Codec.Token = tok
	}
	addr := or(cfg.Codec.Addr, "127.0.0.1:0")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the codec endpoint cannot listen on %s: %w (set %s to a free address, or leave it empty for a free port)", addr, err, codecAddrVar)
	}
	cfg.Codec.Addr = ln.Addr().String()
	return &devCodec{ln: ln, endpoint: "http://" + cfg.Codec.Addr + "/" + cfg.Codec.Token}, nil
}

// writePrivate writes a file only its owner reads (0600), a file of
// before included.
func writePrivate(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// devSecret reads a secret of make dev's data directory, making it (0600)
// the first time.
func devSecret(path string, newSecret func() string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	s := newSecret()
	if err := writePrivate(path, []byte(s+"\n")); err != nil {
		return "", fmt.Errorf("make dev's codec secret: %w", err)
	}
	return s, nil
}

// serve serves the endpoint for the dev server's Web UI at origin until
// ctx is done.
func (d *devCodec) serve(ctx context.Context, cfg config, origin string, log *slog.Logger) error {
	cfg.Codec.Origin = originOf(origin)
	h, err := codecHandler(cfg.Codec, true)
	if err != nil {
		d.ln.Close()
		return err
	}
	go func() {
		if err := serveUntilDone(ctx, d.ln, h); err != nil {
			log.Error("codec endpoint stopped", "err", err)
		}
	}()
	return nil
}

// Close stops listening (when serve never ran).
func (d *devCodec) Close() { d.ln.Close() }

// codecEnv is the variables of dev.env that let the CLI of another
// terminal read and write the dev stack's payloads.
func codecEnv(cfg config) string {
	keys := make([]string, len(cfg.Codec.Keys))
	for i, k := range cfg.Codec.Keys {
		keys[i] = k.String()
	}
	return fmt.Sprintf(" %s='%s' %s='%s'", codecKeysVar, strings.Join(keys, ","), codecTokenVar, cfg.Codec.Token)
}
