package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

const (
	minKeyLength     = 16
	maxKeyLength     = 64
	maxLabelLength   = 64
	minValidFor      = time.Minute
	maxValidity      = 2 * 365 * 24 * time.Hour
	validityHorizonY = 2
)

var (
	_ resource.Resource                     = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigure        = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState      = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*apiKeyResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*apiKeyResource)(nil)
	_ resource.ResourceWithIdentity         = (*apiKeyResource)(nil)
)

func newAPIKeyResource() resource.Resource {
	return &apiKeyResource{}
}

type apiKeyResource struct {
	data *providerData
}

type apiKeyResourceModel struct {
	ID               types.String      `tfsdk:"id"`
	Label            types.String      `tfsdk:"label"`
	Environment      types.String      `tfsdk:"environment"`
	Length           types.Int64       `tfsdk:"length"`
	Permissions      types.Set         `tfsdk:"permissions"`
	RotationTriggers types.Map         `tfsdk:"rotation_triggers"`
	ValidUntil       timetypes.RFC3339 `tfsdk:"valid_until"`
	ValidFor         types.String      `tfsdk:"valid_for"`
	RotateBefore     types.String      `tfsdk:"rotate_before"`
	ExpiresAt        timetypes.RFC3339 `tfsdk:"expires_at"`
	KeyHint          types.String      `tfsdk:"key_hint"`
	CreatedAt        timetypes.RFC3339 `tfsdk:"created_at"`
	Key              types.String      `tfsdk:"key"`
	Secret           types.String      `tfsdk:"secret"`
	Recipient        types.String      `tfsdk:"encryption_recipient"`
	EncryptedKey     types.String      `tfsdk:"encrypted_key"`
	EncryptedSecret  types.String      `tfsdk:"encrypted_secret"`
}

// apiKeyIdentityModel names a key for import blocks with identity and for
// tools that match state to remote objects: the id is all it takes.
type apiKeyIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API key of the gateway, for a service that sends SMS. The gateway shows the key " +
			"and its webhook-signing secret only once, when the key is created: they are kept in state as " +
			"sensitive values. Any change to an input marked *replaces* creates a new key and then deletes the " +
			"old one (use `create_before_destroy` to rotate without downtime).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id, made by the gateway (such as `ak_…`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A name for the key, 1 to %d characters without control "+
					"characters. Labels need not be unique. Changes in place.", maxLabelLength),
				Required:   true,
				Validators: labelValidators(),
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "`live` (the default) sends real messages; `sandbox` keys have their " +
					"messages accepted and never delivered. A `sandbox` provider key can create only `sandbox` " +
					"keys. Changing it replaces the key.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.EnvironmentLive),
				Validators:    environmentValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"length": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many characters of `[A-Za-z0-9]` the key has, %d to %d; "+
					"defaults to %d. Changing it replaces the key.", minKeyLength, maxKeyLength, maxKeyLength),
				Optional:      true,
				Computed:      true,
				Default:       int64default.StaticInt64(maxKeyLength),
				Validators:    lengthValidators(),
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the key grants, at least one of " + scopeList() + ". Defaults to " +
					"every scope but `api_keys`: managing keys is granted only when asked for. The provider's own " +
					"key must hold every scope it grants. Changes in place.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(stringSet(defaultScopes())),
				Validators:  permissionsValidators(),
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change to them replaces the key (setting them on a " +
					"key just imported does not). Feed it a value that changes when the key should be rotated, " +
					"such as a `time_rotating` id or a release number.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{replaceMapUnlessImported()},
			},
			"valid_until": schema.StringAttribute{
				MarkdownDescription: "When the key stops working, as an RFC 3339 time such as " +
					"`2027-06-30T00:00:00Z`: in the future and at most two years ahead. A time that has passed is " +
					"an error at plan; prefer `valid_for` for keys that rotate. Conflicts with `valid_for`. " +
					"Changing it replaces the key.",
				CustomType:    timetypes.RFC3339Type{},
				Optional:      true,
				PlanModifiers: []planmodifier.String{replaceUnlessAdoptingExpiry()},
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long each key works after it is created, as a duration such as `720h` " +
					"(at least `1m`, at most two years). It is turned into the key's expiry once, when the key is " +
					"created; see `expires_at`. Conflicts with `valid_until`. Changing it replaces the key.",
				Optional:      true,
				Validators:    []validator.String{durationBetween(minValidFor, maxValidity)},
				PlanModifiers: []planmodifier.String{replaceUnlessKeyAlreadyExpires()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "With `valid_for`: how long before `expires_at` plans start to replace the " +
					"key, as a duration such as `168h`; it must be shorter than `valid_for`. Without it a key is " +
					"replaced once it has expired. Changes in place.",
				Optional: true,
				Validators: []validator.String{
					durationBetween(0, maxValidity),
					stringvalidator.AlsoRequires(path.MatchRoot("valid_for")),
				},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key stops working (RFC 3339), or null when it never expires.",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_hint": schema.StringAttribute{
				MarkdownDescription: "The key's last 4 characters, to recognise it without revealing it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the key was created (RFC 3339).",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The key itself, sent by services in the `X-Api-Key` header. Shown by the " +
					"gateway only at creation, so null after an import, and null when `encryption_recipient` " +
					"is set (see `encrypted_key`).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key's secret for verifying webhook signatures (64 characters). Shown " +
					"by the gateway only at creation, so null after an import, and null when " +
					"`encryption_recipient` is set (see `encrypted_secret`).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"encryption_recipient": schema.StringAttribute{
				MarkdownDescription: "An [age](https://age-encryption.org) X25519 recipient (`age1…`, the public " +
					"key that `age-keygen` prints). When set, state holds the key and secret only encrypted to " +
					"it, as `encrypted_key` and `encrypted_secret`, and `key` and `secret` stay null. Changing it " +
					"replaces the key: the gateway cannot show the old key again to encrypt it anew. Set on a key " +
					"just imported, which has no key in state, it applies from the next rotation on.",
				Optional:      true,
				Validators:    []validator.String{ageRecipient()},
				PlanModifiers: []planmodifier.String{replaceUnlessImported()},
			},
			"encrypted_key": schema.StringAttribute{
				MarkdownDescription: "With `encryption_recipient`: the key as an ASCII-armored age file; " +
					"`age -d -i identity.txt` opens it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"encrypted_secret": schema.StringAttribute{
				MarkdownDescription: "With `encryption_recipient`: the secret as an ASCII-armored age file.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "The key's id.",
				RequiredForImport: true,
			},
		},
	}
}

