package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// ModifyPlan plans what the schema alone cannot: the expiry and the
// credentials that state will hold, and the replacements that depend on
// more than one attribute or on the clock; keylife decides them all.
// Rotation is planned here, from the clock, rather than by dropping the
// key from state in Read, so that plan shows it and create_before_destroy
// and replace_triggered_by elsewhere see it. Terraform 1.3 and later plan
// destroys through the provider too; a replacement that only Terraform
// knows of (-replace, taint, replace_triggered_by) is told at apply.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	now := r.data.clock.Now()
	var planned, prior apiKeyResourceModel
	var k keylife.Key
	if !req.Plan.Raw.IsNull() {
		var diags diag.Diagnostics
		planned, diags = readLife(ctx, req.Plan)
		resp.Diagnostics.Append(diags...)
	}
	if !req.State.Raw.IsNull() {
		var diags diag.Diagnostics
		prior, diags = readLife(ctx, req.State)
		resp.Diagnostics.Append(diags...)
		revealable, diags := readRevealable(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		pending, diags := readPendingCreate(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		k = prior.key(revealable, pending, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	switch {
	case req.Plan.Raw.IsNull():
		addNotices(&resp.Diagnostics, keylife.PlanDestroy(k, now))
	case req.State.Raw.IsNull():
		writePlan(ctx, keylife.PlanCreate(planned.config(&resp.Diagnostics), now), planned, planned, resp)
	case req.Plan.Raw.Equal(req.State.Raw):
		// Most plans of most keys: only the clock, the credentials of an
		// imported key and an unconfirmed create can change them, and
		// mostly nothing does.
		decision := keylife.PlanChange(k, keylife.ConfigOf(k), now)
		if len(decision.Replacements) == 0 && decision.Credentials == keylife.CredentialsHeld && !decision.Unsettled {
			addNotices(&resp.Diagnostics, decision)
			return
		}
		writePlan(ctx, decision, prior, planned, resp)
	default:
		cfg := planned.config(&resp.Diagnostics)
		// Environment and length replace the key through their own modifiers.
		cfg.Replaced = !planned.Environment.Equal(prior.Environment) || !planned.Length.Equal(prior.Length)
		writePlan(ctx, keylife.PlanChange(k, cfg, now), prior, planned, resp)
	}
}

// writePlan sets what keylife decided: the planned expiry and credentials
// (those of prior where they stay), the attributes that replace the key,
// and the notices.
func writePlan(ctx context.Context, decision keylife.Plan, prior, planned apiKeyResourceModel, resp *resource.ModifyPlanResponse) {
	addNotices(&resp.Diagnostics, decision)
	planDecision(decision, prior, &planned)
	for name, value := range map[string]any{
		"expires_at": planned.ExpiresAt, "key": planned.Key, "secret": planned.Secret,
		"encrypted_key": planned.EncryptedKey, "encrypted_secret": planned.EncryptedSecret,
	} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), value)...)
	}
	for _, replacement := range decision.Replacements {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(replacement.Attribute))
	}
	if decision.Unsettled {
		planUnsettled(ctx, resp)
	}
}

// planUnsettled plans what the apply learns of the key that an unconfirmed
// create made, or makes when it asks again.
func planUnsettled(ctx context.Context, resp *resource.ModifyPlanResponse) {
	for _, name := range []string{"id", "key_hint"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("created_at"), timetypes.NewRFC3339Unknown())...)
	var permissions types.Set
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("permissions"), &permissions)...)
	if permissions.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("permissions"), types.SetUnknown(types.StringType))...)
	}
}

// The resource's models as keylife's plain values, and keylife's decisions
// back as the resource's attributes, for ModifyPlan above and for the
// applies in resource_api_key.go.

