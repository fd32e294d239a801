package main

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
)

// temporalCluster is how orderdesk reaches a Temporal cluster other than a
// local one without TLS: Temporal Cloud or any TLS, mTLS or API-key
// cluster. It is read by the Temporal SDK's environment configuration
// (go.temporal.io/sdk/contrib/envconfig), the same variables and TOML
// profiles as the Temporal CLI's, so one set of settings serves both.
type temporalCluster struct {
	// sdk holds what the SDK read: TLS (nil: plain TCP), credentials (the
	// API key), gRPC headers of the profile, authority.
	sdk client.Options
}

// temporalClusterEnvVars are the SDK's variables orderdesk documents: the
// ones an operator needs for Temporal Cloud or their own TLS cluster.
var temporalClusterEnvVars = [][2]string{
	{"TEMPORAL_API_KEY", "API key of the Temporal namespace (Temporal Cloud, or any cluster that takes one); turns TLS on"},
	{"TEMPORAL_TLS", "true: TLS to the Temporal frontend (default: on with an API key or a client certificate, else off); false: never"},
	{"TEMPORAL_TLS_CLIENT_CERT_PATH", "client certificate (PEM) for mTLS, with TEMPORAL_TLS_CLIENT_KEY_PATH"},
	{"TEMPORAL_TLS_CLIENT_KEY_PATH", "the client certificate's private key (PEM)"},
	{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", "CA certificate (PEM) the frontend's certificate is verified with (default: the system's CAs)"},
	{"TEMPORAL_TLS_SERVER_NAME", "name the frontend's certificate is verified against (default: the host of TEMPORAL_ADDRESS)"},
	{"TEMPORAL_CONFIG_FILE", "a Temporal TOML configuration file (as `temporal config set` writes it): its profile gives the address, namespace, API key and TLS, and the variables above win over it; unset, no file is read"},
	{"TEMPORAL_PROFILE", "the profile of TEMPORAL_CONFIG_FILE to use (default \"default\")"},
}

// getenvLookup serves the SDK's lookups from orderdesk's getenv: a variable
// set empty counts as unset, as everywhere else in orderdesk. gRPC headers
// come from the TOML profile only (no TEMPORAL_GRPC_META_* variables).
type getenvLookup func(string) string

func (g getenvLookup) LookupEnv(name string) (string, bool) {
	v := g(name)
	return v, v != ""
}

func (getenvLookup) Environ() []string { return nil }

// loadTemporalCluster reads the cluster's address, namespace, credentials
// and TLS into c. A TOML profile is read only when TEMPORAL_CONFIG_FILE
// names one, so a developer's own Temporal CLI profile never reaches make
// dev or the tests.
func loadTemporalCluster(getenv func(string) string, c *config) error {
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{
		EnvLookup:   getenvLookup(getenv),
		DisableFile: getenv("TEMPORAL_CONFIG_FILE") == "",
	})
	if err != nil {
		return fmt.Errorf("the Temporal connection settings do not load (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE, TEMPORAL_API_KEY, TEMPORAL_TLS_*): %w", err)
	}
	if opts.HostPort != "" {
		c.TemporalAddress = opts.HostPort
	}
	if opts.Namespace != "" {
		c.TemporalNamespace = opts.Namespace
	}
	c.TemporalCluster = temporalCluster{sdk: opts}
	return nil
}

// apply sets the cluster's credentials and TLS on client options, leaving
// everything else (address, namespace, compression, data converter,
// interceptors) as the caller built it.
func (tc temporalCluster) apply(o *client.Options) {
	o.ConnectionOptions.TLS = tc.sdk.ConnectionOptions.TLS
	o.ConnectionOptions.TLSDisabled = tc.sdk.ConnectionOptions.TLSDisabled
	if a := tc.sdk.ConnectionOptions.Authority; a != "" {
		o.ConnectionOptions.Authority = a
	}
	if tc.sdk.Credentials != nil {
		o.Credentials = tc.sdk.Credentials
	}
	if tc.sdk.HeadersProvider != nil {
		o.HeadersProvider = tc.sdk.HeadersProvider
	}
}

// describe says how orderdesk reaches the cluster, for the worker's and
// the agent UI's first log line: never the key itself.
func (tc temporalCluster) describe() string {
	var parts []string
	switch t := tc.sdk.ConnectionOptions.TLS; {
	case t == nil:
		parts = append(parts, "plain TCP")
	case len(t.Certificates) > 0:
		parts = append(parts, "mTLS")
	default:
		parts = append(parts, "TLS")
	}
	if tc.sdk.Credentials != nil {
		parts = append(parts, "API key")
	}
	return strings.Join(parts, ", ")
}
