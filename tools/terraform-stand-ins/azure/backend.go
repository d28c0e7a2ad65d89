// Package azure stands in for Terraform's "azurerm" state backend, whose source
// the Terraform module leaves out (see package omitted).
package azure

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("azurerm")
}
