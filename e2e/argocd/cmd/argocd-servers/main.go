// Command argocd-servers is Argo CD's argocd-cmp-server and
// argocd-repo-server in one binary, chosen by the name it is run as (like
// Argo CD's own multi-call binary). It only calls Argo CD's own commands, so
// the servers are the real ones, built from the module proxy.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	cmpserver "github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
	reposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
	"github.com/argoproj/argo-cd/v3/util/log"
)

func main() {
	// As Argo CD's cmd/main.go: klog through logrus. Its main also turns off
	// gRPC's DNS SRV lookups (util/grpc.DisableSRVLookups), which only
	// grpclb turns on; grpclb is not linked into these two servers, so they
	// are off already (and that function panics when they are).
	klog.SetLogger(log.NewLogrusLogger(log.NewWithCurrentConfig()))

	var command *cobra.Command
	switch name := filepath.Base(os.Args[0]); name {
	case "argocd-cmp-server":
		command = cmpserver.NewCommand()
	case "argocd-repo-server":
		command = reposerver.NewCommand()
	default:
		fmt.Fprintf(os.Stderr, "%s: run me as argocd-cmp-server or argocd-repo-server (a symlink)\n", name)
		os.Exit(2)
	}
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
