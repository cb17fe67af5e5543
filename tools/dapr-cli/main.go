// Command dapr is the Dapr CLI from github.com/dapr/cli at the version pinned in go.mod.
// `go install github.com/dapr/cli@version` fails here because the module proxy refuses the
// module's version list (needed for deprecation checks), so this one-line wrapper module
// builds the same main. Version values are injected by tools/bootstrap.sh with -ldflags.
package main

import "github.com/dapr/cli/cmd"

var (
	version    = ""
	apiVersion = "1.0"
)

func main() {
	cmd.Execute(version, apiVersion)
}
