// Command argocd-e2e drives Argo CD's real servers the way Argo CD itself
// does, with Argo CD's own client packages:
//
//	argocd-e2e redis ADDR-FILE
//	    an in-memory Redis (miniredis) on 127.0.0.1 for the repo-server's
//	    cache; writes host:port to ADDR-FILE, runs until SIGTERM.
//	argocd-e2e cmp -repo DIR -app REL -plugin NAME -o OUT [-env K=V]...
//	    what the repo-server does with a CMP sidecar: discovery
//	    (util/app/discovery.DetectConfigManagementPlugin, over the socket
//	    in $ARGOCD_PLUGINSOCKFILEPATH), then GenerateManifest with the
//	    repository streamed by util/cmp.SendRepoStream.
//	argocd-e2e repo -addr HOST:PORT -repo URL -revision REV -app REL [-plugin NAME | -argocd-cm FILE] -o OUT
//	    what the application controller does: GenerateManifest on the
//	    repo-server (reposerver/apiclient), which clones URL and renders
//	    REL with the plugin NAME (-plugin "": `plugin: {}`), or, with
//	    -argocd-cm, with its own kustomize and the ConfigMap's
//	    kustomize.buildOptions; with neither the source has no type and
//	    the repo-server detects it.
//
// OUT gets the returned manifests as YAML documents (keys sorted, the form
// Argo CD keeps them in), "---" between them. A refused discovery or a
// failed generation prints Argo CD's error on stderr and exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"sigs.k8s.io/yaml"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	repoclient "github.com/argoproj/argo-cd/v3/reposerver/apiclient"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	utilio "github.com/argoproj/argo-cd/v3/util/io"
	"github.com/argoproj/argo-cd/v3/util/tls"
)

// What the application controller sends for the example Application.
const (
	appName     = "ml-pipeline"
	appNS       = "ml"
	project     = "default"
	kubeVersion = "1.35.0"
)

var apiVersions = []string{"v1", "apps/v1", "autoscaling/v2", "policy/v1"}

type envFlags []string

func (e *envFlags) String() string     { return strings.Join(*e, ",") }
func (e *envFlags) Set(v string) error { *e = append(*e, v); return nil }

func main() {
	if len(os.Args) < 2 {
		fatal(errors.New("usage: argocd-e2e redis|cmp|repo ..."))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "redis":
		err = runRedis(os.Args[2:])
	case "cmp":
		err = runCMP(ctx, os.Args[2:])
	case "repo":
		err = runRepo(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "argocd-e2e:", err)
	os.Exit(1)
}

func runRedis(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: argocd-e2e redis ADDR-FILE")
	}
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr("127.0.0.1:0"); err != nil {
		return err
	}
	defer s.Close()
	if err := os.WriteFile(args[0], []byte(s.Addr()+"\n"), 0o644); err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

func runCMP(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("cmp", flag.ExitOnError)
	repo := fs.String("repo", "", "the repository's checkout")
	app := fs.String("app", "", "the application's path in it")
	plugin := fs.String("plugin", "", "spec.source.plugin.name (metadata.name-spec.version)")
	out := fs.String("o", "", "output file")
	var env envFlags
	fs.Var(&env, "env", "an extra K=V for the plugin (repeatable)")
	_ = fs.Parse(args)
	repoPath, err := filepath.Abs(*repo)
	if err != nil {
		return err
	}
	appPath := filepath.Join(repoPath, *app)
	// The variables the repo-server sends (reposerver/repository's newEnv and
	// getPluginEnvs) for the example Application.
	vars := append([]string{
		"ARGOCD_APP_NAME=" + appName,
		"ARGOCD_APP_NAMESPACE=" + appNS,
		"ARGOCD_APP_PROJECT_NAME=" + project,
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567",
		"ARGOCD_APP_REVISION_SHORT=0123456",
		"ARGOCD_APP_REVISION_SHORT_8=01234567",
		"ARGOCD_APP_SOURCE_REPO_URL=file://" + repoPath,
		"ARGOCD_APP_SOURCE_PATH=" + *app,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD",
		"KUBE_VERSION=" + kubeVersion,
		"KUBE_API_VERSIONS=" + strings.Join(apiVersions, ","),
	}, env...)

	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, appPath, repoPath, *plugin, vars, nil)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	defer utilio.Close(conn)
	stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return fmt.Errorf("GenerateManifest: %w", err)
	}
	if err := cmp.SendRepoStream(ctx, appPath, repoPath, stream, vars, nil); err != nil {
		return fmt.Errorf("GenerateManifest: sending the repository: %w", err)
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("GenerateManifest: %w", err)
	}
	return writeManifests(*out, resp.GetManifests())
}

