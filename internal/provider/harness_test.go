package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

// harness drives the provider in-process through its protocol server, the
// way Terraform does, against a sandbox of its own with a clock the test
// moves: the adapters' wiring is tested by plain `go test`, without a CLI.
// It plays the part of Terraform's core only as far as these tests need:
// proposed new states, replacements as delete then create, and a read
// after an import.
type harness struct {
	t       *testing.T
	ctx     context.Context
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
	clock   *clock.Manual
	sb      *sandboxtest.Sandbox
	api     *client.Client // the test's own view of the gateway
	network *lossyTransport
	env     map[string]string // the provider's environment variables
}

// newHarness starts a sandbox with opts and configures the provider for
// it with the sandbox's first key.
func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	h := newUnconfiguredHarness(t, opts)
	h.configure(map[string]any{"endpoint": h.sb.Endpoint, "api_key": h.sb.APIKey, "max_retries": 0})
	return h
}

// newUnconfiguredHarness is a harness whose provider is not configured yet,
// with no environment variables until the test sets them in h.env.
func newUnconfiguredHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	manual := clock.NewManual(time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC))
	opts.Clock = manual
	sb := sandboxtest.Start(t, opts)
	vars := map[string]string{}
	network := &lossyTransport{next: http.DefaultTransport}
	// Plans, reads, imports and configuration must not write, here as
	// under a CLI (readonly_test.go).
	writes := &writeRecorder{next: network}
	writes.expectNoWrites(t)
	unguarded, err := providerserver.NewProtocol6WithError(newWithOptions("test", options{
		clock:      manual,
		getenv:     func(name string) string { return vars[name] },
		httpClient: &http.Client{Transport: writes},
	})())()
	if err != nil {
		t.Fatal(err)
	}
	server := readOnlyGuard{ProviderServer: unguarded}
	api, err := client.New(client.Config{Endpoint: sb.Endpoint, APIKey: sb.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: context.Background(), server: server, clock: manual, sb: sb, api: api, network: network, env: vars}
	h.schemas, err = server.GetProviderSchema(h.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(h.schemas.Diagnostics) {
		t.Fatalf("schema: %v %s", err, describe(h.schemas.Diagnostics))
	}
	return h
}

// configure configures the provider and returns its diagnostics.
func (h *harness) configure(config map[string]any) []*tfprotov6.Diagnostic {
	h.t.Helper()
	resp, err := h.server.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           h.dynamic(h.object(h.schemas.Provider, config)),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.Diagnostics
}

// instance is one sms_api_key as Terraform keeps it: state and private
// state.
type instance struct {
	state   tftypes.Value
	private []byte
}

// attrOf returns a string attribute of an object value, "" when null.
func attrOf(v tftypes.Value, name string) string {
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		panic(err)
	}
	a, ok := attrs[name]
	if !ok {
		panic("no attribute " + name)
	}
	if !a.IsKnown() {
		return "<unknown>"
	}
	if a.IsNull() {
		return ""
	}
	switch {
	case a.Type().Is(tftypes.String):
		var s string
		if err := a.As(&s); err != nil {
			panic(err)
		}
		return s
	case a.Type().Is(tftypes.Number):
		var n big.Float
		if err := a.As(&n); err != nil {
			panic(err)
		}
		return n.Text('f', -1)
	}
	return a.String()
}

func (i *instance) attr(name string) string { return attrOf(i.state, name) }

// planned is the answer to a plan of one instance.
type planned struct {
	resp   *tfprotov6.PlanResourceChangeResponse
	state  tftypes.Value // the planned state
	config tftypes.Value
	prior  *instance
}

func (p *planned) attr(name string) string { return attrOf(p.state, name) }

// replaces lists the attributes for which the plan replaces the key.
func (p *planned) replaces() []string {
	var names []string
	for _, path := range p.resp.RequiresReplace {
		names = append(names, path.String())
	}
	return names
}

// unchanged tells an empty plan.
func (p *planned) unchanged() bool {
	return p.prior != nil && p.state.Equal(p.prior.state) && len(p.resp.RequiresReplace) == 0
}

