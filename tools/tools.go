// Package tools pins the developer tools of this repository in its own
// module, so their dependencies never reach the provider's go.mod.
package tools

// Keep the examples, which tfplugindocs embeds in the docs, formatted.
//go:generate sh -c "\"$(../scripts/tofu-path)\" fmt -recursive ../examples/"

// Render docs/ from the provider schema, examples/ and templates/.
//go:generate ../scripts/tfplugindocs generate