func (r *apiKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("valid_until"), path.MatchRoot("valid_for")),
	}
}

// ValidateConfig checks what no single attribute's validator can: that a
// key is not due for rotation the moment it is created.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config apiKeyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !isKnown(config.ValidFor) || !isKnown(config.RotateBefore) {
		return
	}
	validFor, errFor := time.ParseDuration(config.ValidFor.ValueString())
	rotateBefore, errBefore := time.ParseDuration(config.RotateBefore.ValueString())
	if errFor == nil && errBefore == nil && rotateBefore >= validFor {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Rotation Window",
			fmt.Sprintf("rotate_before (%s) must be shorter than valid_for (%s), or every plan would replace "+
				"the key. Shorten rotate_before or lengthen valid_for.", formatDuration(rotateBefore), formatDuration(validFor)))
	}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses a fixed expiry that has passed and replaces a key
// whose rotation is due. The replacement is planned here, from the clock,
// rather than by dropping the key from state in Read, so that plan shows it
// and create_before_destroy and replace_triggered_by elsewhere see it.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	// Every plan of every key passes here, so it reads only the attributes
	// it needs rather than the whole model.
	var validUntil, expiresAt timetypes.RFC3339
	var rotateBefore types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("valid_until"), &validUntil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := r.data.clock.Now()
	resp.Diagnostics.Append(checkFixedExpiry(validUntil, now)...)
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expires_at"), &expiresAt)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rotate_before"), &rotateBefore)...)
	if resp.Diagnostics.HasError() || !isKnown(expiresAt) {
		return
	}
	expiry, diags := expiresAt.ValueRFC3339Time()
	resp.Diagnostics.Append(diags...)
	var window time.Duration
	if isKnown(rotateBefore) {
		// The schema validator has already proved that this parses.
		window, _ = time.ParseDuration(rotateBefore.ValueString())
	}
	if resp.Diagnostics.HasError() || now.Before(expiry.Add(-window)) {
		return
	}

	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	why := fmt.Sprintf("it expires at %s", expiry.Format(time.RFC3339))
	if !now.Before(expiry) {
		why = fmt.Sprintf("it expired at %s", expiry.Format(time.RFC3339))
	} else if window > 0 {
		why += fmt.Sprintf(", within rotate_before (%s)", formatDuration(window))
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), "API Key Rotation Due",
		fmt.Sprintf("The key %s will be replaced by a new one because %s. Services that use it must be given "+
			"the new key; with create_before_destroy the old key keeps working until the new one exists.",
			id.ValueString(), why))

	// What the gateway makes for the new key is unknown until it exists.
	for _, name := range []string{"id", "key_hint", "key", "secret", "encrypted_key", "encrypted_secret"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	for _, name := range []string{"expires_at", "created_at"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), timetypes.NewRFC3339Unknown())...)
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
}

