package main

import (
	"os"
	"runtime/debug"
	"strings"
)

// The provider's garbage collection, unless the user tunes it with GOGC.
// The framework allocates about 2 MB per resource in a plan, nearly all of
// it garbage by the end of each call, over a live heap of a few MiB: at
// the default target (100) the collector runs every few MiB. A target of
// gcPercent lets the heap grow to five times what is live before it
// collects. The memory limit aims to keep one provider process under 256 MiB
// with room for what is not heap: near it the collector works as hard as
// it must to stay under it. BENCHMARKS.md has the measurements.
const (
	gcPercent   = 400
	memoryLimit = 192 << 20
)

// sdkLogLevels are the variables that set the plugin SDK's log levels: its
// root logger, the framework's and the protocol's subsystems, and the
// provider's own logger, which terraform-plugin-go names after the type
// in the provider's address. Unset, each logs at TRACE: the SDK builds
// several lines per attribute per call, and Terraform throws them away
// unless TF_LOG asks for them.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SMS"}

// logRequests are the variables with which a user asks for the provider's
// logs: Terraform's own, inherited by the provider, and the SDK's.
var logRequests = append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLogLevels...)

// runtimeTuning is what the provider process changes about itself before
// it serves.
type runtimeTuning struct {
	// gcPercent is the garbage-collection target to set, or 0 to keep
	// the runtime's.
	gcPercent int
	// memoryLimit is the soft memory limit to set in bytes, or 0 to keep
	// the runtime's.
	memoryLimit int64
	// logsOff are the SDK log levels to set to OFF.
	logsOff []string
}

// providerTuning decides the tuning from the environment that the CLI
// started the provider with. A GOGC of the user's keeps the runtime's
// collection as they set it, a GOMEMLIMIT of theirs replaces the limit.
func providerTuning(getenv func(string) string) runtimeTuning {
	t := runtimeTuning{logsOff: quietLogLevels(getenv)}
	if strings.TrimSpace(getenv("GOGC")) == "" {
		t.gcPercent = gcPercent
		if strings.TrimSpace(getenv("GOMEMLIMIT")) == "" {
			t.memoryLimit = memoryLimit
		}
	}
	return t
}

// quietLogLevels returns the SDK log levels that are unset, unless some
// variable asks for logs, which keeps every default. A variable set to
// OFF asks for none.
func quietLogLevels(getenv func(string) string) []string {
	for _, name := range logRequests {
		if v := strings.TrimSpace(getenv(name)); v != "" && !strings.EqualFold(v, "off") {
			return nil
		}
	}
	var unset []string
	for _, name := range sdkLogLevels {
		if strings.TrimSpace(getenv(name)) == "" {
			unset = append(unset, name)
		}
	}
	return unset
}

// apply makes the tuning take effect for this process. The SDK reads its
// log levels from the environment when it serves each call.
func (t runtimeTuning) apply() error {
	if t.gcPercent != 0 {
		debug.SetGCPercent(t.gcPercent)
	}
	if t.memoryLimit != 0 {
		debug.SetMemoryLimit(t.memoryLimit)
	}
	for _, name := range t.logsOff {
		if err := os.Setenv(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}
