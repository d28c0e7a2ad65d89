// Package omitted is the one state backend behind every stand-in in this
// folder: Terraform's module leaves the sources of nine backends out, and
// the acceptance tests keep state locally, so each stand-in only has to
// refuse, clearly, to be used.
package omitted

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

// Backend is the backend that Terraform calls name, refusing every use.
func Backend(name string) backend.Backend {
	return refusing{name: name}
}

type refusing struct {
	name string
}

func (refusing) ConfigSchema() *configschema.Block {
	return &configschema.Block{}
}

func (b refusing) PrepareConfig(config cty.Value) (cty.Value, tfdiags.Diagnostics) {
	return config, b.refusal()
}

func (b refusing) Configure(cty.Value) tfdiags.Diagnostics {
	return b.refusal()
}

func (b refusing) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics) {
	return nil, b.refusal()
}

func (b refusing) DeleteWorkspace(string, bool) tfdiags.Diagnostics {
	return b.refusal()
}

func (b refusing) Workspaces() ([]string, tfdiags.Diagnostics) {
	return nil, b.refusal()
}

func (b refusing) refusal() tfdiags.Diagnostics {
	return tfdiags.Diagnostics{}.Append(tfdiags.Sourceless(tfdiags.Error,
		"Backend Not Built",
		fmt.Sprintf("This Terraform was built for the provider's tests without the %q backend. "+
			"Use the local backend, or an official Terraform release.", b.name)))
}
