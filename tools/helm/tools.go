//go:build tools

// Package tools pins Helm (v3), which tools/bootstrap.sh --with-cluster builds from this module to
// install Dapr's chart on tools/cluster.sh's node, as users install Dapr.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
