package main

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
)

// Requests to the Temporal server go uncompressed unless gzip is asked
// for; anything else is refused naming the variable.
func TestTemporalCompressionConfig(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TemporalConn.GrpcCompression.(*client.GrpcCompressionNone); !ok {
		t.Errorf("default compression = %T, want none", c.TemporalConn.GrpcCompression)
	}
	c, err = loadConfig(env(map[string]string{"TEMPORAL_GRPC_COMPRESSION": "gzip"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TemporalConn.GrpcCompression.(*client.GrpcCompressionGzip); !ok {
		t.Errorf("gzip = %T", c.TemporalConn.GrpcCompression)
	}
	if _, err := loadConfig(env(map[string]string{"TEMPORAL_GRPC_COMPRESSION": "zstd"})); err == nil || !strings.Contains(err.Error(), "TEMPORAL_GRPC_COMPRESSION") {
		t.Errorf("zstd: got %v, want an error naming the variable", err)
	}
}
