// Package oci stands in for Terraform's "oci" state backend, whose source
// the Terraform module leaves out (see package omitted).
package oci

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("oci")
}
