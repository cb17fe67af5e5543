//go:build tools

// Package tools pins CoreDNS, which tools/bootstrap.sh --with-cluster builds from this module:
// the cluster DNS of tools/cluster.sh's node (Dapr's sidecars find Sentry by its Service name).
package tools

import _ "github.com/coredns/coredns"
