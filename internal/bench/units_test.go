package bench

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadKnobs(t *testing.T) {
	t.Parallel()
	env := func(vars map[string]string) func(string) string {
		return func(name string) string { return vars[name] }
	}

	k, err := readKnobs(env(nil))
	if err != nil || !slices.Equal(k.sizes, []int{100, 1000}) || k.runs != 3 || k.baseline != "" {
		t.Errorf("defaults = %+v, %v; want N 100 and 1000, 3 runs, no baseline", k, err)
	}
	k, err = readKnobs(env(map[string]string{"BENCH_N": " 10, 20 30 ", "BENCH_RUNS": "5", "BENCH_BASELINE": " HEAD~2 "}))
	if err != nil || !slices.Equal(k.sizes, []int{10, 20, 30}) || k.runs != 5 || k.baseline != "HEAD~2" {
		t.Errorf("readKnobs = %+v, %v; want N 10, 20, 30, 5 runs, baseline HEAD~2", k, err)
	}

	for _, bad := range []map[string]string{
		{"BENCH_N": "100,x"},
		{"BENCH_N": "0"},
		{"BENCH_N": "-5"},
		{"BENCH_N": ", ,"},
		{"BENCH_N": "1e3"},
		{"BENCH_RUNS": "0"},
		{"BENCH_RUNS": "three"},
		{"BENCH_RUNS": "-1"},
	} {
		if k, err := readKnobs(env(bad)); err == nil {
			t.Errorf("readKnobs(%v) = %+v, want an error", bad, k)
		} else {
			for name := range bad {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("readKnobs(%v) error %q does not name %s", bad, err, name)
				}
			}
		}
	}
}

func TestParseLoadAverage(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"7.71 3.92 1.61 10/119 10383\n": "7.71 3.92 1.61",
		"0.00 0.01 0.05":                "0.00 0.01 0.05",
		"":                              "unknown",
		"1.0 2.0":                       "unknown",
	} {
		if got := parseLoadAverage(raw); got != want {
			t.Errorf("parseLoadAverage(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestTimingsPerRun(t *testing.T) {
	t.Parallel()
	tm := timings{}
	for _, d := range []time.Duration{2 * time.Second, 3 * time.Second, 8 * time.Second} {
		tm.add("a", d)
	}
	for _, d := range []time.Duration{4 * time.Second, 3 * time.Second} {
		tm.add("b", d)
	}
	if got, want := tm.perRun("a", "b"), "0.50 1.00"; got != want {
		t.Errorf("perRun = %q, want %q (the runs that both have)", got, want)
	}
	if got, want := tm.ratio("a", "b"), 3.0/4.0; got != want {
		t.Errorf("ratio = %v, want %v (median 3 s over median 4 s)", got, want)
	}
	if got := median([]float64{5, 1, 3}); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
}

// The literal is a state file as Terraform writes it; each expected size
// is the bytes of the field's lines in it, indentation, comma and line
// break included.
const oneKeyState = `{
  "version": 4,
  "resources": [
    {
      "mode": "managed",
      "type": "sms_api_key",
      "name": "r",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 0,
          "attributes": {
            "key": null,
            "label": "bench-0",
            "permissions": [
              "a",
              "b"
            ]
          },
          "sensitive_attributes": [
            [
              {
                "type": "get_attr",
                "value": "key"
              }
            ]
          ]
        }
      ]
    }
  ]
}
`

func TestInstanceFieldBytes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "terraform.tfstate")
	if err := os.WriteFile(path, []byte(oneKeyState), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := instanceFieldBytes(path, "sms_api_key")
	if err != nil {
		t.Fatal(err)
	}
	line := func(depth int, text string) int { return 2*depth + len(text) + len("\n") }
	want := []fieldBytes{
		{name: "(sensitive_attributes)", bytes: line(5, `"sensitive_attributes": [`) + line(6, `[`) + line(7, `{`) +
			line(8, `"type": "get_attr",`) + line(8, `"value": "key"`) + line(7, `}`) + line(6, `]`) + line(5, `],`)},
		{name: "permissions", bytes: line(6, `"permissions": [`) + line(7, `"a",`) + line(7, `"b"`) + line(6, `],`)},
		{name: "label", bytes: line(6, `"label": "bench-0",`)},
		{name: "(schema_version)", bytes: line(5, `"schema_version": 0,`)},
		{name: "(index_key)", bytes: line(5, `"index_key": 0,`)},
		{name: "key", bytes: line(6, `"key": null,`), null: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("instanceFieldBytes =\n%+v\nwant\n%+v", got, want)
	}

	if _, err := instanceFieldBytes(path, "null_token"); err == nil {
		t.Error("a type the state does not hold was split without error")
	}
	if err := os.WriteFile(path, []byte(`{"resources": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := instanceFieldBytes(path, "sms_api_key"); err == nil {
		t.Error("a truncated state was split without error")
	}
}

func TestStateBytesPerResource(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "terraform.tfstate")
	if err := os.WriteFile(path, []byte(oneKeyState), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := stateBytesPerResource(path, 4)
	if want := float64(len(oneKeyState)) / 4; err != nil || got != want {
		t.Errorf("stateBytesPerResource = %v, %v; want %v", got, err, want)
	}
	if _, err := stateBytesPerResource(filepath.Join(t.TempDir(), "absent"), 1); err == nil {
		t.Error("a missing state file was measured without error")
	}
}

func TestOverrideConfig(t *testing.T) {
	t.Parallel()
	got := overrideConfig("registry.terraform.io/sms-gateway/sms", `/tmp/${x}/%{y} "q"`)
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/sms-gateway/sms" = "/tmp/$${x}/%%{y} \"q\""
  }
  direct {}
}
`
	if got != want {
		t.Errorf("overrideConfig =\n%s\nwant\n%s", got, want)
	}
}
