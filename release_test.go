package main

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sms-gateway/terraform-provider-sms/internal/provider"
)

type payloadKey struct{}

// payload stands for what a call's context carries: big enough that a
// retained one would be plain in a heap, tracked by a weak pointer.
type payload [64 << 10]byte

// While attached, the context is the call's; once released it holds
// nothing and reads as canceled.
func TestReleasableContext(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), payloadKey{}, "value"), deadline)
	defer cancel()

	c := newReleasableContext(parent)
	if got := c.Value(payloadKey{}); got != "value" {
		t.Errorf("Value = %v, want the call's value", got)
	}
	if got, ok := c.Deadline(); !ok || !got.Equal(deadline) {
		t.Errorf("Deadline = %v, %v; want the call's %v", got, ok, deadline)
	}
	derived, stop := context.WithCancel(c)
	defer stop()
	if c.Err() != nil || derived.Err() != nil {
		t.Fatalf("Err = %v, derived %v before the call was canceled", c.Err(), derived.Err())
	}

	cancel()
	select {
	case <-derived.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a context derived during the call was not canceled with the call")
	}
	if !errors.Is(c.Err(), context.Canceled) || !errors.Is(derived.Err(), context.Canceled) {
		t.Errorf("Err = %v, derived %v; want both canceled", c.Err(), derived.Err())
	}

	c.release()
	if got := c.Value(payloadKey{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}
	if _, ok := c.Deadline(); ok {
		t.Error("Deadline after release is set, want none")
	}
	select {
	case <-c.Done():
	default:
		t.Error("Done after release is open, want closed")
	}
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("Err after release = %v, want canceled", c.Err())
	}
	later, stopLater := context.WithCancel(c)
	defer stopLater()
	if !errors.Is(later.Err(), context.Canceled) {
		t.Errorf("a context derived after release has Err %v, want canceled", later.Err())
	}
}

// The framework keeps every call's context until the provider is stopped;
// through releasingServer, what the context carries can be collected as
// soon as the call is over. The unwrapped half of the test is there to
// say when the framework stops doing that, and the wrapper can go.
func TestReleasingServerLetsGoOfContexts(t *testing.T) {
	t.Parallel()
	framework := providerserver.NewProtocol6(provider.New("test")())()
	wrapped := releaseContexts(framework)
	if _, ok := wrapped.(releasingServer); !ok {
		t.Fatalf("releaseContexts returned %T for the framework's server, want a releasingServer", wrapped)
	}
	req := validateKeyRequest(t, framework)

	if p := validateWithPayload(t, wrapped, req); collected(p) != nil {
		t.Error("through releasingServer, the call's context outlived the call")
	}
	if p := validateWithPayload(t, framework, req); collected(p) == nil {
		t.Error("the framework no longer keeps the contexts of its calls: releasingServer can go")
	}
	// Servers that are gone take what they keep with them.
	runtime.KeepAlive(wrapped)
	runtime.KeepAlive(framework)
}

// releaseContexts passes on a server that lacks a part of the protocol
// the wrapper would have to answer for.
func TestReleaseContextsKeepsAPartialServer(t *testing.T) {
	t.Parallel()
	var partial struct{ tfprotov6.ProviderServer }
	if got := releaseContexts(partial); got != tfprotov6.ProviderServer(partial) {
		t.Errorf("releaseContexts = %T, want the server as it was", got)
	}
}

// validateKeyRequest is a ValidateResourceConfig of an sms_api_key with a
// label only.
func validateKeyRequest(t *testing.T, server tfprotov6.ProviderServer) *tfprotov6.ValidateResourceConfigRequest {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schema, ok := schemas.ResourceSchemas["sms_api_key"]
	if !ok {
		t.Fatal("the provider has no sms_api_key schema")
	}
	objectType, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("the sms_api_key schema is a %T, want an object", schema.ValueType())
	}
	attributes := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attributes[name] = tftypes.NewValue(typ, nil)
	}
	attributes["label"] = tftypes.NewValue(tftypes.String, "checkout")
	config, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attributes))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ValidateResourceConfigRequest{TypeName: "sms_api_key", Config: &config}
}

// validateWithPayload validates req with a context that carries a
// payload, cancels the context as gRPC does when a call ends, and returns
// a weak pointer to the payload.
func validateWithPayload(t *testing.T, server tfprotov6.ProviderServer, req *tfprotov6.ValidateResourceConfigRequest) weak.Pointer[payload] {
	t.Helper()
	p := new(payload)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
	resp, err := server.ValidateResourceConfig(ctx, req)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("validation failed: %s: %s", d.Summary, d.Detail)
		}
	}
	return weak.Make(p)
}

// collected runs the garbage collector and returns what p still points
// at, nil when the payload was collected.
func collected(p weak.Pointer[payload]) *payload {
	runtime.GC()
	runtime.GC()
	return p.Value()
}
