package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/orderdesk/orderdesk/carrier"
	carriersandbox "github.com/orderdesk/orderdesk/carrier/sandbox"
	"github.com/orderdesk/orderdesk/store"
)

// carrierConfig says which carrier makes the prepaid labels of returns.
type carrierConfig struct {
	URL  string // ORDERDESK_CARRIER_URL: the carrier's API; empty: no carrier, returns go without a label
	Key  string // ORDERDESK_CARRIER_KEY: its API key, sent as a bearer token
	Port int    // ORDERDESK_CARRIER_PORT: where make dev runs the sandbox carrier
	// PortSet: the port was chosen, so make dev does not move off it
	// when it is taken.
	PortSet bool
}

var carrierEnvVars = [][2]string{
	{"ORDERDESK_CARRIER_URL", "the parcel carrier's API that makes the prepaid labels of returns (JSON, bearer key; empty: no carrier, the return's instructions go without a label; make dev: its sandbox carrier)"},
	{"ORDERDESK_CARRIER_KEY", "the carrier's API key, sent as Authorization: Bearer"},
	{"ORDERDESK_CARRIER_PORT", "make dev's sandbox carrier port (default 8298; taken, and not set, a free port)"},
}

func loadCarrierConfig(getenv func(string) string) (carrierConfig, error) {
	c := carrierConfig{URL: strings.TrimRight(strings.TrimSpace(getenv("ORDERDESK_CARRIER_URL")), "/"), Key: strings.TrimSpace(getenv("ORDERDESK_CARRIER_KEY")), Port: 8298}
	if c.URL != "" && !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
		return c, fmt.Errorf("ORDERDESK_CARRIER_URL=%q is not a web address: write it with http:// or https://", c.URL)
	}
	p, set, err := envPort(getenv, "ORDERDESK_CARRIER_PORT")
	if set {
		c.Port, c.PortSet = p, true
	}
	return c, err
}

// carrier is the carrier's client, or nil without a carrier. An HTTP
// client given (one that traces its calls) is the client's.
func (c carrierConfig) carrier(hc *http.Client) carrier.Carrier {
	if c.URL == "" {
		return nil
	}
	return &carrier.Client{BaseURL: c.URL, APIKey: c.Key, HTTP: hc}
}

// carrier is the worker's carrier; with traces on, its calls are spans
// under the activity's.
func (s *services) carrier() carrier.Carrier {
	var hc *http.Client
	if s.obs.Tracing() {
		hc = s.obs.HTTPClient(10 * time.Second)
	}
	return s.cfg.Carrier.carrier(hc)
}

// carrierSandboxKey is the API key make dev's sandbox carrier expects.
const carrierSandboxKey = "ck_sandbox"

// startDevCarrier runs make dev's sandbox carrier, unless a carrier is
// configured, and points cfg at it. Its labels are kept in dataDir, so the
// links in the emails of an earlier run still open. The returned func
// stops it.
func startDevCarrier(cfg *config, dataDir string, out io.Writer) (func(), error) {
	if cfg.Carrier.URL != "" {
		return func() {}, nil
	}
	sb := carriersandbox.NewServer(carriersandbox.Options{APIKey: carrierSandboxKey})
	if err := sb.Keep(filepath.Join(dataDir, "carrier-sandbox.json")); err != nil {
		return nil, err
	}
	url, err := sb.Listen(fmt.Sprintf("127.0.0.1:%d", cfg.Carrier.Port))
	if errors.Is(err, syscall.EADDRINUSE) && !cfg.Carrier.PortSet {
		// Another make dev, or a test's, has the default port.
		url, err = sb.Listen("127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox carrier: %w (set ORDERDESK_CARRIER_PORT to a free port)", err)
	}
	cfg.Carrier.URL, cfg.Carrier.Key = url, carrierSandboxKey
	fmt.Fprintf(out, "  sandbox carrier           %s  (return labels; faults: curl -X PUT -d '{\"fail_next\":3}' %s/admin/faults)\n", url, url)
	return func() { _ = sb.Close() }, nil
}

// printReturnLabel shows a return's prepaid label, when a carrier made
// one: the link to print it and the parcel's tracking number.
func printReturnLabel(ctx context.Context, w io.Writer, st *store.Store, number string) error {
	l, ok, err := st.GetReturnLabel(ctx, number)
	if err != nil || !ok {
		return err
	}
	fmt.Fprintf(w, "  label     %s\n", l.URL)
	fmt.Fprintf(w, "  tracking  %s (%s)\n", l.Tracking, l.Carrier)
	return nil
}
