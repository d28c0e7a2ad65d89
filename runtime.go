package main

import (
	"os"
	"strings"
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
	// logsOff are the SDK log levels to set to OFF.
	logsOff []string
}

// providerTuning decides the tuning from the environment that the CLI
// started the provider with.
func providerTuning(getenv func(string) string) runtimeTuning {
	return runtimeTuning{logsOff: quietLogLevels(getenv)}
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
	for _, name := range t.logsOff {
		if err := os.Setenv(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}