// checkFixedExpiry refuses a valid_until that the gateway would refuse: one
// that has passed, or one more than two years ahead.
func checkFixedExpiry(validUntil timetypes.RFC3339, now time.Time) diag.Diagnostics {
	if !isKnown(validUntil) {
		return nil
	}
	t, diags := validUntil.ValueRFC3339Time()
	if diags.HasError() {
		return diags
	}
	if !t.After(now) {
		diags.AddAttributeError(path.Root("valid_until"), "Expiry In The Past",
			fmt.Sprintf("valid_until (%s) has passed, so a key with it could not be created or kept. Move "+
				"valid_until to a later time, or use valid_for so that every new key gets a fresh window.",
				t.Format(time.RFC3339)))
	} else if limit := now.AddDate(validityHorizonY, 0, 0); t.After(limit) {
		diags.AddAttributeError(path.Root("valid_until"), "Expiry Too Far Ahead",
			fmt.Sprintf("valid_until (%s) lies more than two years ahead; the gateway allows keys until %s "+
				"at most. Choose an earlier time.", t.Format(time.RFC3339), limit.Format(time.RFC3339)))
	}
	return diags
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	input := client.CreateAPIKeyInput{
		Label:       plan.Label.ValueString(),
		Environment: plan.Environment.ValueString(),
		Length:      plan.Length.ValueInt64(),
	}
	resp.Diagnostics.Append(plan.Permissions.ElementsAs(ctx, &input.Permissions, false)...)
	slices.Sort(input.Permissions)
	validUntil, diags := plan.expiryFrom(r.data.clock.Now())
	resp.Diagnostics.Append(diags...)
	input.ValidUntil = validUntil
	recipient := plan.recipient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	key, err := r.data.client.CreateAPIKey(ctx, input)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Create API Key",
			fmt.Sprintf("The provider could not create the key %q.", input.Label), err, r.data)
		return
	}

	plan.setFromAPI(key)
	if err := plan.setSecrets(key, recipient); err != nil {
		// The key exists but cannot be kept as asked; deleting it leaves no
		// orphan behind the error.
		resp.Diagnostics.AddAttributeError(path.Root("encryption_recipient"), "Unable to Encrypt API Key",
			fmt.Sprintf("The key %s was created but could not be encrypted to encryption_recipient, so it was "+
				"deleted again. Check the recipient. Error: %s", key.ID, err))
		if err := r.data.client.DeleteAPIKey(ctx, key.ID); err != nil && !client.NotFound(err) {
			addAPIError(&resp.Diagnostics, "Unable to Delete API Key",
				fmt.Sprintf("The key %s could not be deleted after it failed to encrypt; delete it by hand.", key.ID), err, r.data)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key.ID)...)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The framework wants an identity back from every Read, even one that
	// finds the key gone, whenever Terraform has none stored for it yet.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID.ValueString())...)

	key, err := r.data.client.GetAPIKey(ctx, state.ID.ValueString())
	if client.NotFound(err) {
		// Deleted outside Terraform: dropping it lets the next plan create it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read API Key",
			fmt.Sprintf("The provider could not read the key %s.", state.ID.ValueString()), err, r.data)
		return
	}

	state.setFromAPI(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var plan, state apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var input client.UpdateAPIKeyInput
	if !plan.Label.Equal(state.Label) {
		label := plan.Label.ValueString()
		input.Label = &label
	}
	if !plan.Permissions.Equal(state.Permissions) {
		resp.Diagnostics.Append(plan.Permissions.ElementsAs(ctx, &input.Permissions, false)...)
		slices.Sort(input.Permissions)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Only label and permissions reach the gateway; the other inputs that
	// change in place (rotate_before) live in state alone.
	if input.Label != nil || input.Permissions != nil {
		key, err := r.data.client.UpdateAPIKey(ctx, state.ID.ValueString(), input)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Update API Key",
				fmt.Sprintf("The provider could not update the key %s.", state.ID.ValueString()), err, r.data)
			return
		}
		plan.setFromAPI(key)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID.ValueString())...)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.data.client.DeleteAPIKey(ctx, state.ID.ValueString())
	if err != nil && !client.NotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete API Key",
			fmt.Sprintf("The provider could not delete the key %s.", state.ID.ValueString()), err, r.data)
	}
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	resp.Diagnostics.AddWarning("API Key Secret Not Imported",
		"The gateway shows a key and its secret only when the key is created, so key and secret stay null "+
			"in state after an import. If a service needs them, issue a new key with "+
			"`terraform apply -replace=<address>`.")
}

