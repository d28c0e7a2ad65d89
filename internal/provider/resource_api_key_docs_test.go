package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
)

// The resource page is where users learn what replaces a key, so each
// input's description must name every condition under which a change to
// it does, and the conditions under which it does not. The test takes the
// unconditional replacements from the schema's plan modifiers, and checks
// the conditional ones, which ModifyPlan decides, by planning each change
// and reading the description that should explain the outcome.
func TestAPIKeyDescriptionsNameWhatReplacesTheKey(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	r := configuredAPIKeyResource(t, clock.NewManual(now))
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	s := schemaResp.Schema
	description := func(name string) string {
		return strings.Join(strings.Fields(s.Attributes[name].GetMarkdownDescription()), " ")
	}

	covered := map[string]bool{}
	for name, a := range s.Attributes {
		if replacedByModifier(ctx, a) {
			covered[name] = true
			if !strings.Contains(description(name), "Changing it replaces the key") {
				t.Errorf("%s has a plan modifier that replaces the key on any change, but its description does "+
					"not say \"Changing it replaces the key\": %q", name, description(name))
			}
		}
	}

	in := func(d time.Duration) tftypes.Value {
		return tftypes.NewValue(tftypes.String, now.Add(d).Format(time.RFC3339))
	}
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	null := tftypes.NewValue(tftypes.String, nil)
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	triggers := func(release string) tftypes.Value {
		return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"release": str(release)})
	}
	noTriggers := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
	imported := values{"key": null, "secret": null}

	tests := []struct {
		name      string
		attribute string // whose description must explain the outcome
		phrase    string // what it must say
		state     values // on top of a key held in state in the clear
		plan      values // on top of the state
		replace   bool
	}{
		{"valid_for changed", "valid_for", "Changing or removing it replaces the key",
			values{"valid_for": str("720h"), "expires_at": in(20 * 24 * time.Hour)}, values{"valid_for": str("1440h")}, true},
		{"valid_for removed", "valid_for", "Changing or removing it replaces the key",
			values{"valid_for": str("720h"), "expires_at": in(20 * 24 * time.Hour)}, values{"valid_for": null}, true},
		{"valid_for first set on a key without expiry", "valid_for", "Changing or removing it replaces the key",
			nil, values{"valid_for": str("720h")}, true},
		{"valid_for first set on a key with an expiry", "valid_for", "except when it is first set on a key that already has an expiry",
			values{"expires_at": in(20 * 24 * time.Hour)}, values{"valid_for": str("720h")}, false},

		{"valid_until later", "valid_until", "moving it later or removing it replaces the key",
			values{"valid_until": in(time.Hour), "expires_at": in(time.Hour)}, values{"valid_until": in(2 * time.Hour)}, true},
		{"valid_until removed", "valid_until", "moving it later or removing it replaces the key",
			values{"valid_until": in(time.Hour), "expires_at": in(time.Hour)}, values{"valid_until": null}, true},
		{"valid_until left out for a key just imported", "valid_until",
			"leaving it out of the configuration of a key just imported keeps the key",
			imported.with(values{"valid_until": in(time.Hour), "expires_at": in(time.Hour)}), values{"valid_until": null}, false},
		{"valid_until unknown", "valid_until", "so does a value known only at apply",
			values{"valid_until": in(time.Hour), "expires_at": in(time.Hour)}, values{"valid_until": unknown}, true},
		{"valid_until earlier", "valid_until", "Moving it earlier while it is still ahead, or setting it on a key without one, changes the key in place",
			values{"valid_until": in(2 * time.Hour), "expires_at": in(2 * time.Hour)}, values{"valid_until": in(time.Hour)}, false},
		{"valid_until set on a key without expiry", "valid_until", "setting it on a key without one, changes the key in place",
			nil, values{"valid_until": in(time.Hour)}, false},

		{"rotation_triggers changed", "rotation_triggers", "any change to them replaces the key",
			values{"rotation_triggers": triggers("1")}, values{"rotation_triggers": triggers("2")}, true},
		{"rotation_triggers added", "rotation_triggers", "any change to them replaces the key",
			nil, values{"rotation_triggers": triggers("1")}, true},
		{"rotation_triggers added to an imported key", "rotation_triggers",
			"Adding them where there were none does not replace a key whose key and secret state does not hold",
			imported, values{"rotation_triggers": triggers("1")}, false},
		{"rotation_triggers emptied", "rotation_triggers", "`{}` is the same as none",
			values{"rotation_triggers": noTriggers}, values{"rotation_triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{})}, false},

		{"rotate_before narrowed", "rotate_before", "Changes in place",
			values{"valid_for": str("2160h"), "rotate_before": str("168h"), "expires_at": in(10 * 24 * time.Hour)}, values{"rotate_before": str("24h")}, false},
		{"rotate_before widened into the window", "rotate_before", "widening it so that the window has already begun replaces the key",
			values{"valid_for": str("2160h"), "rotate_before": str("24h"), "expires_at": in(10 * 24 * time.Hour)}, values{"rotate_before": str("720h")}, true},

		{"encryption_recipient set", "encryption_recipient", "Setting, changing or removing it changes the key in place",
			nil, values{"encryption_recipient": str("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")}, false},

		{"label changed", "label", "Changes in place", nil, values{"label": str("renamed")}, false},
		{"permissions changed", "permissions", "Changes in place", nil,
			values{"permissions": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("balance")})}, false},
		{"retire_after set", "retire_after", "Changes in place", nil, values{"retire_after": str("24h")}, false},
	}
	for _, tt := range tests {
		covered[tt.attribute] = true
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(description(tt.attribute), tt.phrase) {
				t.Errorf("the description of %s does not say %q: %q", tt.attribute, tt.phrase, description(tt.attribute))
			}
			state := heldKey(now).with(tt.state)
			replaced := planReplaces(t, r, s, state, state.with(tt.plan))
			if replaced != tt.replace {
				t.Errorf("the plan replaces the key: %v, want %v (so the description %q is wrong)", replaced, tt.replace, tt.phrase)
			}
		})
	}

	for name, a := range s.Attributes {
		if (a.IsRequired() || a.IsOptional()) && !covered[name] {
			t.Errorf("%s is an input, but this test checks neither that it replaces the key nor that it "+
				"changes in place; add its cases", name)
		}
	}
}

