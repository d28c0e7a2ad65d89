package provider

import (
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// keyFacts is what the gateway tells of every key, under the names that the
// resource, the ephemeral resource and the data sources all give it. Each
// model embeds it, and newKeyFacts is the one place that fills it.
type keyFacts struct {
	ID          types.String      `tfsdk:"id"`
	Label       types.String      `tfsdk:"label"`
	Environment types.String      `tfsdk:"environment"`
	Length      types.Number      `tfsdk:"length"`
	Permissions types.Set         `tfsdk:"permissions"`
	KeyHint     types.String      `tfsdk:"key_hint"`
	CreatedAt   timetypes.RFC3339 `tfsdk:"created_at"`
	ExpiresAt   timetypes.RFC3339 `tfsdk:"expires_at"`
}

func newKeyFacts(key *client.APIKey) keyFacts {
	return keyFacts{
		ID:          types.StringValue(key.ID),
		Label:       types.StringValue(key.Label),
		Environment: types.StringValue(key.Environment),
		Length:      numberValue(key.Length),
		Permissions: stringSet(key.Permissions),
		KeyHint:     types.StringValue(key.KeyHint),
		CreatedAt:   timetypes.NewRFC3339TimeValue(key.CreatedAt.UTC()),
		ExpiresAt:   rfc3339OrNull(key.ValidUntil),
	}
}

func (f keyFacts) equal(other keyFacts) bool {
	return f.ID.Equal(other.ID) && f.Label.Equal(other.Label) && f.Environment.Equal(other.Environment) &&
		f.Length.Equal(other.Length) && f.Permissions.Equal(other.Permissions) && f.KeyHint.Equal(other.KeyHint) &&
		f.CreatedAt.Equal(other.CreatedAt) && f.ExpiresAt.Equal(other.ExpiresAt)
}

// apiKeySummaryModel is what the data sources tell of a key: everything the
// gateway shows after creation, and so never the key or its secret.
type apiKeySummaryModel struct {
	keyFacts
	LastUsedAt     timetypes.RFC3339 `tfsdk:"last_used_at"`
	LastRevealedAt timetypes.RFC3339 `tfsdk:"last_revealed_at"`
	Expired        types.Bool        `tfsdk:"expired"`
	Revealable     types.Bool        `tfsdk:"revealable"`
}

func newAPIKeySummary(key *client.APIKey) apiKeySummaryModel {
	return apiKeySummaryModel{
		keyFacts:       newKeyFacts(key),
		LastUsedAt:     rfc3339OrNull(key.LastUsedAt),
		LastRevealedAt: rfc3339OrNull(key.LastRevealedAt),
		Expired:        types.BoolValue(key.Expired),
		Revealable:     types.BoolValue(key.Revealable),
	}
}

// apiKeySummaryAttributes describes a key as both data sources tell it,
// each key's id among what the gateway tells.
func apiKeySummaryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "The key's id.", Computed: true},
		"label": schema.StringAttribute{
			MarkdownDescription: "The key's label.",
			Computed:            true,
		},
		"environment": schema.StringAttribute{
			MarkdownDescription: "`live` or `sandbox`.",
			Computed:            true,
		},
		"length": schema.NumberAttribute{
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
		"expires_at": schema.StringAttribute{
			MarkdownDescription: "When the key stops working (RFC 3339), or null if it never expires.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"expired": schema.BoolAttribute{
			MarkdownDescription: "Whether `expires_at` has passed: the key no longer authenticates.",
			Computed:            true,
		},
		"last_used_at": schema.StringAttribute{
			MarkdownDescription: "When the key last authenticated a request (RFC 3339), or null if never.",
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
		},
		"last_revealed_at": schema.StringAttribute{
			MarkdownDescription: "When the key and its secret were last fetched from the gateway after its " +
				"creation (RFC 3339), or null if never.",
			CustomType: timetypes.RFC3339Type{},
			Computed:   true,
		},
		"revealable": schema.BoolAttribute{
			MarkdownDescription: "Whether the gateway shows this key and its secret again to the provider's " +
				"own key: it must hold every scope of this key (and be `live` for a `live` key), and the " +
				"account must allow it (see [when the gateway shows a key again](../guides/keeping-keys-out-of-state.md#when-the-gateway-shows-a-key-again)).",
			Computed: true,
		},
	}
}

func numberValue(n int64) types.Number {
	return types.NumberValue(new(big.Float).SetInt64(n))
}

func stringSet(values []string) types.Set {
	elements := make([]attr.Value, len(values))
	for i, v := range values {
		elements[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elements)
}

func rfc3339OrNull(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t.UTC())
}