// lifeAttributes are the attributes that key, config and planCredentials
// read, and all that a plan reads of a key: most plans of most keys change
// nothing, and reading the whole model would cost more than the decision.
var lifeAttributes = map[string]func(m *apiKeyResourceModel) any{
	"id":                   func(m *apiKeyResourceModel) any { return &m.ID },
	"environment":          func(m *apiKeyResourceModel) any { return &m.Environment },
	"length":               func(m *apiKeyResourceModel) any { return &m.Length },
	"expires_at":           func(m *apiKeyResourceModel) any { return &m.ExpiresAt },
	"valid_until":          func(m *apiKeyResourceModel) any { return &m.ValidUntil },
	"valid_for":            func(m *apiKeyResourceModel) any { return &m.ValidFor },
	"rotate_before":        func(m *apiKeyResourceModel) any { return &m.RotateBefore },
	"retire_after":         func(m *apiKeyResourceModel) any { return &m.RetireAfter },
	"rotation_triggers":    func(m *apiKeyResourceModel) any { return &m.RotationTriggers },
	"encryption_recipient": func(m *apiKeyResourceModel) any { return &m.Recipient },
	"key":                  func(m *apiKeyResourceModel) any { return &m.Key },
	"secret":               func(m *apiKeyResourceModel) any { return &m.Secret },
	"encrypted_key":        func(m *apiKeyResourceModel) any { return &m.EncryptedKey },
	"encrypted_secret":     func(m *apiKeyResourceModel) any { return &m.EncryptedSecret },
}

// attributeReader is a plan or a state.
type attributeReader interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// readLife reads the lifeAttributes of a plan or a state; the others stay
// null.
func readLife(ctx context.Context, from attributeReader) (apiKeyResourceModel, diag.Diagnostics) {
	m := apiKeyResourceModel{}
	var diags diag.Diagnostics
	for name, field := range lifeAttributes {
		diags.Append(from.GetAttribute(ctx, path.Root(name), field(&m))...)
	}
	return m, diags
}

// key is what state holds of a key, as keylife takes it, with what private
// state says of it: whether the gateway shows it again, and the create
// that made it while that is unconfirmed (nil for none).
func (m apiKeyResourceModel) key(revealable bool, pending *pendingCreate, diags *diag.Diagnostics) keylife.Key {
	k := keylife.Key{
		ID:           m.ID.ValueString(),
		Expiry:       instant(m.ExpiresAt, "expires_at", diags),
		ValidUntil:   instant(m.ValidUntil, "valid_until", diags),
		ValidFor:     duration(m.ValidFor, "valid_for", diags),
		RotateBefore: duration(m.RotateBefore, "rotate_before", diags),
		RetireAfter:  duration(m.RetireAfter, "retire_after", diags),
		Triggers:     triggers(m.RotationTriggers),
		Recipient:    text(m.Recipient),
		Revealable:   revealable,
	}
	if pending != nil {
		unconfirmed := pending.unconfirmed()
		k.Unconfirmed = &unconfirmed
	}
	switch {
	case isKnown(m.Key) && isKnown(m.Secret):
		k.Held = keylife.HeldPlain
	case isKnown(m.EncryptedKey):
		k.Held = keylife.HeldEncrypted
	}
	return k
}

// config is what a plan asks of a key, as keylife takes it.
func (m apiKeyResourceModel) config(diags *diag.Diagnostics) keylife.Config {
	return keylife.Config{
		ValidUntil:   instant(m.ValidUntil, "valid_until", diags),
		ValidFor:     duration(m.ValidFor, "valid_for", diags),
		RotateBefore: duration(m.RotateBefore, "rotate_before", diags),
		Triggers:     triggers(m.RotationTriggers),
		Recipient:    text(m.Recipient),
	}
}

// planDecision writes keylife's plan of a key into the resource's plan:
// its expiry, its credentials, and what replaces it. prior is the key's
// state, whose credentials a plan keeps when keylife says so.
func planDecision(p keylife.Plan, prior apiKeyResourceModel, planned *apiKeyResourceModel) {
	planned.ExpiresAt = rfc3339Value(p.Expiry)
	plain, encrypted := types.StringUnknown(), types.StringUnknown()
	switch p.Credentials {
	case keylife.CredentialsHeld:
		planned.Key, planned.Secret = prior.Key, prior.Secret
		planned.EncryptedKey, planned.EncryptedSecret = prior.EncryptedKey, prior.EncryptedSecret
		return
	case keylife.CredentialsPlain:
		encrypted = types.StringNull()
	case keylife.CredentialsEncrypted:
		plain = types.StringNull()
	}
	planned.Key, planned.Secret = plain, plain
	planned.EncryptedKey, planned.EncryptedSecret = encrypted, encrypted
}

