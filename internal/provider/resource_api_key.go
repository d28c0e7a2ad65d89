package provider

import (
	"context"
	"fmt"
	"math/big"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
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
	keyFacts
	RotationTriggers types.Map         `tfsdk:"rotation_triggers"`
	ValidUntil       timetypes.RFC3339 `tfsdk:"valid_until"`
	ValidFor         types.String      `tfsdk:"valid_for"`
	RotateBefore     types.String      `tfsdk:"rotate_before"`
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
			"and its webhook-signing secret when the key is created: they are kept in state as sensitive " +
			"values. Any change to an input marked *replaces* creates a new key and then deletes the old one " +
			"(use `create_before_destroy` to rotate without downtime).",
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
			"length": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("How many characters of `[A-Za-z0-9]` the key has, a whole "+
					"number from %d to %d; defaults to %d, which the gateway recommends: shorter keys are only "+
					"for clients that cannot take 64 characters, and plan warns about them. Changing it "+
					"replaces the key.", minKeyLength, maxKeyLength, defaultKeyLength),
				Optional:      true,
				Computed:      true,
				Default:       numberdefault.StaticBigFloat(big.NewFloat(defaultKeyLength)),
				Validators:    lengthValidators(),
				PlanModifiers: []planmodifier.Number{numberplanmodifier.RequiresReplace()},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the key grants, at least one of " + scopeList() + ". The " +
					"provider's own key must hold every scope it grants. When left out, the gateway grants " +
					"every scope that the provider's key holds except `api_keys` (managing keys is granted only " +
					"when asked for), and state shows what it chose; leaving it out later keeps the key's " +
					"scopes as they are. Changes in place.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				Validators:    permissionsValidators(),
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change to them replaces the key (setting them on a " +
					"key just imported does not, and `{}` is the same as none). Feed it a value that changes " +
					"when the key should be rotated, such as a `time_rotating` id or a release number.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Map{emptyTriggersAreNone(), mapplanmodifier.UseStateForUnknown()},
			},
			"valid_until": schema.StringAttribute{
				MarkdownDescription: "When the key stops working, as an RFC 3339 time such as " +
					"`2027-06-30T00:00:00Z`: in the future and at most two years ahead; the gateway keeps " +
					"whole seconds. Prefer `valid_for` for keys that rotate. Conflicts with `valid_for`. " +
					"Changing it replaces the key. Once it has passed, the key stops working and plans warn " +
					"about it; only a new `valid_until` (or `valid_for`) gives a new key.",
				CustomType:    timetypes.RFC3339Type{},
				Optional:      true,
				PlanModifiers: []planmodifier.String{sameInstant()},
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long each key works after it is created, as a duration such as `720h` " +
					"(at least `1m`, at most two years). It is turned into the key's expiry once, when the key is " +
					"created; see `expires_at`. Conflicts with `valid_until`. Changing it replaces the key.",
				Optional:      true,
				Validators:    []validator.String{durationBetween(minValidFor, maxValidFor)},
				PlanModifiers: []planmodifier.String{sameDuration()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "With `valid_for`: how long before `expires_at` plans start to replace the " +
					"key, as a duration such as `168h`; it must be shorter than `valid_for`. Without it a key is " +
					"replaced once it has expired. Changes in place.",
				Optional: true,
				Validators: []validator.String{
					durationBetween(0, maxValidFor),
					stringvalidator.AlsoRequires(path.MatchRoot("valid_for")),
				},
				PlanModifiers: []planmodifier.String{sameDuration()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key stops working (RFC 3339), or null when it never expires. " +
					"Known at plan for `valid_until`, at apply for `valid_for`.",
				CustomType: timetypes.RFC3339Type{},
				Computed:   true,
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
				MarkdownDescription: "The key itself, sent by services in the `X-Api-Key` header. Null when " +
					"`encryption_recipient` is set (see `encrypted_key`), and after an import.",
				Computed:  true,
				Sensitive: true,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key's secret for verifying webhook signatures (64 characters). Null " +
					"when `encryption_recipient` is set (see `encrypted_secret`), and after an import.",
				Computed:  true,
				Sensitive: true,
			},
			"encryption_recipient": schema.StringAttribute{
				MarkdownDescription: "An [age](https://age-encryption.org) X25519 recipient (`age1…`, the public " +
					"key that `age-keygen` prints; white space around it is ignored). When set, state holds the " +
					"key and secret only encrypted to it, as `encrypted_key` and `encrypted_secret`, and `key` " +
					"and `secret` stay null. Changing it replaces the key: the gateway cannot show the old key " +
					"again to encrypt it anew. Set on a key just imported, which has no key in state, it " +
					"applies from the next rotation on.",
				Optional:      true,
				Validators:    []validator.String{ageRecipient()},
				PlanModifiers: []planmodifier.String{sameRecipient()},
			},
			"encrypted_key": schema.StringAttribute{
				MarkdownDescription: "With `encryption_recipient`: the key as an ASCII-armored age file; " +
					"`age -d -i identity.txt` opens it. Null without a recipient.",
				Computed: true,
			},
			"encrypted_secret": schema.StringAttribute{
				MarkdownDescription: "With `encryption_recipient`: the secret as an ASCII-armored age file. " +
					"Null without a recipient.",
				Computed: true,
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
// key is not due for rotation the moment it is created. It reads only the
// two attributes it compares.
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var validFor, rotateBefore types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("valid_for"), &validFor)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotate_before"), &rotateBefore)...)
	if resp.Diagnostics.HasError() || !isKnown(validFor) || !isKnown(rotateBefore) {
		return
	}
	lifetime, errFor := time.ParseDuration(validFor.ValueString())
	window, errBefore := time.ParseDuration(rotateBefore.ValueString())
	if errFor == nil && errBefore == nil && window >= lifetime {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Rotation Window",
			fmt.Sprintf("rotate_before (%s) must be shorter than valid_for (%s), or every plan would replace "+
				"the key. Shorten rotate_before or lengthen valid_for.", formatDuration(window), formatDuration(lifetime)))
	}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
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
	input, diags := plan.createInput(ctx, r.data.clock.Now())
	resp.Diagnostics.Append(diags...)
	recipient := plan.recipient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	out := r.data.createKey(ctx, input)
	switch {
	case out.key != nil:
		r.keepCreated(ctx, plan, out, recipient, resp)
	case out.pending != nil:
		r.keepPending(ctx, plan, out, resp)
	case out.orphanID != "":
		// The key exists but its answer was of no use: kept in state with
		// the error, Terraform marks it tainted and replaces it next time.
		plan.keepOnlyID(out.orphanID)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, out.orphanID)...)
		addAPIError(&resp.Diagnostics, "Unable to Create API Key",
			fmt.Sprintf("The gateway created the key %s but its answer could not be used. The key is kept in "+
				"state and marked tainted, so the next apply replaces it.", out.orphanID), out.err, r.data)
	default:
		addAPIError(&resp.Diagnostics, "Unable to Create API Key",
			fmt.Sprintf("The provider could not create the key %q.", input.Label), out.err, r.data)
	}
}

