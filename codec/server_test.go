package codec_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/temporalproto"

	"github.com/orderdesk/orderdesk/codec"
)

const (
	uiOrigin   = "http://localhost:8233"
	goodToken  = "an-operator-token-of-enough-length"
	otherToken = "another-token-of-the-same-length!!"
)

func codecServer(t *testing.T, o codec.ServerOptions) (*httptest.Server, *codec.Codec) {
	t.Helper()
	c := mustCodec(t, codec.NewKey("k1"))
	h, err := codec.Server(c, o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, c
}

// encryptedBody is what the Web UI posts to /decode: the history's
// payloads, as protobuf JSON.
func encryptedBody(t *testing.T, c *codec.Codec) []byte {
	t.Helper()
	enc, err := c.Encode([]*commonpb.Payload{customerPayload(t)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{}.Marshal(&commonpb.Payloads{Payloads: enc})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, url string, body []byte, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestCodecServerDecodesOnlyForTheToken(t *testing.T) {
	srv, c := codecServer(t, codec.ServerOptions{Token: goodToken, Origin: uiOrigin})
	body := encryptedBody(t, c)

	resp, got := post(t, srv.URL+"/decode", body, map[string]string{"Authorization": "Bearer " + goodToken, "Origin": uiOrigin})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("decode with the token: %d %s", resp.StatusCode, got)
	}
	var out commonpb.Payloads
	if err := (temporalproto.CustomJSONUnmarshalOptions{}).Unmarshal([]byte(got), &out); err != nil {
		t.Fatalf("decode answered %q: %v", got, err)
	}
	var customer map[string]string
	if len(out.GetPayloads()) != 1 || json.Unmarshal(out.GetPayloads()[0].GetData(), &customer) != nil || customer["email"] != "camille.martin@example.fr" {
		t.Fatalf("decode answered %q", got)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != uiOrigin {
		t.Errorf("the Web UI's request is answered without its CORS origin: %v", resp.Header)
	}

	for name, header := range map[string]map[string]string{
		"no token":         {"Origin": uiOrigin},
		"a wrong token":    {"Authorization": "Bearer " + otherToken},
		"the token, bare":  {"Authorization": goodToken},
		"basic auth":       {"Authorization": "Basic " + goodToken},
		"a token prefix":   {"Authorization": "Bearer " + goodToken[:20]},
		"the token longer": {"Authorization": "Bearer " + goodToken + "x"},
	} {
		resp, got := post(t, srv.URL+"/decode", body, header)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("decode with %s: %d, want 401", name, resp.StatusCode)
		}
		if strings.Contains(got, "camille") {
			t.Errorf("decode with %s answered the customer: %s", name, got)
		}
	}
	// The token in the address is make dev's only.
	if resp, _ := post(t, srv.URL+"/"+goodToken+"/decode", body, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the token in the path, not allowed: %d, want 401", resp.StatusCode)
	}
}

func TestCodecServerTokenInPathForMakeDev(t *testing.T) {
	srv, c := codecServer(t, codec.ServerOptions{Token: goodToken, Origin: uiOrigin, TokenInPath: true})
	body := encryptedBody(t, c)
	if resp, got := post(t, srv.URL+"/"+goodToken+"/decode", body, nil); resp.StatusCode != http.StatusOK || !strings.Contains(got, "payloads") {
		t.Fatalf("the token in the path: %d %s", resp.StatusCode, got)
	}
	if resp, _ := post(t, srv.URL+"/"+otherToken+"/decode", body, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another token in the path: %d, want 401", resp.StatusCode)
	}
}

func preflight(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestCodecServerCORS(t *testing.T) {
	srv, c := codecServer(t, codec.ServerOptions{Token: goodToken, Origin: uiOrigin + "/"})

	resp := preflight(t, srv.URL+"/decode", uiOrigin)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("preflight from the Web UI: %d", resp.StatusCode)
	}
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != uiOrigin || h.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight from the Web UI: %v", h)
	}
	if !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("Access-Control-Allow-Methods = %q", h.Get("Access-Control-Allow-Methods"))
	}
	for _, want := range []string{"Authorization", "Content-Type", "X-Namespace"} {
		if !strings.Contains(h.Get("Access-Control-Allow-Headers"), want) {
			t.Errorf("Access-Control-Allow-Headers = %q, lacks %s", h.Get("Access-Control-Allow-Headers"), want)
		}
	}

	resp = preflight(t, srv.URL+"/decode", "https://evil.example")
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v, want 403 without an allowed origin", resp.StatusCode, resp.Header)
	}
	// Even with the token, a page of another origin gets nothing.
	r, got := post(t, srv.URL+"/decode", encryptedBody(t, c), map[string]string{"Authorization": "Bearer " + goodToken, "Origin": "https://evil.example"})
	if r.StatusCode != http.StatusForbidden || strings.Contains(got, "camille") {
		t.Errorf("decode from another origin: %d %s", r.StatusCode, got)
	}
}

func TestCodecServerNeedsAToken(t *testing.T) {
	if _, err := codec.Server(mustCodec(t, codec.NewKey("k1")), codec.ServerOptions{Origin: uiOrigin}); err == nil {
		t.Fatal("a codec endpoint without a token was built")
	}
}
