// Package tools pins the developer tools of this repository in its own
// module, so their dependencies never reach the provider's go.mod. Run
// `make generate` from the repository root rather than go generate here:
// it puts a suitable terraform on PATH first.
package tools

// Keep the examples, which tfplugindocs embeds in the docs, formatted.
//go:generate terraform fmt -recursive ../examples/

// Render docs/ from the provider schema, examples/ and templates/.
//go:generate go tool tfplugindocs generate --provider-dir .. --provider-name sms
