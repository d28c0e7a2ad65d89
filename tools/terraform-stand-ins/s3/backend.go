// Package s3 stands in for Terraform's "s3" state backend, whose source
// the Terraform module leaves out (see package omitted).
package s3

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/omitted"
)

func New() backend.Backend {
	return omitted.Backend("s3")
}
