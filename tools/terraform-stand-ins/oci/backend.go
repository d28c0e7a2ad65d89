// Package oci stands in for Terraform's "oci" state backend, whose
// source the Terraform module leaves out. The acceptance tests keep state
// locally, so this backend only has to refuse, clearly, to be used.
package oci

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

func New() backend.Backend {
	return omitted{}
}

type omitted struct{}

func (omitted) ConfigSchema() *configschema.Block {
	return &configschema.Block{}
}

func (omitted) PrepareConfig(config cty.Value) (cty.Value, tfdiags.Diagnostics) {
	return config, refusal()
}

func (omitted) Configure(cty.Value) tfdiags.Diagnostics {
	return refusal()
}

func (omitted) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics) {
	return nil, refusal()
}

func (omitted) DeleteWorkspace(string, bool) tfdiags.Diagnostics {
	return refusal()
}

func (omitted) Workspaces() ([]string, tfdiags.Diagnostics) {
	return nil, refusal()
}

func refusal() tfdiags.Diagnostics {
	return tfdiags.Diagnostics{}.Append(tfdiags.Sourceless(tfdiags.Error,
		"Backend Not Built",
		`This Terraform was built for the provider's tests without the "oci" backend. Use the local backend, or an official Terraform release.`))
}
