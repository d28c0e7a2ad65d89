package main

import (
	"slices"
	"testing"
)

func environment(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// Every SDK log level that is unset goes OFF unless some variable asks
// for logs; a level the user set to OFF asks for none.
func TestQuietLogLevels(t *testing.T) {
	t.Parallel()
	all := []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SMS"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing set", nil, all},
		{"blank", map[string]string{"TF_LOG": " ", "TF_LOG_SDK": "  "}, all},
		{"TF_LOG", map[string]string{"TF_LOG": "TRACE"}, nil},
		{"TF_LOG of any value", map[string]string{"TF_LOG": "1"}, nil},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "debug"}, nil},
		{"TF_LOG_PROVIDER_SMS", map[string]string{"TF_LOG_PROVIDER_SMS": "INFO"}, nil},
		{"TF_LOG_SDK", map[string]string{"TF_LOG_SDK": "WARN"}, nil},
		{"TF_LOG_SDK_FRAMEWORK", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, nil},
		{"TF_LOG_SDK_PROTO", map[string]string{"TF_LOG_SDK_PROTO": "ERROR"}, nil},
		{"TF_LOG off", map[string]string{"TF_LOG": "off"}, all},
		{"TF_LOG_SDK OFF", map[string]string{"TF_LOG_SDK": "OFF"}, []string{"TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SMS"}},
		{"OFF and a request", map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "TRACE"}, nil},
		{"core logs only", map[string]string{"TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "tf.log"}, all},
		{"another provider's logs", map[string]string{"TF_LOG_PROVIDER_RANDOM": "TRACE"}, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := providerTuning(environment(tc.env)).logsOff; !slices.Equal(got, tc.want) {
				t.Errorf("logs off = %q, want %q", got, tc.want)
			}
		})
	}
}

// The collection is tuned only when the user has not set GOGC; the limit
// guards the raised target unless the user set one with GOMEMLIMIT.
func TestGarbageCollectionTuning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
	}{
		{name: "nothing set", percent: 400, limit: 192 << 20},
		{name: "GOGC", env: map[string]string{"GOGC": "100"}},
		{name: "GOGC off", env: map[string]string{"GOGC": "off"}},
		{name: "GOMEMLIMIT", env: map[string]string{"GOMEMLIMIT": "1GiB"}, percent: 400},
		{name: "both", env: map[string]string{"GOGC": "50", "GOMEMLIMIT": "64MiB"}},
		{name: "blank GOGC", env: map[string]string{"GOGC": " "}, percent: 400, limit: 192 << 20},
		{name: "logs asked for", env: map[string]string{"TF_LOG": "TRACE"}, percent: 400, limit: 192 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := providerTuning(environment(tc.env))
			if got.gcPercent != tc.percent || got.memoryLimit != tc.limit {
				t.Errorf("GC target %d, memory limit %d; want %d, %d", got.gcPercent, got.memoryLimit, tc.percent, tc.limit)
			}
		})
	}
}
