package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
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
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
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
	RetireAfter      types.String      `tfsdk:"retire_after"`
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
	// A key's id never changes, but an unconfirmed create has none until
	// it is settled: its identity is empty until then (pending_create.go).
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API key of the gateway, for a service that sends SMS. The key and its " +
			"webhook-signing secret are kept in state as sensitive values, or only encrypted (see " +
			"`encryption_recipient`). A change that replaces the key (each input says when) deletes the old " +
			"key, or retires it (see `retire_after`), and creates a new one: first the new one with " +
			"`create_before_destroy`, else first the old. Use `create_before_destroy` and " +
			"`retire_after` to rotate without downtime. An imported key gets its key and secret at the next " +
			"apply, where the gateway shows them again.",
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
				MarkdownDescription: "Arbitrary strings; any change to them replaces the key, and `{}` is the " +
					"same as none. Adding them where there were none does not replace a key whose key and secret " +
					"state does not hold: one just imported, until an apply fetches them, and for good an imported " +
					"key that the gateway will not show again. Feed it a value that changes when the key should " +
					"be rotated, such as a `time_rotating` id or a release number.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Map{emptyTriggersAreNone(), mapplanmodifier.UseStateForUnknown()},
			},
			"valid_until": schema.StringAttribute{
				MarkdownDescription: "When the key stops working, as an RFC 3339 time such as " +
					"`2027-06-30T00:00:00Z`: in the future and at most two years ahead; the gateway keeps " +
					"whole seconds. Prefer `valid_for` for keys that rotate. Conflicts with `valid_for`. Moving " +
					"it earlier while it is still ahead, or setting it on a key without one, changes the key in " +
					"place; moving it later or removing it replaces the key, since the gateway only brings an " +
					"expiry forward; so does a value known only at apply. Once it has passed, the key stops " +
					"working and plans warn about it; only a later `valid_until` (or `valid_for`) gives a new key. " +
					"An import writes the key's expiry here, so that configuration generated for it tells the " +
					"truth; leaving it out of the configuration of a key just imported keeps the key and its expiry.",
				CustomType:    timetypes.RFC3339Type{},
				Optional:      true,
				PlanModifiers: []planmodifier.String{sameInstant()},
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long each key works after it is created, as a duration such as `720h` " +
					"(at least `1m`, at most two years). It is turned into the key's expiry once, when the key is " +
					"created; see `expires_at`. Conflicts with `valid_until`. Changing or removing it replaces " +
					"the key, except when it is first set on a key that already has an expiry, such as one just " +
					"imported: it then shapes only the keys that later rotations make.",
				Optional:      true,
				Validators:    []validator.String{durationBetween(minValidFor, maxValidFor)},
				PlanModifiers: []planmodifier.String{sameDuration()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "With `valid_for`: how long before `expires_at` plans start to replace the " +
					"key, as a duration such as `168h`; it must be shorter than `valid_for`. Without it a key is " +
					"replaced once it has expired. Changes in place, but widening it so that the window has " +
					"already begun replaces the key in the same plan.",
				Optional: true,
				Validators: []validator.String{
					durationBetween(0, maxValidFor),
					stringvalidator.AlsoRequires(path.MatchRoot("valid_for")),
				},
				PlanModifiers: []planmodifier.String{sameDuration()},
			},
			"retire_after": schema.StringAttribute{
				MarkdownDescription: "Retire the key instead of deleting it when Terraform destroys it (a " +
					"replacement by any cause, removal from the configuration, `terraform destroy`): its expiry is " +
					"brought forward to the time of the destroy plus this duration, such as `24h` (at least `1m`, " +
					"at most two years), or left where it is when that is earlier. Services that still hold the " +
					"old key keep working until then; once expired it no longer counts against the account's " +
					"quota, and the gateway lists it until it deletes it 30 days later. Without it the key is deleted at " +
					"once. To delete a key at once that has it, remove `retire_after` and apply before the " +
					"destroy. Changes in place, and takes effect from the apply after the one that sets it: a " +
					"destroy uses the value in state.",
				Optional:      true,
				Validators:    []validator.String{durationBetween(minRetireAfter, maxValidFor)},
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
					"`encryption_recipient` is set (see `encrypted_key`), and after an import until the next " +
					"apply fetches it, or for good where the gateway will not show it again.",
				Computed:  true,
				Sensitive: true,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key's secret for verifying webhook signatures (64 characters). Null " +
					"where `key` is.",
				Computed:  true,
				Sensitive: true,
			},
			"encryption_recipient": schema.StringAttribute{
				MarkdownDescription: "An [age](https://age-encryption.org) X25519 recipient (`age1…`, the public " +
					"key that `age-keygen` prints; white space around it is ignored). When set, state holds the " +
					"key and secret only encrypted to it, as `encrypted_key` and `encrypted_secret`, and `key` " +
					"and `secret` stay null. Setting, changing or removing it changes the key in place: the key " +
					"is encrypted anew from what state holds, or fetched from the gateway again (one request, at " +
					"apply). Where state holds the key only encrypted and the gateway will not show it again, " +
					"changing or removing it replaces the key, and the plan says why.",
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
	if resp.Diagnostics.HasError() {
		return
	}
	// Each attribute's own validator reports a duration that does not parse.
	var ignored diag.Diagnostics
	if problem := keylife.CheckRotationWindow(duration(validFor, "valid_for", &ignored),
		duration(rotateBefore, "rotate_before", &ignored)); problem != nil {
		addNotice(&resp.Diagnostics, *problem, true)
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
		r.saveCreated(ctx, plan, out, recipient, resp)
	case out.pending != nil:
		r.keepPending(ctx, plan, out, resp)
	case out.orphanID != "":
		// The key exists but its answer was of no use: kept in state with
		// the error, Terraform marks it tainted and replaces it next time.
		plan.nullAllButID(out.orphanID)
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

// saveCreated puts a new key into state, encrypted when asked. A key found
// only after the run was interrupted is saved with the error, so that
// Terraform marks it tainted.
func (r *apiKeyResource) saveCreated(ctx context.Context, plan apiKeyResourceModel, out createOutcome, recipient age.Recipient, resp *resource.CreateResponse) {
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
	resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
	if out.err != nil {
		addAPIError(&resp.Diagnostics, "API Key Created While Interrupted",
			fmt.Sprintf("The gateway created the key %s, but the run was interrupted before its answer came. The "+
				"key is kept in state and marked tainted, so the next apply replaces it (or `terraform untaint` "+
				"keeps it).", key.ID), out.err, r.data)
	}
}

// keepPending records a create whose outcome stayed unknown: tainted in
// state, with what it takes to look it up and replay it in private state
// (see pending_create.go).
func (r *apiKeyResource) keepPending(ctx context.Context, plan apiKeyResourceModel, out createOutcome, resp *resource.CreateResponse) {
	plan.nullAllButID("")
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(writePendingCreate(ctx, resp.Private, out.pending)...)
	notice := keylife.CreateUnconfirmed(plan.Label.ValueString())
	addAPIError(&resp.Diagnostics, notice.Summary, notice.Detail, out.err, r.data)
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
	switch {
	case pending != nil && !isKnown(state.ID):
		r.refreshPending(ctx, state, pending, resp)
		return
	case !isKnown(state.ID):
		// An unconfirmed create that an apply found never made its key.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, "")...)
		resp.State.RemoveResource(ctx)
		return
	case pending != nil:
		// Found and adopted; said again on every plan, which replaces it
		// while it is tainted.
		addNotice(&resp.Diagnostics, keylife.Adopted(state.ID.ValueString()), false)
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

	// Most refreshes find the key as state has it: the framework then
	// returns the prior state, and a costly Set is skipped.
	if facts := newKeyFacts(key); !facts.equal(state.keyFacts) {
		state.keyFacts = facts
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
	resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
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
	pending, diags := readPendingCreate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pending != nil {
		var ok bool
		if state, ok = r.updatePending(ctx, &plan, state, pending, resp); !ok {
			return
		}
	}
	id := state.ID.ValueString()
	input, diags := plan.updateInput(ctx, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Only these reach the gateway; the other inputs that change in place
	// (rotate_before, rotation_triggers, retire_after, encryption_recipient)
	// live in state alone.
	if input.Label != nil || input.Permissions != nil || input.ValidUntil != nil {
		key, err := r.data.client.UpdateAPIKey(ctx, id, input)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Update API Key",
				fmt.Sprintf("The provider could not update the key %s.", id), err, r.data)
			return
		}
		plan.setFromAPI(key)
		resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
	}
	if plan.Key.IsUnknown() || plan.EncryptedKey.IsUnknown() {
		r.fillCredentials(ctx, &plan, state, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, id)...)
}

// updateInput asks the gateway for what changed of what it keeps. An
// expiry that changes in place is one brought forward: ModifyPlan plans a
// later or cleared one as a replacement.
func (m apiKeyResourceModel) updateInput(ctx context.Context, state apiKeyResourceModel) (client.UpdateAPIKeyInput, diag.Diagnostics) {
	var in client.UpdateAPIKeyInput
	var diags diag.Diagnostics
	if !m.Label.Equal(state.Label) {
		label := m.Label.ValueString()
		in.Label = &label
	}
	if !m.Permissions.Equal(state.Permissions) {
		diags.Append(m.Permissions.ElementsAs(ctx, &in.Permissions, false)...)
		slices.Sort(in.Permissions)
	}
	if !m.ExpiresAt.Equal(state.ExpiresAt) {
		t, d := m.ExpiresAt.ValueRFC3339Time()
		diags.Append(d...)
		in.ValidUntil = &t
	}
	return in, diags
}

// fillCredentials puts the key and secret into state where the plan left
// them to apply, encrypted to the planned recipient or not, from where
// keylife says. Where that fails, state keeps what it held and the next
// plan asks again.
func (r *apiKeyResource) fillCredentials(ctx context.Context, plan *apiKeyResourceModel, state apiKeyResourceModel, diags *diag.Diagnostics) {
	plan.Key, plan.Secret = state.Key, state.Secret
	plan.EncryptedKey, plan.EncryptedSecret = state.EncryptedKey, state.EncryptedSecret
	key, secret := state.Key.ValueString(), state.Secret.ValueString()
	if keylife.SourceOf(state.key(true, nil, diags)) == keylife.FromGateway {
		creds, err := r.data.client.GetCredentials(ctx, state.ID.ValueString())
		if err != nil {
			addAPIError(diags, "Unable to Read API Key Credentials",
				fmt.Sprintf("The provider could not read the key and secret of %s again.", state.ID.ValueString()), err, r.data)
			return
		}
		key, secret = creds.Key, creds.Secret
	}
	recipient := plan.recipient(diags)
	if diags.HasError() {
		return
	}
	if err := plan.setSecrets(key, secret, recipient); err != nil {
		diags.AddAttributeError(path.Root("encryption_recipient"), "Unable to Encrypt API Key",
			fmt.Sprintf("The key %s could not be encrypted to encryption_recipient: %s. State keeps what it held.",
				state.ID.ValueString(), err))
		plan.Key, plan.Secret = state.Key, state.Secret
		plan.EncryptedKey, plan.EncryptedSecret = state.EncryptedKey, state.EncryptedSecret
	}
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
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
	if pending != nil && !isKnown(state.ID) {
		r.deleteUnconfirmed(ctx, state, pending, resp)
		return
	}
	now := r.data.clock.Now()
	retirement := keylife.Retire(state.key(true, pending, &resp.Diagnostics), now)
	if resp.Diagnostics.HasError() {
		return
	}
	switch retirement.Action {
	case keylife.Delete:
		r.deleteKey(ctx, state.ID.ValueString(), &resp.Diagnostics)
	case keylife.BringForward:
		r.retire(ctx, state.ID.ValueString(), retirement.Deadline, now, &resp.Diagnostics)
	case keylife.ConfirmExpiry:
		r.readToConfirmRetired(ctx, state.ID.ValueString(), retirement.Deadline, now, &resp.Diagnostics)
	case keylife.Forget:
		// Expired, or an unconfirmed create whose record Terraform did not
		// hand over, as it does not when it replaces a tainted object: no
		// lookup found its key, so there is nothing known to delete (see
		// pending_create.go).
	}
}

func (r *apiKeyResource) deleteKey(ctx context.Context, id string, diags *diag.Diagnostics) {
	err := r.data.client.DeleteAPIKey(ctx, id)
	if err != nil && !client.NotFound(err) {
		addAPIError(diags, "Unable to Delete API Key", fmt.Sprintf("The provider could not delete the key %s.", id), err, r.data)
	}
}

// retire brings the key's expiry forward to the deadline instead of
// deleting it, so that services still holding it keep working until then.
// A key that is gone is simply forgotten.
func (r *apiKeyResource) retire(ctx context.Context, id string, deadline, now time.Time, diags *diag.Diagnostics) {
	_, err := r.data.client.UpdateAPIKey(ctx, id, client.UpdateAPIKeyInput{ValidUntil: &deadline})
	switch {
	case err == nil:
		addNotice(diags, keylife.Retired(id, deadline), false)
	case client.NotFound(err):
	case refusedExpiry(err):
		// State may not know of an expiry brought forward since, by hand or
		// by an earlier attempt whose answer was lost.
		r.readToConfirmRetired(ctx, id, deadline, now, diags)
	default:
		addAPIError(diags, "Unable to Retire API Key",
			fmt.Sprintf("The provider could not bring the expiry of the key %s forward to %s; the key is "+
				"kept in state and still works.", id, deadline.Format(time.RFC3339)), err, r.data)
	}
}

// readToConfirmRetired reads a key whose expiry needs no bringing forward,
// or that the gateway refused to bring forward, and lets keylife judge the
// expiry it shows. A key that is gone is forgotten.
func (r *apiKeyResource) readToConfirmRetired(ctx context.Context, id string, deadline, now time.Time, diags *diag.Diagnostics) {
	key, err := r.data.client.GetAPIKey(ctx, id)
	switch {
	case client.NotFound(err):
		return
	case err != nil:
		addAPIError(diags, "Unable to Retire API Key",
			fmt.Sprintf("The provider could not read the key %s to retire it; it is kept in state.", id), err, r.data)
		return
	}
	retired, failed := keylife.ConfirmRetired(id, deadline, now, key.ValidUntil)
	switch {
	case failed != nil:
		addNotice(diags, *failed, true)
	case retired != nil:
		addNotice(diags, *retired, false)
	}
}

// refusedExpiry is the gateway's refusal of a valid_until that is not
// before the key's own.
func refusedExpiry(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity && apiErr.Field == "valid_until"
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
	if r.data == nil || r.data.client == nil {
		return
	}
	key, err := r.data.client.GetAPIKey(ctx, id)
	if err != nil {
		// Read, which follows, reports a key that cannot be read.
		return
	}
	// The expiry is the one input the gateway keeps that the configuration
	// written for the key (by hand or by -generate-config-out) must repeat
	// to leave the key as it is; the others stay null, as their defaults
	// leave it.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("valid_until"), rfc3339OrNull(key.ValidUntil))...)
	r.explainImportedCredentials(ctx, key, &resp.Diagnostics)
}

// explainImportedCredentials says what becomes of an imported key's key and
// secret, and where the gateway will not show them again, why.
func (r *apiKeyResource) explainImportedCredentials(ctx context.Context, key *client.APIKey, diags *diag.Diagnostics) {
	why := ""
	if !key.Revealable {
		// The gateway refuses with the reason; being refused reads nothing.
		_, refusal := r.data.client.GetCredentials(ctx, key.ID)
		why = revealRefusal(refusal, key, r.data)
	}
	addNotice(diags, keylife.ImportedCredentials(key.ID, key.Revealable, why), false)
}

// revealRefusal says why the gateway will not show a key again.
func revealRefusal(err error, key *client.APIKey, data *providerData) string {
	var apiErr *client.APIError
	switch {
	case err == nil:
		return "the gateway says the provider's key may not read it again"
	case errors.As(err, &apiErr) && apiErr.Code == "reveal_disabled":
		return "the account has turned reading keys again off"
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("the provider's key may read only keys whose scopes it holds all of, and a sandbox key "+
			"only sandbox keys; this key is %s and holds %s", key.Environment, strings.Join(key.Permissions, ", "))
	}
	return strings.TrimSuffix(remedy(err, data), ".")
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
	in.ValidUntil = keylife.NewExpiry(m.config(&diags), now)
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

// nullAllButID fills what the gateway would have told with nulls, for a
// key known only by its id (or not even that) after a failed create.
func (m *apiKeyResourceModel) nullAllButID(id string) {
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
