package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// apiKeySummaryModel is what the data sources tell of a key: everything the
// gateway shows after creation, and so never the key or its secret.
type apiKeySummaryModel struct {
	ID          types.String      `tfsdk:"id"`
	Label       types.String      `tfsdk:"label"`
	Environment types.String      `tfsdk:"environment"`
	Length      types.Int64       `tfsdk:"length"`
	Permissions types.Set         `tfsdk:"permissions"`
	KeyHint     types.String      `tfsdk:"key_hint"`
	CreatedAt   timetypes.RFC3339 `tfsdk:"created_at"`
	LastUsedAt  timetypes.RFC3339 `tfsdk:"last_used_at"`
	ValidUntil  timetypes.RFC3339 `tfsdk:"valid_until"`
	Expired     types.Bool        `tfsdk:"expired"`
}

func newAPIKeySummary(key client.APIKey) apiKeySummaryModel {
	return apiKeySummaryModel{
		ID:          types.StringValue(key.ID),
		Label:       types.StringValue(key.Label),
		Environment: types.StringValue(key.Environment),
		Length:      types.Int64Value(key.Length),
		Permissions: stringSet(key.Permissions),
		KeyHint:     types.StringValue(key.KeyHint),
		CreatedAt:   timetypes.NewRFC3339TimeValue(key.CreatedAt.UTC()),
		LastUsedAt:  rfc3339OrNull(key.LastUsedAt),
		ValidUntil:  rfc3339OrNull(key.ValidUntil),
		Expired:     types.BoolValue(key.Expired),
	}
}

// apiKeySummaryAttributes describes a key for both data sources; the
// singular one looks the key up by id, so there id is an input.
func apiKeySummaryAttributes(idIsInput bool) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The key's id.",
			Required:            idIsInput,
			Computed:            !idIsInput,
		},
		"label": schema.StringAttribute{
			MarkdownDescription: "The key's label.",
			Computed:            true,
		},
		"environment": schema.StringAttribute{
			MarkdownDescription: "`live` or `sandbox`.",
			Computed:            true,
		},
		"length": schema.Int64Attribute{
			MarkdownDescription: "How many characters the key has.",
			Computed:            true,
		},
		"permissions": schema.SetAttribute{
			MarkdownDescription: "The scopes the key grants.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"key_hint": schema.StringAttribute{
			MarkdownDescription: "The key's last 4 characters.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the key was created (RFC 3339).",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"last_used_at": schema.StringAttribute{
			MarkdownDescription: "When the key last authenticated a request (RFC 3339), or null if never.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"valid_until": schema.StringAttribute{
			MarkdownDescription: "When the key stops working (RFC 3339), or null if it never expires.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"expired": schema.BoolAttribute{
			MarkdownDescription: "Whether `valid_until` has passed.",
			Computed:            true,
		},
	}
}
