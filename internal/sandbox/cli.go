package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

const (
	defaultListen    = "127.0.0.1:8787"
	defaultRateLimit = 20
	maxAccounts      = 1000
	// shutdownGrace is how long in-flight requests get to finish on top of
	// the injected latency and answer delay, before the sandbox stops
	// regardless.
	shutdownGrace = 30 * time.Second
)

// Exit statuses of Main.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

type cliConfig struct {
	listen string
	// export prints the settings as shell commands, with the sandbox's
	// process id, for `eval "$(terraform-provider-sms sandbox --export &)"`.
	export bool
	opts   Options
}

// Main runs `terraform-provider-sms sandbox [flags]` until ctx is cancelled
// and returns the exit status. It prints SMS_ENDPOINT and SMS_API_KEY lines
// (and SMS_API_KEY_2, … for further accounts), then the webhook signing
// keys as SMS_SIGNING_KEY (SMS_SIGNING_KEY_2, …) on stdout and nothing
// else, and then closes stdout where it can: a shell's command
// substitution returns once the settings are printed, while the sandbox
// goes on serving. stderr gets one line per request and per webhook
// delivery attempt.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return exitUsage
	}
	cfg.opts.Log = stderr

	srv, err := New(cfg.opts)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitError
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return exitError
	}

	if reachableFromNetwork(ln.Addr()) {
		fmt.Fprintf(stderr, "sandbox: warning: listening on %s (bound to %s), which other machines can reach; the sandbox has no TLS and prints its keys, so listen on a loopback address such as 127.0.0.1 unless you mean to share it\n", cfg.listen, ln.Addr())
	}
	printSettings(stdout, cfg.export, "http://"+reachableAddr(ln.Addr())+apiPrefix, srv.APIKeys(), srv.SigningKeys())
	if closer, ok := stdout.(io.Closer); ok {
		_ = closer.Close()
	}

	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(stderr, "sandbox: ", 0),
	}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()

	status := exitOK
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		status = exitError
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace+cfg.opts.Latency+cfg.opts.AnswerDelay)
		defer cancel()
		if err := httpServer.Shutdown(shutdownCtx); err != nil {
			fmt.Fprintf(stderr, "sandbox: stopping: %v\n", err)
			status = exitError
		}
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		status = exitError
	}
	return status
}

// printSettings prints what a client needs, as NAME=value lines or, with
// export, as shell commands that also name the process to stop. Endpoint
// and keys hold no character that a shell would read specially, but the
// values are quoted anyway.
func printSettings(w io.Writer, export bool, endpoint string, apiKeys, signingKeys []string) {
	line := func(name, value string) {
		if export {
			fmt.Fprintf(w, "export %s='%s'\n", name, value)
		} else {
			fmt.Fprintf(w, "%s=%s\n", name, value)
		}
	}
	// One line per account: NAME for the first, NAME_2 and on for the others.
	numbered := func(name string, values []string) {
		for i, value := range values {
			if i > 0 {
				line(name+"_"+strconv.Itoa(i+1), value)
			} else {
				line(name, value)
			}
		}
	}
	line("SMS_ENDPOINT", endpoint)
	numbered("SMS_API_KEY", apiKeys)
	numbered("SMS_SIGNING_KEY", signingKeys)
	if export {
		line("SMS_SANDBOX_PID", strconv.Itoa(os.Getpid()))
	}
}

func parseFlags(args []string, stderr io.Writer) (cliConfig, error) {
	cfg := cliConfig{}
	var apiKey, signingKey string
	allowReveal := true
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.listen, "listen", defaultListen, "address to listen on; port 0 picks a free port")
	fs.StringVar(&apiKey, "api-key", "", "the first account's key, 16 to 64 characters of [A-Za-z0-9] (default: a random one)")
	fs.IntVar(&cfg.opts.Accounts, "accounts", 1, "number of isolated accounts")
	fs.IntVar(&cfg.opts.KeyQuota, "key-quota", defaultKeyQuota, "keys that have not expired an account may hold, its first key included (expired keys do not count)")
	fs.StringVar(&cfg.opts.DataFile, "data", "", "file to keep the state in across restarts (default: memory only)")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "delay before each request is handled")
	fs.DurationVar(&cfg.opts.AnswerDelay, "answer-delay", 0, "delay of each answer after its request was handled and saved")
	fs.Float64Var(&cfg.opts.FailRate, "fail-rate", 0, "share of requests (0 to 1) answered with 500, 502 or 503")
	fs.IntVar(&cfg.opts.RateLimit, "rate-limit", defaultRateLimit, "requests per second per account, burst twice that; 0 turns it off")
	fs.BoolVar(&cfg.export, "export", false, "print the settings as shell export commands, with SMS_SANDBOX_PID, for eval")
	fs.StringVar(&signingKey, "signing-key", "", "the first account's webhook signing key, 16 to 128 characters of [A-Za-z0-9] (default: kept in the data file, or a random one)")
	fs.Float64Var(&cfg.opts.DeliveryTimeScale, "delivery-time-scale", 1, "multiplies the times of webhook deliveries (5s per attempt, retries from 1m), between 0 and 1, e.g. 0.001 to watch retries")
	fs.BoolVar(&allowReveal, "allow-reveal", true, "let keys be read again through GET /api_keys/{id}/credentials; -allow-reveal=false plays an account that turned it off")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "usage: terraform-provider-sms sandbox [flags]")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case apiKey != "" && !validKeyShape(apiKey):
		return cfg, fmt.Errorf("-api-key must be %d to %d characters of [A-Za-z0-9]", minKeyLength, maxKeyLength)
	case cfg.opts.Accounts < 1 || cfg.opts.Accounts > maxAccounts:
		return cfg, fmt.Errorf("-accounts must be 1 to %d", maxAccounts)
	case cfg.opts.KeyQuota < 1:
		return cfg, errors.New("-key-quota must be at least 1")
	case cfg.opts.Latency < 0:
		return cfg, errors.New("-latency must not be negative")
	case cfg.opts.AnswerDelay < 0:
		return cfg, errors.New("-answer-delay must not be negative")
	case !(cfg.opts.FailRate >= 0 && cfg.opts.FailRate <= 1):
		return cfg, errors.New("-fail-rate must lie between 0 and 1")
	case cfg.opts.RateLimit < 0:
		return cfg, errors.New("-rate-limit must not be negative")
	case signingKey != "" && !validSigningKey(signingKey):
		return cfg, fmt.Errorf("-signing-key must be %d to %d characters of [A-Za-z0-9]", minKeyLength, maxSigningKeyLength)
	case !(cfg.opts.DeliveryTimeScale > 0 && cfg.opts.DeliveryTimeScale <= 1):
		return cfg, errors.New("-delivery-time-scale must be above 0 and at most 1")
	}
	if apiKey != "" {
		cfg.opts.APIKeys = []string{apiKey}
	}
	if signingKey != "" {
		cfg.opts.SigningKeys = []string{signingKey}
	}
	cfg.opts.DisableReveal = !allowReveal
	return cfg, nil
}

// reachableFromNetwork says whether other machines may reach the address
// the sandbox listens on: any address but a loopback one, the wildcard
// addresses included.
func reachableFromNetwork(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return !ok || !tcp.IP.IsLoopback()
}

// reachableAddr is the listening address as a client can dial it: a
// wildcard address is reached through the loopback interface.
func reachableAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}