// keepCreated puts a new key into state, encrypted when asked. A key found
// only after the run was interrupted is kept with the error, so that
// Terraform marks it tainted.
func (r *apiKeyResource) keepCreated(ctx context.Context, plan apiKeyResourceModel, out createOutcome, recipient age.Recipient, resp *resource.CreateResponse) {
	key := out.key
	plan.setFromAPI(key)
	if err := plan.setSecrets(key.Key, key.Secret, recipient); err != nil {
		// The key exists but cannot be kept as asked; deleting it leaves no
		// orphan behind the error.
		resp.Diagnostics.AddAttributeError(path.Root("encryption_recipient"), "Unable to Encrypt API Key",
			fmt.Sprintf("The key %s was created but could not be encrypted to encryption_recipient, so it was "+
				"deleted again. Check the recipient. Error: %s", key.ID, err))
		if err := r.data.client.DeleteAPIKey(context.WithoutCancel(ctx), key.ID); err != nil && !client.NotFound(err) {
			addAPIError(&resp.Diagnostics, "Unable to Delete API Key",
				fmt.Sprintf("The key %s could not be deleted after it failed to encrypt; delete it by hand.", key.ID), err, r.data)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key.ID)...)
	if out.err != nil {
		addAPIError(&resp.Diagnostics, "API Key Created While Interrupted",
			fmt.Sprintf("The gateway created the key %s, but the run was interrupted before its answer came. The "+
				"key is kept in state and marked tainted, so the next apply replaces it (or `terraform untaint` "+
				"keeps it).", key.ID), out.err, r.data)
	}
}

