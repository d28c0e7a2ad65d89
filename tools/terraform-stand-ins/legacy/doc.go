// Package legacy stands in for Terraform's internal/legacy module, whose
// source the Terraform module leaves out. Only Terraform's own tests import
// it, so an empty package is enough to build the CLI.
package legacy
