// Package gcs stands in for Terraform's "gcs" state backend, whose source
// the Terraform module leaves out (see package omitted).
package gcs

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("gcs")
}
