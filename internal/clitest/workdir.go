package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// DefaultTimeout bounds one command unless Workdir.Timeout says otherwise.
const DefaultTimeout = 5 * time.Minute

// waitDelay is how long an interrupted CLI gets to stop its providers and
// release the state lock before it is killed.
const waitDelay = 30 * time.Second

// CLIPath returns the Terraform or OpenTofu executable that the acceptance
// test environment names in TF_ACC_TERRAFORM_PATH, or "".
func CLIPath() string {
	return os.Getenv("TF_ACC_TERRAFORM_PATH")
}

// Workdir is a configuration directory of one test and the CLI that runs
// in it. Each command gets an explicit environment: HOME, PATH and TMPDIR
// from the test process, the installation's CLI configuration, no update
// checks, and the variables given to NewWorkdir or RunEnv. Nothing else of
// the test process leaks in, TF_LOG included.
type Workdir struct {
	// Dir holds the configuration and the local state.
	Dir string
	// Timeout bounds each command; a CLI still running then is
	// interrupted, and killed if it does not stop.
	Timeout time.Duration

	t      testing.TB
	cli    string
	config string
	env    map[string]string
}

// NewWorkdir returns an empty working directory in t.TempDir() where cli
// (a path) runs with the providers of in and the variables of env.
func NewWorkdir(t testing.TB, cli string, in *Installation, env map[string]string) *Workdir {
	t.Helper()
	merged := map[string]string{}
	maps.Copy(merged, in.env)
	maps.Copy(merged, env)
	return &Workdir{Dir: t.TempDir(), Timeout: DefaultTimeout, t: t, cli: cli, config: in.ConfigFile, env: merged}
}

// WriteFile writes name (relative to Dir) or fails the test.
func (w *Workdir) WriteFile(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Result is a finished command.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int // -1 when the CLI did not exit by itself
	// Err is nil when the CLI exited with 0.
	Err     error
	Elapsed time.Duration
}

// Output is what a user would have seen on the terminal.
func (r *Result) Output() string {
	return r.Stdout + r.Stderr
}

// String describes the command and everything it printed, for failures.
func (r *Result) String() string {
	return fmt.Sprintf("%s: exit %d (%v) after %s\n--- stdout\n%s\n--- stderr\n%s",
		strings.Join(r.Args, " "), r.ExitCode, r.Err, r.Elapsed.Round(time.Millisecond), r.Stdout, r.Stderr)
}

// Run runs the CLI with args in Dir.
func (w *Workdir) Run(args ...string) *Result {
	return w.RunEnv(nil, args...)
}

// RunEnv runs the CLI with args, adding env to the workdir's variables
// (env wins).
func (w *Workdir) RunEnv(env map[string]string, args ...string) *Result {
	w.t.Helper()
	run, err := w.Start(env, args...)
	if err != nil {
		return &Result{Args: append([]string{filepath.Base(w.cli)}, args...), ExitCode: -1, Err: err}
	}
	return run.Wait()
}

// Running is a command started by Start.
type Running struct {
	cmd            *exec.Cmd
	ctx            context.Context
	cancel         context.CancelFunc
	timeout        time.Duration
	args           []string
	start          time.Time
	stdout, stderr bytes.Buffer
}

// Start starts the CLI with args, as RunEnv would, and returns at once.
func (w *Workdir) Start(env map[string]string, args ...string) (*Running, error) {
	ctx, cancel := context.WithTimeout(w.t.Context(), w.Timeout)
	r := &Running{ctx: ctx, cancel: cancel, timeout: w.Timeout, args: append([]string{filepath.Base(w.cli)}, args...)}
	cmd := exec.CommandContext(ctx, w.cli, args...) //nolint:gosec // running the CLI the test names is the point
	cmd.Dir = w.Dir
	cmd.Env = environ(os.Getenv, w.config, w.env, env)
	// An interrupted CLI still stops its provider processes; a killed one
	// would leave them behind.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = waitDelay
	cmd.Stdout, cmd.Stderr = &r.stdout, &r.stderr
	r.cmd = cmd
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	return r, nil
}

// Interrupt sends the CLI the signal of a user's Ctrl-C.
func (r *Running) Interrupt() error {
	return r.cmd.Process.Signal(os.Interrupt)
}

// Wait waits for the command to end and returns what it did.
func (r *Running) Wait() *Result {
	defer r.cancel()
	err := r.cmd.Wait()
	res := &Result{
		Args:     r.args,
		Elapsed:  time.Since(r.start),
		Stdout:   r.stdout.String(),
		Stderr:   r.stderr.String(),
		ExitCode: r.cmd.ProcessState.ExitCode(),
		Err:      err,
	}
	if ctxErr := r.ctx.Err(); ctxErr != nil && err != nil {
		res.Err = fmt.Errorf("%w (%w after %s)", err, ctxErr, r.timeout)
	}
	return res
}

// MustRun runs the CLI with args and fails the test unless it exits with 0.
func (w *Workdir) MustRun(args ...string) *Result {
	w.t.Helper()
	r := w.Run(args...)
	if r.Err != nil {
		w.t.Fatalf("%s", r)
	}
	return r
}

// Version returns the CLI's version number, such as "1.11.4".
func (w *Workdir) Version() (string, error) {
	r := w.Run("version", "-json")
	if r.Err != nil {
		return "", errors.New(r.String())
	}
	// OpenTofu keeps Terraform's name for this field.
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		return "", fmt.Errorf("reading the output of version -json: %w", err)
	}
	if v.Version == "" {
		return "", fmt.Errorf("version -json printed no terraform_version: %q", r.Stdout)
	}
	return v.Version, nil
}

// environ builds a command's whole environment; getenv reads the test
// process's own variables, of which only the ones listed here pass.
func environ(getenv func(string) string, configFile string, layers ...map[string]string) []string {
	vars := map[string]string{
		"TF_CLI_CONFIG_FILE": configFile,
		"CHECKPOINT_DISABLE": "1",
		"TF_IN_AUTOMATION":   "1",
	}
	for _, name := range []string{"HOME", "PATH", "TMPDIR"} {
		if v := getenv(name); v != "" {
			vars[name] = v
		}
	}
	for _, layer := range layers {
		for name, v := range layer {
			vars[name] = v
		}
	}
	env := make([]string, 0, len(vars))
	for name, v := range vars {
		env = append(env, name+"="+v)
	}
	sort.Strings(env)
	return env
}