// values are attribute values of an sms_api_key, by name.
type values map[string]tftypes.Value

func (v values) with(more values) values {
	out := values{}
	for name, value := range v {
		out[name] = value
	}
	for name, value := range more {
		out[name] = value
	}
	return out
}

// heldKey is a key as state holds it after a create: key and secret in
// the clear, no expiry.
func heldKey(now time.Time) values {
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	return values{
		"id":          str("ak_4f9Qx2LmZ7pTn3RkV8sW"),
		"label":       str("checkout-service"),
		"environment": str("live"),
		"length":      tftypes.NewValue(tftypes.Number, 64),
		"permissions": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("sms")}),
		"key_hint":    str("sW8x"),
		"created_at":  str(now.Add(-time.Hour).Format(time.RFC3339)),
		"key":         str("k"),
		"secret":      str("s"),
	}
}

// replacedByModifier tells an attribute whose plan modifiers replace the
// key on any change, as the framework's RequiresReplace does.
func replacedByModifier(ctx context.Context, a schema.Attribute) bool {
	type described interface{ Description(context.Context) string }
	var modifiers []described
	switch a := a.(type) {
	case schema.StringAttribute:
		for _, m := range a.PlanModifiers {
			modifiers = append(modifiers, m)
		}
	case schema.NumberAttribute:
		for _, m := range a.PlanModifiers {
			modifiers = append(modifiers, m)
		}
	case schema.SetAttribute:
		for _, m := range a.PlanModifiers {
			modifiers = append(modifiers, m)
		}
	case schema.MapAttribute:
		for _, m := range a.PlanModifiers {
			modifiers = append(modifiers, m)
		}
	}
	for _, m := range modifiers {
		if strings.Contains(m.Description(ctx), "destroy and recreate the resource") {
			return true
		}
	}
	return false
}

// planReplaces runs the resource's ModifyPlan on a change from state to
// plan and tells whether it replaces the key.
func planReplaces(t *testing.T, r resource.ResourceWithModifyPlan, s schema.Schema, state, plan values) bool {
	t.Helper()
	ctx := context.Background()
	planned := objectOf(t, s, plan)
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s, Raw: planned},
		State:  tfsdk.State{Schema: s, Raw: objectOf(t, s, state)},
		Plan:   tfsdk.Plan{Schema: s, Raw: planned},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("ModifyPlan: %v", resp.Diagnostics)
	}
	return len(resp.RequiresReplace) > 0
}

// objectOf is the resource's object with the given attributes, null elsewhere.
func objectOf(t *testing.T, s schema.Schema, given values) tftypes.Value {
	t.Helper()
	typ, ok := s.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatalf("the schema's type is %T, not an object", s.Type())
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
		if v, ok := given[name]; ok {
			attrs[name] = v
		}
	}
	for name := range given {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("the resource has no attribute %s", name)
		}
	}
	return tftypes.NewValue(typ, attrs)
}

// configuredAPIKeyResource is the sms_api_key resource as the provider
// serves it, configured with the given clock, found by its type name.
func configuredAPIKeyResource(t *testing.T, now clock.Clock) resource.ResourceWithModifyPlan {
	t.Helper()
	ctx := context.Background()
	p := newWithOptions("test", options{clock: now, getenv: func(string) string { return "" }})()
	var ps provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	var configResp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: providerConfig(t, ps.Schema)}, &configResp)
	if configResp.Diagnostics.HasError() {
		t.Fatalf("provider Configure: %v", configResp.Diagnostics)
	}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "sms"}, &meta)
		if meta.TypeName != "sms_api_key" {
			continue
		}
		withPlan, ok := r.(resource.ResourceWithModifyPlan)
		configurable, ok2 := r.(resource.ResourceWithConfigure)
		if !ok || !ok2 {
			t.Fatal("sms_api_key plans without ModifyPlan or Configure")
		}
		var cr resource.ConfigureResponse
		configurable.Configure(ctx, resource.ConfigureRequest{ProviderData: configResp.ResourceData}, &cr)
		if cr.Diagnostics.HasError() {
			t.Fatalf("resource Configure: %v", cr.Diagnostics)
		}
		return withPlan
	}
	t.Fatal("the provider serves no sms_api_key resource")
	return nil
}

// providerConfig sets api_key and endpoint, so that no environment counts.
func providerConfig(t *testing.T, s providerschema.Schema) tfsdk.Config {
	t.Helper()
	typ, ok := s.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema's type is %T, not an object", s.Type())
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
	}
	attrs["api_key"] = tftypes.NewValue(tftypes.String, "documentationTestKey0123456789")
	attrs["endpoint"] = tftypes.NewValue(tftypes.String, "http://127.0.0.1:9/api")
	return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, attrs)}
}
