// Package reliability holds acceptance tests that drive the real Terraform or
// OpenTofu CLI against the built provider and a sandbox gateway that
// misbehaves: failing, rate limiting, slow, stopped and started again. They
// prove that no key is lost, duplicated or orphaned, and that no key, secret
// or provider credential reaches a log or the CLI's output.
//
// The tests run when TF_ACC is set, with the CLI that TF_ACC_TERRAFORM_PATH
// names, as scripts/testacc runs them for each CLI.
package reliability