// plan validates config and plans it over prior (nil: a create); config
// nil plans a destroy. The test fails on an error from the server, not on
// diagnostics, which the test judges.
func (h *harness) plan(prior *instance, config map[string]any) *planned {
	h.t.Helper()
	const typeName = "sms_api_key"
	schema := h.schemas.ResourceSchemas[typeName]
	typ := schema.ValueType()
	cfg := tftypes.NewValue(typ, nil)
	if config != nil {
		cfg = h.object(schema, config)
		validated, err := h.server.ValidateResourceConfig(h.ctx, &tfprotov6.ValidateResourceConfigRequest{
			TypeName: typeName, Config: h.dynamic(cfg)})
		if err != nil {
			h.t.Fatal(err)
		}
		if hasError(validated.Diagnostics) {
			return &planned{resp: &tfprotov6.PlanResourceChangeResponse{Diagnostics: validated.Diagnostics},
				state: tftypes.NewValue(typ, nil), config: cfg, prior: prior}
		}
	}
	priorState := tftypes.NewValue(typ, nil)
	var priorPrivate []byte
	if prior != nil {
		priorState, priorPrivate = prior.state, prior.private
	}
	resp, err := h.server.PlanResourceChange(h.ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName:         typeName,
		PriorState:       h.dynamic(priorState),
		ProposedNewState: h.dynamic(proposedNew(schema, priorState, cfg)),
		Config:           h.dynamic(cfg),
		PriorPrivate:     priorPrivate,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	p := &planned{resp: resp, state: tftypes.NewValue(typ, nil), config: cfg, prior: prior}
	if resp.PlannedState != nil {
		p.state = h.value(resp.PlannedState, typ)
	}
	return p
}

// apply applies a plan as Terraform would: nothing for an empty plan, a
// destroy and then a create for a replacement. It returns the new
// instance (nil once destroyed) and the diagnostics of the applies.
func (h *harness) apply(p *planned) (*instance, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	switch {
	case hasError(p.resp.Diagnostics):
		return p.prior, p.resp.Diagnostics
	case p.unchanged():
		return p.prior, nil
	case len(p.resp.RequiresReplace) > 0:
		_, diags := h.apply(h.plan(p.prior, nil))
		if hasError(diags) {
			return p.prior, diags
		}
		created, more := h.apply(h.planConfig(nil, p.config))
		return created, append(diags, more...)
	}
	typ := p.state.Type()
	priorState := tftypes.NewValue(typ, nil)
	if p.prior != nil {
		priorState = p.prior.state
	}
	resp, err := h.server.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName:       "sms_api_key",
		PriorState:     h.dynamic(priorState),
		PlannedState:   h.dynamic(p.state),
		Config:         h.dynamic(p.config),
		PlannedPrivate: p.resp.PlannedPrivate,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	state := h.value(resp.NewState, typ)
	if state.IsNull() {
		return nil, resp.Diagnostics
	}
	return &instance{state: state, private: resp.Private}, resp.Diagnostics
}

// planConfig plans a configuration that is already a value.
func (h *harness) planConfig(prior *instance, cfg tftypes.Value) *planned {
	h.t.Helper()
	var attrs map[string]tftypes.Value
	if err := cfg.As(&attrs); err != nil {
		h.t.Fatal(err)
	}
	config := map[string]any{}
	for name, v := range attrs {
		if !v.IsNull() {
			config[name] = v
		}
	}
	return h.plan(prior, config)
}

// step plans config over prior and applies it; any error fails the test.
func (h *harness) step(prior *instance, config map[string]any) *instance {
	h.t.Helper()
	p := h.plan(prior, config)
	next, diags := h.apply(p)
	if all := append(append([]*tfprotov6.Diagnostic{}, p.resp.Diagnostics...), diags...); hasError(all) {
		h.t.Fatalf("step failed:\n%s", describe(all))
	}
	return next
}

// create creates a key from config; any error fails the test.
func (h *harness) create(config map[string]any) *instance {
	h.t.Helper()
	return h.step(nil, config)
}

// read refreshes an instance: nil when the key is gone.
func (h *harness) read(i *instance) (*instance, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	resp, err := h.server.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{
		TypeName: "sms_api_key", CurrentState: h.dynamic(i.state), Private: i.private})
	if err != nil {
		h.t.Fatal(err)
	}
	state := h.value(resp.NewState, i.state.Type())
	if state.IsNull() {
		return nil, resp.Diagnostics
	}
	return &instance{state: state, private: resp.Private}, resp.Diagnostics
}