// keepPending records a create whose outcome stayed unknown: tainted in
// state, with what it takes to replay it in private state, so that the next
// refresh adopts the key or the next destroy deletes it.
func (r *apiKeyResource) keepPending(ctx context.Context, plan apiKeyResourceModel, out createOutcome, resp *resource.CreateResponse) {
	plan.keepOnlyID("")
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(writePendingCreate(ctx, resp.Private, out.pending)...)
	addAPIError(&resp.Diagnostics, "API Key Creation Unconfirmed",
		fmt.Sprintf("The gateway did not say whether it created the key %q. The request is kept in state "+
			"(marked tainted): the next plan or destroy asks the gateway again with the same request, within "+
			"24 hours, and then adopts or deletes the key, so that no key is left behind and none is made twice.",
			plan.Label.ValueString()), out.err, r.data)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	pending, diags := readPendingCreate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pending != nil {
		r.resolvePending(ctx, state, pending, resp)
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

// resolvePending asks the gateway again what became of a create whose
// outcome was unknown, and adopts the key it made. The instance stays
// tainted in Terraform, so the next apply replaces the adopted key.
func (r *apiKeyResource) resolvePending(ctx context.Context, state apiKeyResourceModel, pending *pendingCreate, resp *resource.ReadResponse) {
	label := state.Label.ValueString()
	if r.data.clock.Now().Sub(pending.SentAt) >= replayWindow {
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.AddWarning("Unconfirmed API Key Creation Expired",
			fmt.Sprintf("The creation of the key %q at %s was never confirmed, and the gateway no longer "+
				"remembers the request after 24 hours. It is dropped from state. If the sms_api_keys data source "+
				"lists a key %q created at about that time that nothing uses, delete it.",
				label, pending.SentAt.Format(time.RFC3339), label))
		return
	}
	key, err := r.data.client.Create(ctx, pending.Request)
	switch {
	case err == nil:
		state.setFromAPI(key)
		recipient := state.recipient(&resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := state.setSecrets(key.Key, key.Secret, recipient); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("encryption_recipient"), "Unable to Encrypt API Key",
				fmt.Sprintf("The key %s, whose creation is now confirmed, could not be encrypted: %s. It stays "+
					"in state without its key and secret, and the next apply replaces it.", key.ID, err))
			state.Key, state.Secret, state.EncryptedKey, state.EncryptedSecret = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key.ID)...)
		resp.Diagnostics.Append(writePendingCreate(ctx, resp.Private, nil)...)
	case client.RefusedCreate(err):
		// The gateway never made the key: there is nothing to keep.
		resp.State.RemoveResource(ctx)
	default:
		addAPIError(&resp.Diagnostics, "Unable to Confirm API Key Creation",
			fmt.Sprintf("The provider could not learn whether the gateway created the key %q in an earlier "+
				"run. It asks again at the next plan.", label), err, r.data)
	}
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

	if !plan.ExpiresAt.Equal(state.ExpiresAt) {
		// Brought forward: ModifyPlan plans a later or cleared expiry as a
		// replacement.
		t, diags := plan.ExpiresAt.ValueRFC3339Time()
		resp.Diagnostics.Append(diags...)
		input.ValidUntil = &t
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Only these reach the gateway; the other inputs that change in place
	// (rotate_before, rotation_triggers) live in state alone.
	if input.Label != nil || input.Permissions != nil || input.ValidUntil != nil {
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
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	pending, diags := readPendingCreate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pending != nil {
		r.deletePending(ctx, pending, resp)
		return
	}

	err := r.data.client.DeleteAPIKey(ctx, id.ValueString())
	if err != nil && !client.NotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete API Key",
			fmt.Sprintf("The provider could not delete the key %s.", id.ValueString()), err, r.data)
	}
}

// deletePending destroys what an unconfirmed create may have made: it asks
// the gateway with the same request, and deletes the key that answers.
func (r *apiKeyResource) deletePending(ctx context.Context, pending *pendingCreate, resp *resource.DeleteResponse) {
	if r.data.clock.Now().Sub(pending.SentAt) >= replayWindow {
		resp.Diagnostics.AddWarning("Unconfirmed API Key Creation Expired",
			fmt.Sprintf("A key creation from %s was never confirmed and the gateway no longer remembers it, so "+
				"it is forgotten. Check the sms_api_keys data source for a key created at about that time.",
				pending.SentAt.Format(time.RFC3339)))
		return
	}
	key, err := r.data.client.Create(ctx, pending.Request)
	switch {
	case client.RefusedCreate(err):
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Confirm API Key Creation",
			"The provider could not learn whether the gateway created a key in an earlier run, so it cannot "+
				"delete it yet; try again once the gateway answers.", err, r.data)
		return
	}
	if err := r.data.client.DeleteAPIKey(ctx, key.ID); err != nil && !client.NotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete API Key",
			fmt.Sprintf("The provider could not delete the key %s.", key.ID), err, r.data)
	}
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" && req.Identity != nil {
		var identity apiKeyIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		id = identity.ID.ValueString()
	}
	if err := client.CheckKeyID(id); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid Key ID", invalidKeyIDDetail("The import id", id, err))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	resp.Diagnostics.AddWarning("API Key Secret Not Imported",
		fmt.Sprintf("The gateway shows a key and its secret only when the key is created, so key and secret "+
			"of the imported key %s stay null in state. If a service needs them, issue a new key with "+
			"`terraform apply -replace=<address>`.", id))
}

