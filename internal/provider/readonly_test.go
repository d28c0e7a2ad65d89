package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// Every plan, refresh-only plan and destroy plan sends the gateway nothing
// but GET requests: a plan must never change what it plans for. Every test
// that serves the provider through testEnv checks this, for every call of
// the provider that is not an apply (ApplyResourceChange) or an ephemeral
// resource's open, renew or close (which exist to act at plan time), in
// plans and applies alike: refreshes, plans, data source reads, imports.

// readOnlyCall marks a context as serving a call of the provider that must
// not write.
type readOnlyCall struct{}

// readOnlyGuard serves the provider, marking the calls that must not write.
type readOnlyGuard struct {
	tfprotov6.ProviderServer
}

func readOnly(ctx context.Context, call string) context.Context {
	return context.WithValue(ctx, readOnlyCall{}, call)
}

func (g readOnlyGuard) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return g.ProviderServer.ReadResource(readOnly(ctx, "ReadResource "+req.TypeName), req)
}

func (g readOnlyGuard) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return g.ProviderServer.PlanResourceChange(readOnly(ctx, "PlanResourceChange "+req.TypeName), req)
}

func (g readOnlyGuard) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return g.ProviderServer.ReadDataSource(readOnly(ctx, "ReadDataSource "+req.TypeName), req)
}

func (g readOnlyGuard) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return g.ProviderServer.ImportResourceState(readOnly(ctx, "ImportResourceState "+req.TypeName), req)
}

// The list and action calls are served only by a provider that has them,
// as Terraform asks: the embedded ProviderServer does not carry them.

func (g readOnlyGuard) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	lister, err := g.lister()
	if err != nil {
		return nil, err
	}
	return lister.ValidateListResourceConfig(readOnly(ctx, "ValidateListResourceConfig "+req.TypeName), req)
}

// ListResource must not write: a query only finds what exists.
func (g readOnlyGuard) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	lister, err := g.lister()
	if err != nil {
		return nil, err
	}
	return lister.ListResource(readOnly(ctx, "ListResource "+req.TypeName), req)
}

func (g readOnlyGuard) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	actor, err := g.actor()
	if err != nil {
		return nil, err
	}
	return actor.ValidateActionConfig(readOnly(ctx, "ValidateActionConfig "+req.ActionType), req)
}

func (g readOnlyGuard) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	actor, err := g.actor()
	if err != nil {
		return nil, err
	}
	return actor.PlanAction(readOnly(ctx, "PlanAction "+req.ActionType), req)
}

// InvokeAction is an action's apply: it may write.
func (g readOnlyGuard) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	actor, err := g.actor()
	if err != nil {
		return nil, err
	}
	return actor.InvokeAction(ctx, req)
}

func (g readOnlyGuard) lister() (tfprotov6.ListResourceServer, error) {
	lister, ok := g.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, fmt.Errorf("the provider server %T serves no list resources", g.ProviderServer)
	}
	return lister, nil
}

func (g readOnlyGuard) actor() (tfprotov6.ActionServer, error) {
	actor, ok := g.ProviderServer.(tfprotov6.ActionServer)
	if !ok {
		return nil, fmt.Errorf("the provider server %T serves no actions", g.ProviderServer)
	}
	return actor, nil
}

func (g readOnlyGuard) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return g.ProviderServer.ConfigureProvider(readOnly(ctx, "ConfigureProvider"), req)
}

// writeRecorder is the provider's transport in tests: it notes every
// request other than GET sent while a call that must not write is served.
type writeRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	// writes are "call: METHOD PATH", in the order sent.
	writes []string
}

func newWriteRecorder() *writeRecorder {
	return &writeRecorder{next: cleanhttp.DefaultPooledTransport()}
}

func (w *writeRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	w.note(req)
	return w.next.RoundTrip(req)
}

// note records req if it writes while a call that must not write is served.
func (w *writeRecorder) note(req *http.Request) {
	if call, ok := req.Context().Value(readOnlyCall{}).(string); ok && req.Method != http.MethodGet {
		w.mu.Lock()
		w.writes = append(w.writes, fmt.Sprintf("%s: %s %s", call, req.Method, req.URL.Path))
		w.mu.Unlock()
	}
}

func (w *writeRecorder) recorded() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.writes)
}

// expectNoWrites fails t for each write that w noted, once t and its
// subtests are done.
func (w *writeRecorder) expectNoWrites(t *testing.T) {
	t.Cleanup(func() {
		for _, write := range w.recorded() {
			t.Errorf("a call that must not write sent %s", write)
		}
	})
}

// The guard catches what it is there for: a write while a plan is served.
func TestWriteRecorderNotesWritesOfReadOnlyCalls(t *testing.T) {
	t.Parallel()
	rec := &writeRecorder{next: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody}, nil
	})}
	send := func(ctx context.Context, method string) {
		req, err := http.NewRequestWithContext(ctx, method, "http://gateway.test/api/api_keys", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := rec.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	send(readOnly(t.Context(), "ReadResource sms_api_key"), http.MethodGet)
	send(t.Context(), http.MethodPost)
	send(readOnly(t.Context(), "ReadResource sms_api_key"), http.MethodPost)
	want := []string{"ReadResource sms_api_key: POST /api/api_keys"}
	if got := rec.recorded(); !slices.Equal(got, want) {
		t.Errorf("recorded %q, want %q", got, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// planWritesNothing runs a plan command of the CLI and checks, by the
// sandbox's own counters, that it sent the gateway only GET requests and
// left the account's keys as they were. It logs what the plan sent.
func (e *testEnv) planWritesNothing(t *testing.T, w *clitest.Workdir, args ...string) *clitest.Result {
	t.Helper()
	keysBefore, err := e.keysBesidesOwn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	before := e.sandbox.Stats()
	r := w.Run(append(args, "-input=false", "-no-color")...)
	sent := requestsBetween(before, e.sandbox.Stats())
	t.Logf("terraform %s (exit %d) sent: %s", strings.Join(args, " "), r.ExitCode, strings.Join(sent, ", "))
	// A plan that failed wrote nothing either, and proves nothing: 0 is a
	// plan, and 2 a plan with changes under -detailed-exitcode.
	if r.ExitCode != 0 && r.ExitCode != 2 {
		t.Errorf("terraform %s failed:\n%s", strings.Join(args, " "), r)
	}
	for _, s := range sent {
		if !strings.HasPrefix(s, http.MethodGet+" ") {
			t.Errorf("terraform %s sent %s", strings.Join(args, " "), s)
		}
	}
	keysAfter, err := e.keysBesidesOwn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysBefore, keysAfter) {
		t.Errorf("terraform %s changed the account's keys from %v to %v", strings.Join(args, " "), keysBefore, keysAfter)
	}
	return r
}

// requestsBetween lists the requests counted from one snapshot of the
// sandbox's counters to a later one, as "METHOD ROUTE STATUS ×N".
func requestsBetween(before, after sandbox.Stats) []string {
	var sent []string
	for _, rc := range after.Requests {
		if n := rc.Count - before.Count(rc.Method, rc.Route, rc.Status); n > 0 {
			sent = append(sent, fmt.Sprintf("%s %s %d ×%d", rc.Method, rc.Route, rc.Status, n))
		}
	}
	return sent
}

var (
	_ tfprotov6.ListResourceServer = readOnlyGuard{}
	_ tfprotov6.ActionServer       = readOnlyGuard{}
)
