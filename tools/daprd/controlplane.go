//go:build tools

// The Dapr control plane that tools/cluster.sh installs (the sidecar injector and the operator;
// Sentry is built for local runs as well): named here so go.mod and go.sum keep what they need.
package main

import (
	_ "github.com/dapr/dapr/cmd/injector"
	_ "github.com/dapr/dapr/cmd/operator"
)
