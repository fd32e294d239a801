package codec

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

// ServerOptions say who may use the codec endpoint.
type ServerOptions struct {
	// Token is the bearer token an operator's tool sends
	// (Authorization: Bearer <token>): the Temporal Web UI with its "pass
	// access token" setting, `temporal workflow show --codec-auth`, curl.
	// Required.
	Token string
	// Origin is the Temporal Web UI's origin (scheme://host:port), the one
	// browser origin allowed to call the endpoint (CORS). Empty: no
	// browser may.
	Origin string
	// TokenInPath also takes the token as the address's first segment
	// (/<token>/decode), for a Web UI that has no access token to pass (one
	// without sign-in): the operator sets http://host:port/<token> as the
	// codec endpoint in their own browser's Web UI settings.
	TokenInPath bool
}

// maxBody bounds a request: payloads are at most a few MiB (Temporal's own
// limit on a payload is 2 MiB), a batch of them a little more.
const maxBody = 16 << 20

// Server is the Temporal codec endpoint over c: POST .../encode and
// .../decode (converter.NewPayloadCodecHTTPHandler), for operators who
// are allowed to read what procedures carry. A request without the token
// gets 401 and nothing decoded; a browser of another origin than the Web
// UI's is refused (403), its preflight too.
func Server(c *Codec, o ServerOptions) (http.Handler, error) {
	if len(o.Token) < 16 {
		return nil, errors.New("codec endpoint: a token of at least 16 characters is required")
	}
	o.Origin = strings.TrimRight(o.Origin, "/")
	codecs := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Add("Vary", "Origin")
		if origin := r.Header.Get("Origin"); origin != "" {
			if o.Origin == "" || origin != o.Origin {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions {
			// A preflight carries no credentials: it is answered without.
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace, Caller-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		path, ok := o.authorized(r)
		if !ok {
			h.Set("WWW-Authenticate", `Bearer realm="orderdesk codec"`)
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			h.Set("Allow", "POST, OPTIONS")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = path
		r2.Body = http.MaxBytesReader(w, r.Body, maxBody)
		codecs.ServeHTTP(w, r2)
	}), nil
}

// authorized says whether the request carries the token, and the path
// left once a token in it is taken out.
func (o ServerOptions) authorized(r *http.Request) (string, bool) {
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && sameToken(strings.TrimSpace(bearer), o.Token) {
		return r.URL.Path, true
	}
	if o.TokenInPath {
		first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if sameToken(first, o.Token) {
			return "/" + rest, true
		}
	}
	return r.URL.Path, false
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