// setIdentity records the key's identity where the client keeps one
// (Terraform 1.12 and later, OpenTofu 1.12 and later).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, apiKeyIdentityModel{ID: types.StringValue(id)})
}

// expiryFrom turns valid_until or valid_for into the time the gateway is
// asked for; valid_for counts from now, once, at creation.
func (m apiKeyResourceModel) expiryFrom(now time.Time) (*time.Time, diag.Diagnostics) {
	switch {
	case isKnown(m.ValidUntil):
		t, diags := m.ValidUntil.ValueRFC3339Time()
		t = t.UTC()
		return &t, diags
	case isKnown(m.ValidFor):
		d, err := time.ParseDuration(m.ValidFor.ValueString())
		if err != nil {
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("valid_for"), "Invalid Duration", err.Error())
			return nil, diags
		}
		t := now.Add(d).UTC().Truncate(time.Second)
		return &t, nil
	}
	return nil, nil
}

// recipient parses encryption_recipient before a key is made for it: its
// value may have been unknown, and so unchecked, at plan.
func (m apiKeyResourceModel) recipient(diags *diag.Diagnostics) age.Recipient {
	if m.Recipient.IsNull() {
		return nil
	}
	r, err := age.ParseX25519Recipient(m.Recipient.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("encryption_recipient"), "Invalid Encryption Recipient",
			fmt.Sprintf("encryption_recipient must be an age X25519 recipient (age1…): %s. No key was created.", err))
		return nil
	}
	return r
}

// setSecrets keeps the once-only key and secret as the configuration asks:
// in plain sensitive attributes, or only encrypted to a recipient.
func (m *apiKeyResourceModel) setSecrets(key *client.APIKey, recipient age.Recipient) error {
	if recipient == nil {
		m.Key, m.Secret = types.StringValue(key.Key), types.StringValue(key.Secret)
		m.EncryptedKey, m.EncryptedSecret = types.StringNull(), types.StringNull()
		return nil
	}
	encryptedKey, err := encryptTo(recipient, key.Key)
	if err != nil {
		return err
	}
	encryptedSecret, err := encryptTo(recipient, key.Secret)
	if err != nil {
		return err
	}
	m.Key, m.Secret = types.StringNull(), types.StringNull()
	m.EncryptedKey, m.EncryptedSecret = types.StringValue(encryptedKey), types.StringValue(encryptedSecret)
	return nil
}

// setFromAPI copies what the gateway knows into the model. Key and secret
// are left alone: the gateway returns them only from create.
func (m *apiKeyResourceModel) setFromAPI(key *client.APIKey) {
	m.ID = types.StringValue(key.ID)
	m.Label = types.StringValue(key.Label)
	m.Environment = types.StringValue(key.Environment)
	m.Length = types.Int64Value(key.Length)
	m.Permissions = stringSet(key.Permissions)
	m.KeyHint = types.StringValue(key.KeyHint)
	m.CreatedAt = timetypes.NewRFC3339TimeValue(key.CreatedAt.UTC())
	m.ExpiresAt = rfc3339OrNull(key.ValidUntil)
}
