package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The prior spelling stays when the configuration says the same thing;
// anything else keeps the configured value.
func TestKeepPriorWhenEquivalent(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		modifier          planmodifier.String
		prior, configured types.String
		wantPrior         bool
	}{
		"minutes for hours":        {sameDuration(), types.StringValue("24h"), types.StringValue("1440m"), true},
		"another duration":         {sameDuration(), types.StringValue("24h"), types.StringValue("25h"), false},
		"a broken duration":        {sameDuration(), types.StringValue("24h"), types.StringValue("a day"), false},
		"another offset":           {sameInstant(), types.StringValue("2030-01-01T10:00:00Z"), types.StringValue("2030-01-01T05:00:00-05:00"), true},
		"a fraction of a second":   {sameInstant(), types.StringValue("2030-01-01T10:00:00Z"), types.StringValue("2030-01-01T10:00:00.999Z"), true},
		"the next second":          {sameInstant(), types.StringValue("2030-01-01T10:00:00Z"), types.StringValue("2030-01-01T10:00:01Z"), false},
		"a recipient with a break": {sameRecipient(), types.StringValue("age1abc"), types.StringValue("age1abc\n"), true},
		"another recipient":        {sameRecipient(), types.StringValue("age1abc"), types.StringValue("age1abd"), false},
		"nothing before":           {sameDuration(), types.StringNull(), types.StringValue("24h"), false},
		"removed":                  {sameDuration(), types.StringValue("24h"), types.StringNull(), false},
		"not known yet":            {sameInstant(), types.StringValue("2030-01-01T10:00:00Z"), types.StringUnknown(), false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.StringRequest{StateValue: tc.prior, PlanValue: tc.configured, ConfigValue: tc.configured}
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			tc.modifier.PlanModifyString(context.Background(), req, &resp)
			want := tc.configured
			if tc.wantPrior {
				want = tc.prior
			}
			if !resp.PlanValue.Equal(want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, want)
			}
		})
	}
}

func TestEmptyTriggersAreNone(t *testing.T) {
	t.Parallel()
	empty := types.MapValueMust(types.StringType, map[string]attr.Value{})
	release := types.MapValueMust(types.StringType, map[string]attr.Value{"release": types.StringValue("1")})
	none := types.MapNull(types.StringType)
	for name, tc := range map[string]struct {
		prior, configured, want types.Map
	}{
		"{} removed":             {prior: empty, configured: none, want: empty},
		"{} kept":                {prior: empty, configured: empty, want: empty},
		"{} set where none":      {prior: none, configured: empty, want: empty},
		"none at all":            {prior: none, configured: none, want: none},
		"triggers removed":       {prior: release, configured: none, want: none},
		"triggers set":           {prior: empty, configured: release, want: release},
		"triggers not known yet": {prior: release, configured: types.MapUnknown(types.StringType), want: types.MapUnknown(types.StringType)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Computed: the framework plans unknown where the configuration
			// has nothing.
			planned := tc.configured
			if planned.IsNull() {
				planned = types.MapUnknown(types.StringType)
			}
			req := planmodifier.MapRequest{StateValue: tc.prior, PlanValue: planned, ConfigValue: tc.configured}
			resp := planmodifier.MapResponse{PlanValue: planned}
			emptyTriggersAreNone().PlanModifyMap(context.Background(), req, &resp)
			if !resp.PlanValue.Equal(tc.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, tc.want)
			}
		})
	}
}
