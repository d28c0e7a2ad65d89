package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// The framework compares values only as written while it plans, so "24h"
// after "1440m" would be a change. These modifiers plan the prior value
// when the configuration says the same thing another way, so that a
// respelling plans nothing at all. Terraform accepts a planned prior value
// in place of an equivalent configured one.

// sameDuration keeps the prior spelling of an equal duration.
func sameDuration() planmodifier.String {
	return keepPriorWhenEquivalent{
		description: "A duration written another way (\"24h\", \"1440m\") is no change.",
		equivalent: func(prior, configured string) bool {
			a, errA := time.ParseDuration(prior)
			b, errB := time.ParseDuration(configured)
			return errA == nil && errB == nil && a == b
		},
	}
}

// sameInstant keeps the prior spelling of the same instant, at the
// gateway's precision of whole seconds: another UTC offset or a fraction
// of a second names the same expiry.
func sameInstant() planmodifier.String {
	return keepPriorWhenEquivalent{
		description: "A time written in another offset, or with a fraction of a second, is no change.",
		equivalent: func(prior, configured string) bool {
			a, errA := time.Parse(time.RFC3339, prior)
			b, errB := time.Parse(time.RFC3339, configured)
			return errA == nil && errB == nil && keylife.WholeSeconds(a).Equal(keylife.WholeSeconds(b))
		},
	}
}

// sameRecipient keeps the prior spelling of a recipient that differs only
// in the white space around it.
func sameRecipient() planmodifier.String {
	return keepPriorWhenEquivalent{
		description: "White space around the recipient is no change.",
		equivalent: func(prior, configured string) bool {
			return strings.TrimSpace(prior) == strings.TrimSpace(configured)
		},
	}
}

type keepPriorWhenEquivalent struct {
	description string
	equivalent  func(prior, configured string) bool
}

func (m keepPriorWhenEquivalent) Description(context.Context) string { return m.description }

func (m keepPriorWhenEquivalent) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepPriorWhenEquivalent) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if isKnown(req.StateValue) && isKnown(req.PlanValue) &&
		m.equivalent(req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// emptyTriggersAreNone treats rotation_triggers = {} like no triggers: a
// prior {} stays when the configuration has none or {}.
func emptyTriggersAreNone() planmodifier.Map {
	return emptyTriggersModifier{}
}

type emptyTriggersModifier struct{}

func (emptyTriggersModifier) Description(context.Context) string {
	return "An empty map of triggers is the same as none."
}

func (m emptyTriggersModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (emptyTriggersModifier) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	switch {
	case req.ConfigValue.IsUnknown():
		return
	case !req.StateValue.IsNull() && isEmptyMap(req.StateValue) && isEmptyMap(req.ConfigValue):
		// An empty map planned where the configuration has none is
		// accepted only because the attribute is computed.
		resp.PlanValue = req.StateValue
	case req.ConfigValue.IsNull():
		// Computed would otherwise leave it unknown.
		resp.PlanValue = types.MapNull(types.StringType)
	}
}

// isEmptyMap is true for a null or empty map.
func isEmptyMap(v types.Map) bool {
	return v.IsNull() || (!v.IsUnknown() && len(v.Elements()) == 0)
}
