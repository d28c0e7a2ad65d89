// Package consul stands in for Terraform's "consul" state backend, whose source
// the Terraform module leaves out (see package omitted).
package consul

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("consul")
}