// setIdentity records the key's identity where the client keeps one
// (Terraform 1.12 and later, OpenTofu 1.12 and later).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, apiKeyIdentityModel{ID: types.StringValue(id)})
}

// createInput is what the gateway is asked for. Permissions left out leave
// the gateway's default; valid_for counts from now, once, at creation.
func (m apiKeyResourceModel) createInput(ctx context.Context, now time.Time) (client.CreateAPIKeyInput, diag.Diagnostics) {
	length, _ := m.Length.ValueBigFloat().Int64()
	in := client.CreateAPIKeyInput{
		Label:       m.Label.ValueString(),
		Environment: m.Environment.ValueString(),
		Length:      length,
	}
	var diags diag.Diagnostics
	if isKnown(m.Permissions) {
		diags.Append(m.Permissions.ElementsAs(ctx, &in.Permissions, false)...)
		slices.Sort(in.Permissions)
	}
	switch {
	case isKnown(m.ValidUntil):
		t, d := m.ValidUntil.ValueRFC3339Time()
		diags.Append(d...)
		t = wholeSeconds(t)
		in.ValidUntil = &t
	case isKnown(m.ValidFor):
		// The schema validator has already proved that this parses.
		lifetime, _ := time.ParseDuration(m.ValidFor.ValueString())
		t := wholeSeconds(now.Add(lifetime))
		in.ValidUntil = &t
	}
	return in, diags
}

// recipient parses encryption_recipient before a key is made for it: its
// value may have been unknown, and so unchecked, at plan.
func (m apiKeyResourceModel) recipient(diags *diag.Diagnostics) age.Recipient {
	if m.Recipient.IsNull() {
		return nil
	}
	r, err := parseRecipient(m.Recipient.ValueString())
	if err != nil {
		diags.AddError("Invalid Encryption Recipient",
			fmt.Sprintf("encryption_recipient %s, so no key was made for it. It must be an age X25519 "+
				"recipient (age1…).", err))
		return nil
	}
	return r
}

// setSecrets keeps a key and its secret as the configuration asks: in
// plain sensitive attributes, or only encrypted to a recipient.
func (m *apiKeyResourceModel) setSecrets(key, secret string, recipient age.Recipient) error {
	if recipient == nil {
		m.Key, m.Secret = types.StringValue(key), types.StringValue(secret)
		m.EncryptedKey, m.EncryptedSecret = types.StringNull(), types.StringNull()
		return nil
	}
	encryptedKey, err := encryptTo(recipient, key)
	if err != nil {
		return err
	}
	encryptedSecret, err := encryptTo(recipient, secret)
	if err != nil {
		return err
	}
	m.Key, m.Secret = types.StringNull(), types.StringNull()
	m.EncryptedKey, m.EncryptedSecret = types.StringValue(encryptedKey), types.StringValue(encryptedSecret)
	return nil
}

// setFromAPI copies what the gateway knows into the model; the inputs
// that the gateway does not keep stay as they are.
func (m *apiKeyResourceModel) setFromAPI(key *client.APIKey) {
	m.keyFacts = newKeyFacts(key)
}

// keepOnlyID fills what the gateway would have told with nulls, for a key
// known only by its id (or not even that) after a failed create.
func (m *apiKeyResourceModel) keepOnlyID(id string) {
	m.ID = types.StringNull()
	if id != "" {
		m.ID = types.StringValue(id)
	}
	if m.Permissions.IsUnknown() {
		m.Permissions = types.SetNull(types.StringType)
	}
	m.KeyHint, m.Key, m.Secret = types.StringNull(), types.StringNull(), types.StringNull()
	m.EncryptedKey, m.EncryptedSecret = types.StringNull(), types.StringNull()
	m.CreatedAt = timetypes.NewRFC3339Null()
	if m.ExpiresAt.IsUnknown() {
		m.ExpiresAt = timetypes.NewRFC3339Null()
	}
}
