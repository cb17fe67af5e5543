//go:build tools

// Package tools only names the commands tools/bootstrap.sh builds from this module, so that
// go.mod and go.sum keep everything they need.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
