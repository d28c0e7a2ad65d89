package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The variables that shape a run of BenchmarkOverhead; BENCHMARKS.md
// lists them.
const (
	sizesVariable    = "BENCH_N"
	runsVariable     = "BENCH_RUNS"
	baselineVariable = "BENCH_BASELINE"
)

var (
	defaultSizes = []int{100, 1000}
	defaultRuns  = 3
)

// knobs are the settings of a run, read from the environment.
type knobs struct {
	sizes []int
	runs  int
	// baseline is a git revision of this repository whose provider is
	// timed beside the one in the working tree, or "".
	baseline string
}

func readKnobs(getenv func(string) string) (knobs, error) {
	k := knobs{sizes: defaultSizes, runs: defaultRuns, baseline: strings.TrimSpace(getenv(baselineVariable))}
	if v := getenv(sizesVariable); v != "" {
		sizes, err := parseSizes(v)
		if err != nil {
			return knobs{}, fmt.Errorf("%s=%q: %w", sizesVariable, v, err)
		}
		k.sizes = sizes
	}
	if v := getenv(runsVariable); v != "" {
		runs, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || runs < 1 {
			return knobs{}, fmt.Errorf("%s=%q: want a whole number of runs, 1 or more", runsVariable, v)
		}
		k.runs = runs
	}
	return k, nil
}

// parseSizes reads a list of resource counts such as "100,1000" or
// "100 1000".
func parseSizes(v string) ([]int, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("want one or more resource counts, such as 100,1000")
	}
	sizes := make([]int, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is no resource count: want a whole number, 1 or more", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// loadAverage describes the machine's load averages over 1, 5 and 15
// minutes, as Linux reports them, or says that it cannot.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return parseLoadAverage(string(raw))
}

func parseLoadAverage(raw string) string {
	fields := strings.Fields(raw)
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}
