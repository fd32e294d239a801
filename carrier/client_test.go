package carrier_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/carrier"
	"github.com/orderdesk/orderdesk/carrier/sandbox"
	"github.com/orderdesk/orderdesk/order"
)

// start runs a sandbox carrier on a free port and returns it with a
// client of its API.
func start(t *testing.T, opts sandbox.Options) (*sandbox.Server, *carrier.Client) {
	t.Helper()
	s := sandbox.NewServer(opts)
	url, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, &carrier.Client{BaseURL: url, APIKey: opts.APIKey, HTTP: &http.Client{Timeout: 5 * time.Second}}
}

func request(key string) carrier.LabelRequest {
	return carrier.LabelRequest{
		Key: key, Reference: "C-2026-000123", Items: 2,
		From: order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		To:   order.Address{Name: "Boutique du Vieux Lyon", Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	}
}

// temporary asserts err is one Temporal retries: neither ErrAuth nor
// ErrInvalid.
func temporary(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want a temporary error, got a label")
	}
	if errors.Is(err, carrier.ErrAuth) || errors.Is(err, carrier.ErrInvalid) {
		t.Fatalf("want a temporary error, got a permanent one: %v", err)
	}
}

func TestTheSameKeyGivesTheSameLabelOnce(t *testing.T) {
	s, c := start(t, sandbox.Options{APIKey: "ck_test"})
	ctx := context.Background()
	first, err := c.ReturnLabel(ctx, request("R-2026-000001"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Carrier != sandbox.DefaultName || len(first.Tracking) != 13 || !strings.HasSuffix(first.URL, "/labels/"+first.Tracking+".pdf") {
		t.Errorf("first label = %+v, want the sandbox's, a 13-character tracking number and its PDF", first)
	}
	for range 3 {
		again, err := c.ReturnLabel(ctx, request("R-2026-000001"))
		if err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Errorf("the same key gave %+v, want the first label %+v", again, first)
		}
	}
	other, err := c.ReturnLabel(ctx, request("R-2026-000002"))
	if err != nil {
		t.Fatal(err)
	}
	if other.Tracking == first.Tracking || other.URL == first.URL {
		t.Errorf("another return got the same label: %+v and %+v", other, first)
	}
	if n := s.LabelCount("R-2026-000001"); n != 1 {
		t.Errorf("the sandbox made %d labels for R-2026-000001 asked 4 times, want 1", n)
	}
	if n := s.Requests("R-2026-000001"); n != 4 {
		t.Errorf("the sandbox saw %d requests for R-2026-000001, want 4", n)
	}

	// The link is a PDF the customer can open, with the label's references.
	res, err := http.Get(first.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
		!bytes.HasPrefix(body, []byte("%PDF-")) || !bytes.HasSuffix(body, []byte("%%EOF\n")) {
		t.Fatalf("GET %s: %d %s, %q...; want a PDF", first.URL, res.StatusCode, res.Header.Get("Content-Type"), body[:min(len(body), 16)])
	}
	for _, want := range []string{first.Tracking, "R-2026-000001", "C-2026-000123", "Camille Martin", "69003 Lyon"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("the label's PDF does not print %q", want)
		}
	}
	if res, err := http.Get(strings.Replace(first.URL, first.Tracking, "LR000000000FR", 1)); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown label answered %v, %v; want 404", res.StatusCode, err)
	}
}

func TestAFailingCarrierIsRetriedAndAWrongKeyIsNot(t *testing.T) {
	s, c := start(t, sandbox.Options{APIKey: "ck_test", Faults: sandbox.Faults{FailNext: 2}})
	ctx := context.Background()
	for range 2 {
		_, err := c.ReturnLabel(ctx, request("R-2026-000003"))
		temporary(t, err)
	}
	if n := s.LabelCount("R-2026-000003"); n != 0 {
		t.Fatalf("a failed request made %d labels", n)
	}
	l, err := c.ReturnLabel(ctx, request("R-2026-000003"))
	if err != nil || l.IsZero() {
		t.Fatalf("the third try: %+v, %v; want the label", l, err)
	}

	s.SetFaults(sandbox.Faults{Down: true})
	_, err = c.ReturnLabel(ctx, request("R-2026-000004"))
	temporary(t, err)
	s.SetFaults(sandbox.Faults{})

	wrong := *c
	wrong.APIKey = "ck_revoked"
	if _, err := wrong.ReturnLabel(ctx, request("R-2026-000004")); !errors.Is(err, carrier.ErrAuth) {
		t.Errorf("a wrong API key gave %v, want ErrAuth", err)
	}
	s.SetFaults(sandbox.Faults{Unauthorized: true})
	if _, err := c.ReturnLabel(ctx, request("R-2026-000004")); !errors.Is(err, carrier.ErrAuth) {
		t.Errorf("a revoked key gave %v, want ErrAuth", err)
	}
	s.SetFaults(sandbox.Faults{})

	// A closed port: nothing answers, a retry may.
	dead := &carrier.Client{BaseURL: "http://127.0.0.1:1", HTTP: &http.Client{Timeout: time.Second}}
	_, err = dead.ReturnLabel(ctx, request("R-2026-000004"))
	temporary(t, err)
}

func TestALabelRequestWithoutKeyOrSenderIsRefusedNamingTheField(t *testing.T) {
	_, c := start(t, sandbox.Options{})
	for field, edit := range map[string]func(*carrier.LabelRequest){
		"key":  func(r *carrier.LabelRequest) { r.Key = " " },
		"from": func(r *carrier.LabelRequest) { r.From.PostalCode = "" },
	} {
		r := request("R-2026-000005")
		edit(&r)
		_, err := c.ReturnLabel(context.Background(), r)
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("without %s: %v, want a refusal naming %s", field, err, field)
		}
	}
}
