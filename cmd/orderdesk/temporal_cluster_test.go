package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// TestTemporalClusterOverMTLSWithAnAPIKey: with the variables an operator
// sets for Temporal Cloud or a cluster of their own (address, namespace,
// API key, client certificate and key, the server's CA), orderdesk's own
// dial reaches a gRPC server that requires a client certificate signed by
// that CA, verifies the server's certificate, and sends the API key on
// every request.
func TestTemporalClusterOverMTLSWithAnAPIKey(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCA(t)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", ca.Raw)
	serverCert := issue(t, ca, caKey, "temporal.shop.internal", false)
	clientCert := issue(t, ca, caKey, "orderdesk-worker", true)
	writePEM(t, filepath.Join(dir, "client.pem"), "CERTIFICATE", clientCert.Certificate[0])
	keyDER, err := x509.MarshalECPrivateKey(clientCert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "client.key"), "EC PRIVATE KEY", keyDER)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	frontend := startFrontend(t, &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})

	cfg, err := loadConfig(env(map[string]string{
		"TEMPORAL_ADDRESS":                 frontend.addr,
		"TEMPORAL_NAMESPACE":               "boutique-prod.a1b2c",
		"TEMPORAL_API_KEY":                 "tk-live-0123456789",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": filepath.Join(dir, "ca.pem"),
		"TEMPORAL_TLS_SERVER_NAME":         "temporal.shop.internal",
		"TEMPORAL_TLS_CLIENT_CERT_PATH":    filepath.Join(dir, "client.pem"),
		"TEMPORAL_TLS_CLIENT_KEY_PATH":     filepath.Join(dir, "client.key"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TemporalCluster.describe(); got != "mTLS, API key" {
		t.Errorf("the cluster is described as %q, want %q", got, "mTLS, API key")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := dialTemporal(ctx, cfg)
	if err != nil {
		t.Fatalf("orderdesk does not reach an mTLS cluster: %v", err)
	}
	c.Close()

	calls := frontend.seen()
	if len(calls) == 0 {
		t.Fatal("the frontend received no request")
	}
	for _, call := range calls {
		if call.clientCN != "orderdesk-worker" {
			t.Errorf("%s came without the client certificate (peer %q)", call.method, call.clientCN)
		}
		if call.authorization != "Bearer tk-live-0123456789" {
			t.Errorf("%s came with authorization %q, want the API key", call.method, call.authorization)
		}
		// GetSystemInfo, the dial's one call, is not a namespace's.
		if call.namespace != "" && call.namespace != "boutique-prod.a1b2c" {
			t.Errorf("%s came for namespace %q", call.method, call.namespace)
		}
	}

	// The same frontend refuses a client without the certificate: the
	// client certificate is what got it through.
	cfg, err = loadConfig(env(map[string]string{
		"TEMPORAL_ADDRESS":                 frontend.addr,
		"TEMPORAL_API_KEY":                 "tk-live-0123456789",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": filepath.Join(dir, "ca.pem"),
		"TEMPORAL_TLS_SERVER_NAME":         "temporal.shop.internal",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TemporalCluster.describe(); got != "TLS, API key" {
		t.Errorf("without a client certificate the cluster is described as %q", got)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelShort()
	if c, err := dialTemporal(short, cfg); err == nil {
		c.Close()
		t.Error("a client without a certificate reached a frontend that requires one")
	}
}

// TestTemporalClusterDefaultsToPlainLocal: without any of the cluster's
// variables, orderdesk dials the local server in plain TCP with no key, as
// make dev and the tests need; an API key alone turns TLS on (Temporal
// Cloud's case), and TEMPORAL_TLS=false turns it off.
func TestTemporalClusterDefaultsToPlainLocal(t *testing.T) {
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	opts := clientOptionsOf(cfg)
	if opts.ConnectionOptions.TLS != nil || opts.Credentials != nil || opts.HostPort != "127.0.0.1:7233" || opts.Namespace != "default" {
		t.Errorf("default options: address %q namespace %q TLS %v credentials %v", opts.HostPort, opts.Namespace, opts.ConnectionOptions.TLS, opts.Credentials)
	}

	cfg, err = loadConfig(env(map[string]string{"TEMPORAL_ADDRESS": "boutique.a1b2c.tmprl.cloud:7233", "TEMPORAL_NAMESPACE": "boutique.a1b2c", "TEMPORAL_API_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	opts = clientOptionsOf(cfg)
	if opts.ConnectionOptions.TLS == nil || opts.Credentials == nil || opts.HostPort != "boutique.a1b2c.tmprl.cloud:7233" || opts.Namespace != "boutique.a1b2c" {
		t.Errorf("an API key: address %q namespace %q TLS %v credentials %v", opts.HostPort, opts.Namespace, opts.ConnectionOptions.TLS, opts.Credentials)
	}
	if _, ok := opts.ConnectionOptions.GrpcCompression.(*client.GrpcCompressionNone); !ok {
		t.Errorf("the cluster's settings dropped TEMPORAL_GRPC_COMPRESSION's (compression %T)", opts.ConnectionOptions.GrpcCompression)
	}

	cfg, err = loadConfig(env(map[string]string{"TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if opts := clientOptionsOf(cfg); opts.ConnectionOptions.TLS != nil || !opts.ConnectionOptions.TLSDisabled {
		t.Error("TEMPORAL_TLS=false left TLS on")
	}
}

// TestTemporalClusterFromATOMLProfile: TEMPORAL_CONFIG_FILE and
// TEMPORAL_PROFILE pick a profile as the Temporal CLI writes it; a variable
// set beside it wins; a profile that is not there, or a certificate that
// cannot be read, is refused naming the settings.
func TestTemporalClusterFromATOMLProfile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "temporal.toml")
	if err := os.WriteFile(file, []byte(`
[profile.default]
address = "127.0.0.1:7233"

[profile.prod]
address = "boutique.a1b2c.tmprl.cloud:7233"
namespace = "boutique.a1b2c"
api_key = "from-the-file"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(env(map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "prod", "TEMPORAL_NAMESPACE": "boutique-staging.a1b2c"}))
	if err != nil {
		t.Fatal(err)
	}
	opts := clientOptionsOf(cfg)
	if opts.HostPort != "boutique.a1b2c.tmprl.cloud:7233" || opts.Namespace != "boutique-staging.a1b2c" || opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Errorf("profile prod with TEMPORAL_NAMESPACE: address %q namespace %q credentials %v TLS %v", opts.HostPort, opts.Namespace, opts.Credentials, opts.ConnectionOptions.TLS)
	}

	if _, err := loadConfig(env(map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "prdo"})); err == nil {
		t.Error("a profile the file does not have was accepted")
	}
	if _, err := loadConfig(env(map[string]string{"TEMPORAL_TLS_CLIENT_CERT_PATH": "/nonexistent/client.pem", "TEMPORAL_TLS_CLIENT_KEY_PATH": "/nonexistent/client.key"})); err == nil {
		t.Error("a client certificate that cannot be read was accepted")
	}

	// Without TEMPORAL_CONFIG_FILE, no file is read, not even the
	// developer's own (HOME's) Temporal CLI configuration.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	if err := os.MkdirAll(filepath.Join(home, ".config", "temporalio"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "temporalio", "temporal.toml"), []byte("[profile.default]\naddress = \"elsewhere:7233\"\napi_key = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if opts := clientOptionsOf(cfg); opts.HostPort != "127.0.0.1:7233" || opts.Credentials != nil {
		t.Errorf("the developer's own Temporal profile reached orderdesk: %q, credentials %v", opts.HostPort, opts.Credentials)
	}
}

// clientOptionsOf builds the options as dial does, without dialing.
func clientOptionsOf(cfg config) client.Options {
	var o client.Options
	o.HostPort, o.Namespace, o.ConnectionOptions = cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TemporalConn
	cfg.TemporalCluster.apply(&o)
	return o
}

// frontendCall is what the fake frontend saw of one request.
type frontendCall struct{ method, clientCN, authorization, namespace string }

type fakeFrontend struct {
	addr  string
	mu    sync.Mutex
	calls []frontendCall
}

func (f *fakeFrontend) seen() []frontendCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]frontendCall(nil), f.calls...)
}

// startFrontend serves gRPC over TLS and answers every method as an old
// server does to methods it does not know, which the SDK takes as a server
// without those capabilities: the dial succeeds, and every request is
// recorded.
func startFrontend(t *testing.T, conf *tls.Config) *fakeFrontend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeFrontend{addr: ln.Addr().String()}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(conf)), grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(stream)
		md, _ := metadata.FromIncomingContext(stream.Context())
		call := frontendCall{method: method}
		if v := md.Get("authorization"); len(v) > 0 {
			call.authorization = v[0]
		}
		if v := md.Get("temporal-namespace"); len(v) > 0 {
			call.namespace = v[0]
		}
		if p, ok := peer.FromContext(stream.Context()); ok {
			if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.PeerCertificates) > 0 {
				call.clientCN = ti.State.PeerCertificates[0].Subject.CommonName
			}
		}
		f.mu.Lock()
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		return status.Error(codes.Unimplemented, "unknown method "+method)
	}))
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return f
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "orderdesk test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, client bool) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