// importKey imports a key by id and reads it, as terraform import does.
func (h *harness) importKey(id string) (*instance, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	resp, err := h.server.ImportResourceState(h.ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "sms_api_key", ID: id})
	if err != nil {
		h.t.Fatal(err)
	}
	if hasError(resp.Diagnostics) || len(resp.ImportedResources) != 1 {
		return nil, resp.Diagnostics
	}
	imported := resp.ImportedResources[0]
	typ := h.schemas.ResourceSchemas["sms_api_key"].ValueType()
	read, diags := h.read(&instance{state: h.value(imported.State, typ), private: imported.Private})
	return read, append(resp.Diagnostics, diags...)
}

// readData reads a data source.
func (h *harness) readData(typeName string, config map[string]any) (tftypes.Value, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	schema := h.schemas.DataSourceSchemas[typeName]
	cfg := h.object(schema, config)
	validated, err := h.server.ValidateDataResourceConfig(h.ctx, &tfprotov6.ValidateDataResourceConfigRequest{
		TypeName: typeName, Config: h.dynamic(cfg)})
	if err != nil {
		h.t.Fatal(err)
	}
	if hasError(validated.Diagnostics) {
		return tftypes.Value{}, validated.Diagnostics
	}
	resp, err := h.server.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: h.dynamic(cfg)})
	if err != nil {
		h.t.Fatal(err)
	}
	if resp.State == nil {
		return tftypes.Value{}, resp.Diagnostics
	}
	return h.value(resp.State, schema.ValueType()), resp.Diagnostics
}

// open opens an ephemeral resource; close closes what it opened.
func (h *harness) open(typeName string, config map[string]any) (tftypes.Value, []byte, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	schema := h.schemas.EphemeralResourceSchemas[typeName]
	cfg := h.object(schema, config)
	validated, err := h.server.ValidateEphemeralResourceConfig(h.ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{
		TypeName: typeName, Config: h.dynamic(cfg)})
	if err != nil {
		h.t.Fatal(err)
	}
	if hasError(validated.Diagnostics) {
		return tftypes.Value{}, nil, validated.Diagnostics
	}
	resp, err := h.server.OpenEphemeralResource(h.ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: typeName, Config: h.dynamic(cfg)})
	if err != nil {
		h.t.Fatal(err)
	}
	if resp.Result == nil {
		return tftypes.Value{}, nil, resp.Diagnostics
	}
	return h.value(resp.Result, schema.ValueType()), resp.Private, resp.Diagnostics
}

func (h *harness) close(typeName string, private []byte) []*tfprotov6.Diagnostic {
	h.t.Helper()
	resp, err := h.server.CloseEphemeralResource(h.ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: typeName, Private: private})
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.Diagnostics
}

// key reads a key from the gateway; nil when it is gone.
func (h *harness) key(id string) *client.APIKey {
	h.t.Helper()
	k, err := h.api.GetAPIKey(h.ctx, id)
	if client.NotFound(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return k
}

// lossyTransport carries the provider's requests to the sandbox, and loses
// the answers that a test asks it to lose: the gateway has acted on the
// request, and the provider sees a broken connection.
type lossyTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	lose map[string]int // method: answers still to lose
}

// loseAnswers loses the answers of the next n requests with method.
func (h *harness) loseAnswers(method string, n int) {
	h.network.mu.Lock()
	defer h.network.mu.Unlock()
	if h.network.lose == nil {
		h.network.lose = map[string]int{}
	}
	h.network.lose[method] += n
}