// addNotices reports keylife's warnings and errors.
func addNotices(diags *diag.Diagnostics, p keylife.Plan) {
	for _, n := range p.Errors {
		addNotice(diags, n, true)
	}
	for _, n := range p.Warnings {
		addNotice(diags, n, false)
	}
}

func addNotice(diags *diag.Diagnostics, n keylife.Notice, isError bool) {
	switch {
	case n.Attribute == "" && isError:
		diags.AddError(n.Summary, n.Detail)
	case n.Attribute == "":
		diags.AddWarning(n.Summary, n.Detail)
	case isError:
		diags.AddAttributeError(path.Root(n.Attribute), n.Summary, n.Detail)
	default:
		diags.AddAttributeWarning(path.Root(n.Attribute), n.Summary, n.Detail)
	}
}

func isKnown(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

func text(v types.String) keylife.Value[string] {
	switch {
	case v.IsNull():
		return keylife.Null[string]()
	case v.IsUnknown():
		return keylife.Unknown[string]()
	}
	return keylife.Known(v.ValueString())
}

// duration reads a duration of the configuration or of state. The schema
// validates every configured duration, and state holds only what a
// validated configuration put there; one that does not parse all the same
// is reported rather than read as zero.
func duration(v types.String, attribute string, diags *diag.Diagnostics) keylife.Value[time.Duration] {
	switch {
	case v.IsNull():
		return keylife.Null[time.Duration]()
	case v.IsUnknown():
		return keylife.Unknown[time.Duration]()
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root(attribute), "Invalid Duration",
			fmt.Sprintf("%s holds %q, which is not a duration such as \"24h\". Correct it in the configuration.",
				attribute, v.ValueString()))
		return keylife.Null[time.Duration]()
	}
	return keylife.Known(d)
}

func instant(v timetypes.RFC3339, attribute string, diags *diag.Diagnostics) keylife.Value[time.Time] {
	switch {
	case v.IsNull():
		return keylife.Null[time.Time]()
	case v.IsUnknown():
		return keylife.Unknown[time.Time]()
	}
	t, d := v.ValueRFC3339Time()
	if d.HasError() {
		diags.AddAttributeError(path.Root(attribute), "Invalid Time",
			fmt.Sprintf("%s holds %q, which is not an RFC 3339 time such as \"2027-06-30T00:00:00Z\".",
				attribute, v.ValueString()))
		return keylife.Null[time.Time]()
	}
	return keylife.Known(t)
}

func triggers(v types.Map) keylife.Value[map[string]keylife.Value[string]] {
	switch {
	case v.IsNull():
		return keylife.Null[map[string]keylife.Value[string]]()
	case v.IsUnknown():
		return keylife.Unknown[map[string]keylife.Value[string]]()
	}
	m := make(map[string]keylife.Value[string], len(v.Elements()))
	for name, element := range v.Elements() {
		s, ok := element.(types.String)
		switch {
		case !ok, s.IsUnknown():
			m[name] = keylife.Unknown[string]()
		case s.IsNull():
			m[name] = keylife.Null[string]()
		default:
			m[name] = keylife.Known(s.ValueString())
		}
	}
	return keylife.Known(m)
}

func rfc3339Value(v keylife.Value[time.Time]) timetypes.RFC3339 {
	t, known := v.Get()
	switch {
	case known:
		return timetypes.NewRFC3339TimeValue(t)
	case v.IsUnknown():
		return timetypes.NewRFC3339Unknown()
	}
	return timetypes.NewRFC3339Null()
}
