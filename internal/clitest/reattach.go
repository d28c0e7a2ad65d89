package clitest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// serveTimeout bounds how long a provider served in the test process may
// take to start listening.
const serveTimeout = 30 * time.Second

// Reattached serves a provider inside the test process and returns an
// Installation under which the CLI talks to it instead of starting a
// binary (TF_REATTACH_PROVIDERS), as terraform-plugin-testing does. The test
// keeps the provider's clock and transport in its hands while it reads
// everything the real CLI prints. The server stops when the test ends.
func Reattached(t *testing.T, source string, server func() tfprotov6.ProviderServer) *Installation {
	t.Helper()
	dir := t.TempDir()
	in := &Installation{ConfigFile: filepath.Join(dir, "cli.tfrc"), binaries: map[string]string{}}
	if err := os.WriteFile(in.ConfigFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(source, server,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})

	var config *plugin.ReattachConfig
	select {
	case config = <-configCh:
	case err := <-served:
		t.Fatalf("serving %s in the test process: %v", source, err)
	case <-time.After(serveTimeout):
		t.Fatalf("serving %s in the test process: not listening after %s", source, serveTimeout)
	}
	reattach, err := json.Marshal(map[string]any{source: map[string]any{
		"Protocol":        string(config.Protocol),
		"ProtocolVersion": config.ProtocolVersion,
		"Pid":             config.Pid,
		"Test":            config.Test,
		"Addr":            map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		t.Fatal(fmt.Errorf("encoding the reattach configuration: %w", err))
	}
	in.env = map[string]string{"TF_REATTACH_PROVIDERS": string(reattach)}
	return in
}
