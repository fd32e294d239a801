package starter

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/client"
)

// Compression of the requests to the Temporal server (TEMPORAL_GRPC_COMPRESSION).
const (
	// CompressionNone sends requests as they are, the default: with the
	// server on the same machine or network, compressing costs the worker
	// and the server CPU and saves nothing that counts (measured with make
	// bench: a fifth of the server's CPU per procedure).
	CompressionNone = "none"
	// CompressionGzip compresses them, the SDK's own default: for a server
	// reached across a slow or metered link.
	CompressionGzip = "gzip"
)

// ConnectionOptions are the connection options of a Temporal client for
// a compression setting: "" or "none", or "gzip".
func ConnectionOptions(compression string) (client.ConnectionOptions, error) {
	switch strings.ToLower(strings.TrimSpace(compression)) {
	case "", CompressionNone:
		return client.ConnectionOptions{GrpcCompression: &client.GrpcCompressionNone{}}, nil
	case CompressionGzip:
		return client.ConnectionOptions{GrpcCompression: &client.GrpcCompressionGzip{}}, nil
	}
	return client.ConnectionOptions{}, fmt.Errorf("TEMPORAL_GRPC_COMPRESSION=%q: say none (the default) or gzip", compression)
}
