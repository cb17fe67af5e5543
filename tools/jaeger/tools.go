//go:build tools

// Package tools pins Jaeger (v2, an OpenTelemetry collector with Jaeger's storage and query API),
// which tools/bootstrap.sh builds from this module: the OTLP trace backend of tools/run.sh and
// the tracing test (config.yaml here).
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