func runRepo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("repo", flag.ExitOnError)
	addr := fs.String("addr", "", "the repo-server's host:port")
	repo := fs.String("repo", "", "the repository URL")
	revision := fs.String("revision", "HEAD", "the revision to render")
	app := fs.String("app", "", "the application's path in the repository")
	plugin := fs.String("plugin", "", "spec.source.plugin.name (\"\" is `plugin: {}`; without -plugin and -argocd-cm the source has no type)")
	argocdCM := fs.String("argocd-cm", "", "an argocd-cm ConfigMap: use its kustomize.buildOptions instead of a plugin")
	out := fs.String("o", "", "output file")
	_ = fs.Parse(args)

	conn, client, err := repoclient.NewRepoServerClientset(*addr, 60, tls.Configuration{DisableTLS: true}).NewRepoServerClient()
	if err != nil {
		return err
	}
	defer utilio.Close(conn)
	src := &v1alpha1.ApplicationSource{RepoURL: *repo, Path: *app, TargetRevision: *revision}
	var kustomizeOptions *v1alpha1.KustomizeOptions
	if *argocdCM != "" {
		// What the application controller reads from argocd-cm.
		data, err := os.ReadFile(*argocdCM)
		if err != nil {
			return err
		}
		var cm struct {
			Data map[string]string `json:"data"`
		}
		if err := yaml.Unmarshal(data, &cm); err != nil {
			return fmt.Errorf("%s: %w", *argocdCM, err)
		}
		kustomizeOptions = &v1alpha1.KustomizeOptions{BuildOptions: cm.Data["kustomize.buildOptions"]}
	} else if flagSet(fs, "plugin") {
		src.Plugin = &v1alpha1.ApplicationSourcePlugin{Name: *plugin}
	}
	resp, err := client.GenerateManifest(ctx, &repoclient.ManifestRequest{
		Repo:               &v1alpha1.Repository{Repo: *repo},
		Revision:           *revision,
		AppName:            appName,
		Namespace:          appNS,
		ProjectName:        project,
		ApplicationSource:  src,
		KustomizeOptions:   kustomizeOptions,
		KubeVersion:        kubeVersion,
		ApiVersions:        apiVersions,
		ProjectSourceRepos: []string{"*"},
		NoCache:            true,
	})
	if err != nil {
		return fmt.Errorf("GenerateManifest: %w", err)
	}
	fmt.Fprintf(os.Stderr, "repo-server: sourceType %s, revision %s\n", resp.GetSourceType(), resp.GetRevision())
	return writeManifests(*out, resp.GetManifests())
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// writeManifests writes each manifest (YAML or JSON) as a YAML document with
// sorted keys.
func writeManifests(path string, manifests []string) error {
	var b strings.Builder
	for i, m := range manifests {
		j, err := yaml.YAMLToJSON([]byte(m))
		if err != nil {
			return fmt.Errorf("manifest %d: %w", i, err)
		}
		y, err := yaml.JSONToYAML(j)
		if err != nil {
			return fmt.Errorf("manifest %d: %w", i, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
