// Package bench measures what the provider costs on top of Terraform: Go
// benchmarks that drive the real Terraform or OpenTofu CLI against the
// built provider and an in-process sandbox, next to what is measured in
// the same run: Terraform alone, a provider of the same framework that
// does nothing, and a peer, a framework resource of typical size that
// does no I/O. BENCHMARKS.md at the repository root explains how to run
// them and what they found.
package bench
