// Package pg stands in for Terraform's "pg" state backend, whose source
// the Terraform module leaves out (see package omitted).
package pg

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("pg")
}
