package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ datasource.DataSource              = (*webhooksDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*webhooksDataSource)(nil)
)

func newWebhooksDataSource() datasource.DataSource {
	return &webhooksDataSource{}
}

type webhooksDataSource struct {
	data *providerData
}

type webhooksDataSourceModel struct {
	EventType types.String          `tfsdk:"event_type"`
	Webhooks  []webhookSummaryModel `tfsdk:"webhooks"`
}

type webhookSummaryModel struct {
	ID            types.String   `tfsdk:"id"`
	TargetURL     types.String   `tfsdk:"target_url"`
	EventType     types.String   `tfsdk:"event_type"`
	RequestMethod types.String   `tfsdk:"request_method"`
	EventFilter   types.String   `tfsdk:"event_filter"`
	HeaderNames   []types.String `tfsdk:"header_names"`
	Enabled       types.Bool     `tfsdk:"enabled"`
	CreatedAt     types.String   `tfsdk:"created_at"`
}

func (d *webhooksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhooks"
}

func (d *webhooksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's webhooks on seven.io's own API, in the gateway's order, " +
			"optionally only those of one event type. The headers' values are never shown, since they usually " +
			"hold the receivers' credentials: only their names. Needs a provider key with the `hooks` scope.",
		Attributes: map[string]schema.Attribute{
			"event_type": schema.StringAttribute{
				MarkdownDescription: "Only webhooks of this event type, spelled exactly: " + codeList(client.HookEventTypes) +
					". A webhook of type `all` is listed only when `all` is asked for.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.HookEventTypes...)},
			},
			"webhooks": schema.ListNestedAttribute{
				MarkdownDescription: "The webhooks that match.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "The webhook's id."},
					"target_url":     schema.StringAttribute{Computed: true, MarkdownDescription: "Where the events go."},
					"event_type":     schema.StringAttribute{Computed: true, MarkdownDescription: "Which events go there."},
					"request_method": schema.StringAttribute{Computed: true, MarkdownDescription: "`POST`, `JSON` or `GET`."},
					"event_filter":   schema.StringAttribute{Computed: true, MarkdownDescription: "The filter, or null for none."},
					"header_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The names of the extra headers sent with each event, in order; never their values."},
					"enabled":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether events are delivered."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When it was created, RFC 3339 in UTC."},
				}},
			},
		},
	}
}

func (d *webhooksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *webhooksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.requireClient(&resp.Diagnostics) {
		return
	}
	var config webhooksDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	hooks, err := d.data.client.ListHooks(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to List Webhooks", "The provider could not list the account's webhooks.", err, d.data)
		return
	}
	config.Webhooks = []webhookSummaryModel{}
	for i := range hooks {
		h := &hooks[i]
		if !config.EventType.IsNull() && h.EventType != config.EventType.ValueString() {
			continue
		}
		config.Webhooks = append(config.Webhooks, webhookSummaryModel{
			ID:            types.StringValue(h.ID),
			TargetURL:     types.StringValue(h.TargetURL),
			EventType:     types.StringValue(h.EventType),
			RequestMethod: types.StringValue(h.RequestMethod),
			EventFilter:   optionalString(h.EventFilter),
			HeaderNames:   headerNames(h.Headers),
			Enabled:       types.BoolValue(h.Enabled),
			CreatedAt:     hookTime(h.Created),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

// headerNames keeps the name of each "Name: value" line and drops the rest,
// so that no value, nor a line without a colon, can reach state.
func headerNames(headers string) []types.String {
	names := []types.String{}
	for line := range strings.SplitSeq(strings.ReplaceAll(headers, "\r\n", "\n"), "\n") {
		if name, _, found := strings.Cut(line, ":"); found && isHeaderToken(strings.TrimSpace(name)) {
			names = append(names, types.StringValue(strings.TrimSpace(name)))
		}
	}
	return names
}