func (l *lossyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	l.mu.Lock()
	lose := err == nil && l.lose[req.Method] > 0
	if lose {
		l.lose[req.Method]--
	}
	l.mu.Unlock()
	if lose {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

// unknown stands in a configuration for a value known only at apply.
type unknownValue struct{}

var unknown unknownValue

// object builds a value of schema's type from Go values: string, int,
// bool, []string, map[string]string, map[string]any (with unknown
// elements), unknown, or a tftypes.Value; what config leaves out is null.
func (h *harness) object(schema *tfprotov6.Schema, config map[string]any) tftypes.Value {
	h.t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		h.t.Fatalf("schema type %s is not an object", schema.ValueType())
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		v, given := config[name]
		if !given {
			attrs[name] = tftypes.NewValue(attrType, nil)
			continue
		}
		attrs[name] = h.convert(attrType, v)
	}
	for name := range config {
		if _, ok := typ.AttributeTypes[name]; !ok {
			h.t.Fatalf("the schema has no attribute %q", name)
		}
	}
	return tftypes.NewValue(typ, attrs)
}

func (h *harness) convert(typ tftypes.Type, v any) tftypes.Value {
	h.t.Helper()
	switch v := v.(type) {
	case tftypes.Value:
		return v
	case unknownValue:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	case int:
		return tftypes.NewValue(typ, new(big.Float).SetInt64(int64(v)))
	case float64:
		return tftypes.NewValue(typ, big.NewFloat(v))
	case string, bool:
		return tftypes.NewValue(typ, v)
	case []string:
		var element tftypes.Type
		switch c := typ.(type) {
		case tftypes.Set:
			element = c.ElementType
		case tftypes.List:
			element = c.ElementType
		default:
			h.t.Fatalf("%s is not a set or list", typ)
		}
		elements := make([]tftypes.Value, len(v))
		for i, s := range v {
			elements[i] = tftypes.NewValue(element, s)
		}
		return tftypes.NewValue(typ, elements)
	case map[string]string:
		elements := map[string]tftypes.Value{}
		for k, s := range v {
			elements[k] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(typ, elements)
	case map[string]any:
		elements := map[string]tftypes.Value{}
		for k, e := range v {
			elements[k] = h.convert(tftypes.String, e)
		}
		return tftypes.NewValue(typ, elements)
	}
	h.t.Fatalf("cannot convert %T", v)
	return tftypes.Value{}
}

// proposedNew merges config into prior as Terraform's core does for a
// schema of attributes only: what the configuration sets, else the prior
// value of a computed attribute, else null.
func proposedNew(schema *tfprotov6.Schema, prior, config tftypes.Value) tftypes.Value {
	if config.IsNull() {
		return config
	}
	var priorAttrs, configAttrs map[string]tftypes.Value
	if err := config.As(&configAttrs); err != nil {
		panic(err)
	}
	if !prior.IsNull() {
		if err := prior.As(&priorAttrs); err != nil {
			panic(err)
		}
	}
	merged := map[string]tftypes.Value{}
	for _, a := range schema.Block.Attributes {
		v := configAttrs[a.Name]
		if v.IsNull() && a.Computed {
			v = tftypes.NewValue(a.Type, nil)
			if p, ok := priorAttrs[a.Name]; ok {
				v = p
			}
		}
		merged[a.Name] = v
	}
	return tftypes.NewValue(config.Type(), merged)
}

func (h *harness) dynamic(v tftypes.Value) *tfprotov6.DynamicValue {
	h.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		h.t.Fatal(err)
	}
	return &dv
}

func (h *harness) value(dv *tfprotov6.DynamicValue, typ tftypes.Type) tftypes.Value {
	h.t.Helper()
	if dv == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// describe writes diagnostics one a line: "error|warning: summary: detail".
func describe(diags []*tfprotov6.Diagnostic) string {
	var lines []string
	for _, d := range diags {
		severity := "warning"
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			severity = "error"
		}
		where := ""
		if d.Attribute != nil {
			where = " [" + d.Attribute.String() + "]"
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s: %s", severity, where, d.Summary, d.Detail))
	}
	return strings.Join(lines, "\n")
}

// expectDiagnostics fails unless every part appears in the diagnostics,
// and, with wantError, unless one of them is an error.
func expectDiagnostics(t *testing.T, diags []*tfprotov6.Diagnostic, wantError bool, parts ...string) {
	t.Helper()
	text := describe(diags)
	if hasError(diags) != wantError {
		t.Errorf("error = %v, want %v, in:\n%s", hasError(diags), wantError, text)
	}
	for _, part := range parts {
		if !strings.Contains(text, part) {
			t.Errorf("diagnostics lack %q:\n%s", part, text)
		}
	}
}
