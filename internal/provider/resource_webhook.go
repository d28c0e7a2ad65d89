package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ resource.Resource                = (*webhookResource)(nil)
	_ resource.ResourceWithConfigure   = (*webhookResource)(nil)
	_ resource.ResourceWithImportState = (*webhookResource)(nil)
)

func newWebhookResource() resource.Resource {
	return &webhookResource{}
}

type webhookResource struct {
	data *providerData
}

type webhookResourceModel struct {
	ID            types.String `tfsdk:"id"`
	TargetURL     types.String `tfsdk:"target_url"`
	EventType     types.String `tfsdk:"event_type"`
	RequestMethod types.String `tfsdk:"request_method"`
	EventFilter   types.String `tfsdk:"event_filter"`
	Headers       types.String `tfsdk:"headers"`
	Enabled       types.Bool   `tfsdk:"enabled"`
	CreatedAt     types.String `tfsdk:"created_at"`
}

func (r *webhookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (r *webhookResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A webhook of the account on seven.io's own API (`/hooks`): where the gateway " +
			"delivers events such as delivery reports (`dlr`) and inbound SMS (`sms_mo`), each signed with the " +
			"account's signing key. The gateway cannot change a webhook, so every change to an input replaces " +
			"it. It needs a provider key with the `hooks` scope, and nothing else: webhooks work against the " +
			"real seven.io API. A webhook deleted outside Terraform (in the web app) is created again at the " +
			"next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The gateway's id of the webhook, a whole number.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"target_url": schema.StringAttribute{
				MarkdownDescription: "Where the gateway delivers the events: " + hookTargetURL().Description(context.Background()) +
					". A query is kept. Credentials belong in `headers`, not in the URL. Changing it replaces the webhook.",
				Required:      true,
				Validators:    []validator.String{hookTargetURL()},
				PlanModifiers: replace,
			},
			"event_type": schema.StringAttribute{
				MarkdownDescription: "Which events are delivered, spelled exactly: " + codeList(client.HookEventTypes) +
					". `dlr` are delivery reports of the SMS the account sends, `sms_mo` inbound SMS, `tracking` " +
					"clicks and views of shortened links, `all` every kind. Changing it replaces the webhook.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.HookEventTypes...)},
				PlanModifiers: replace,
			},
			"request_method": schema.StringAttribute{
				MarkdownDescription: "How each event is delivered: `POST` (a form-encoded body), `JSON` (a POST " +
					"with a JSON body, the fields under `data`) or `GET` (the fields in the query string). Defaults " +
					"to `POST`. Changing it replaces the webhook.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.DefaultHookRequestMethod),
				Validators:    []validator.String{stringvalidator.OneOf(client.HookRequestMethods...)},
				PlanModifiers: replace,
			},
			"event_filter": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only events that match it are delivered; for `sms_mo`, the "+
					"number that receives the message, such as `+4930123456`. At most %d characters on one line. "+
					"Changing it replaces the webhook.", maxHookFilterLength),
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxHookFilterLength),
					stringvalidator.RegexMatches(singleLine, "must be one line"),
				},
				PlanModifiers: replace,
			},
			"headers": schema.StringAttribute{
				MarkdownDescription: "Extra HTTP headers the gateway sends with every event, one `Name: value` " +
					"per line, typically the receiver's own credentials (`Authorization: Bearer …`). Sensitive. " +
					"Changing it replaces the webhook.",
				Optional:      true,
				Sensitive:     true,
				Validators:    []validator.String{headerLines()},
				PlanModifiers: replace,
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the gateway delivers events to the webhook; `true` when it is created.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the webhook was created, RFC 3339 in UTC. The gateway gives it in Berlin " +
					"time without a zone; the provider converts it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *webhookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var plan webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := r.data.client.CreateHook(ctx, client.HookInput{
		TargetURL:     plan.TargetURL.ValueString(),
		EventType:     plan.EventType.ValueString(),
		RequestMethod: plan.RequestMethod.ValueString(),
		EventFilter:   plan.EventFilter.ValueString(),
		Headers:       plan.Headers.ValueString(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Create Webhook", "The provider could not create the webhook."+
			outcomeAdvice(err), err, r.data)
		return
	}
	plan.ID = types.StringValue(id)

	// The create answers only the id; the rest is read from the listing.
	hook, err := r.find(ctx, id)
	switch {
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Read Webhook", fmt.Sprintf("The webhook %s was created, "+
			"but the provider could not read it back; it is kept in state as tainted and replaced at the next apply.", id), err, r.data)
	case hook == nil:
		resp.Diagnostics.AddError("Webhook Not Listed", fmt.Sprintf("The gateway created the webhook %s but does not "+
			"list it. It is kept in state as tainted and replaced at the next apply; if this happens again, ask the "+
			"gateway's support.", id))
	}
	if hook == nil {
		plan.Enabled = types.BoolValue(true)
		plan.CreatedAt = types.StringNull()
	} else {
		setHookFacts(&plan, hook)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// outcomeAdvice says what to do when a create may have made a hook that the
// provider could not find again.
func outcomeAdvice(err error) string {
	if !errors.Is(err, client.ErrOutcomeUnknown) {
		return ""
	}
	return " The gateway may have created it all the same: list the account's webhooks (the sms_webhooks " +
		"data source), then import the one that matches (terraform import) or delete the extra ones in the web app."
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	hook, err := r.find(ctx, state.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Webhook", "The provider could not list the account's webhooks.", err, r.data)
		return
	}
	if hook == nil {
		// Deleted outside Terraform: planned again.
		resp.State.RemoveResource(ctx)
		return
	}
	state.TargetURL = types.StringValue(hook.TargetURL)
	state.EventType = types.StringValue(hook.EventType)
	state.RequestMethod = types.StringValue(hook.RequestMethod)
	state.EventFilter = optionalString(hook.EventFilter)
	// The gateway may give back other line ends than it was sent; the value
	// in state stays when it means the same.
	if sameHeaders(state.Headers.ValueString(), hook.Headers) {
		hook.Headers = state.Headers.ValueString()
	}
	state.Headers = optionalString(hook.Headers)
	setHookFacts(&state, hook)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called: every input replaces the webhook.
func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Webhook Cannot Be Changed",
		"The gateway cannot change a webhook, so every change replaces it. This is a bug in the provider; please report it.")
}

func (r *webhookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.requireClient(&resp.Diagnostics) {
		return
	}
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteHook(ctx, state.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Delete Webhook",
			fmt.Sprintf("The provider could not delete the webhook %s.", state.ID.ValueString()), err, r.data)
	}
}

func (r *webhookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := client.CheckHookID(req.ID); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid Webhook ID",
			fmt.Sprintf("The import id %q is not a webhook id: %s. Give the id the gateway shows for the webhook, "+
				"a whole number such as 2045 (the sms_webhooks data source lists them).", req.ID, err))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// find returns the listed hook with id, or nil when the account has none.
func (r *webhookResource) find(ctx context.Context, id string) (*client.Hook, error) {
	hooks, err := r.data.client.ListHooks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range hooks {
		if hooks[i].ID == id {
			return &hooks[i], nil
		}
	}
	return nil, nil
}

func setHookFacts(m *webhookResourceModel, h *client.Hook) {
	m.Enabled = types.BoolValue(h.Enabled)
	m.CreatedAt = hookTime(h.Created)
}

func hookTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func sameHeaders(a, b string) bool {
	norm := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
	return norm(a) == norm(b)
}

func codeList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}
