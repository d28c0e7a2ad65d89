// Package sandbox serves the gateway's key-management API on the local
// machine, for one or more isolated accounts, so that the provider can be
// built and tested without the real gateway. Besides the happy paths it
// plays the gateway's hard parts: rate limits, quotas, expiry, latency and
// answers lost after a write.
package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
)

// Options configure a Server. The zero value serves one account from memory
// with no rate limit and no faults, and lets keys be read again.
type Options struct {
	Clock     clock.Clock // nil: clock.System()
	Rand      io.Reader   // nil: crypto/rand.Reader
	Accounts  int         // 0 means 1, or as many as APIKeys names
	APIKeys   []string    // first keys of the accounts, in order; missing ones are random
	KeyQuota  int         // 0 means 100
	DataFile  string      // "" keeps everything in memory; its key file is DataFile + ".key"
	RateLimit int         // requests/s per account, burst 2N; 0 = off (the CLI's default is 20)
	Latency   time.Duration
	FailRate  float64
	// AnswerDelay holds every /api answer back this long after the request
	// was handled and its write is on disk, so that a client that gives up
	// sooner loses the answer of a write that happened.
	AnswerDelay time.Duration
	// DisableReveal plays an account that has turned reading keys again
	// off: GET /api_keys/{id}/credentials answers 403 reveal_disabled.
	DisableReveal bool
	Log           io.Writer // request log lines; nil = none
	// SigningKeys sign the webhook events of the accounts, in order;
	// missing ones are kept from the data file or drawn at random.
	SigningKeys []string
	// DeliveryTimeScale multiplies every time of a webhook delivery (the 5 s
	// per attempt, the waits between attempts), so that tests and demos see
	// retries in moments; 0 means 1.
	DeliveryTimeScale float64
	// DeliveryWait waits between the attempts of a delivery; nil = a timer.
	// A test injects one that records the waits and returns at once.
	DeliveryWait func(ctx context.Context, d time.Duration) error
}

// Server is the sandbox as an http.Handler. It is safe for concurrent use.
type Server struct {
	clock    clock.Clock
	secrets  *secretSource
	tokens   *seededRand
	quota    int
	dataFile string
	log      *requestLog
	faults   *faults
	limiter  *rateLimiter
	stats    *statsCounter
	sealer   sealer

	deliveries *deliverer

	revealAllowed atomic.Bool

	// mu guards the accounts and their keys. A request holds it from
	// authentication to its answer, so that two requests never interleave
	// and a write is on disk before anyone else sees it.
	mu       sync.Mutex
	accounts []*account
	byHash   map[string]credential
	// usageUnsaved says last_used_at moved since the data file was written;
	// it goes to disk with the next write or at Close, not with each read.
	usageUnsaved bool
	firstKeys    []string
	// purgeDue is the earliest time a key is due to be purged; zero: none.
	purgeDue time.Time
	// nextHookID is the id of the next webhook; ids are global, as
	// seven.io's are.
	nextHookID  int64
	signingKeys []string
}

var _ http.Handler = (*Server)(nil)

// New builds a Server, restoring the state in opts.DataFile if there is one.
func New(opts Options) (*Server, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	s := &Server{
		clock:      opts.Clock,
		secrets:    &secretSource{r: opts.Rand},
		quota:      opts.KeyQuota,
		dataFile:   opts.DataFile,
		log:        &requestLog{w: opts.Log},
		limiter:    newRateLimiter(opts.RateLimit),
		stats:      &statsCounter{counts: map[statsKey]int{}},
		byHash:     map[string]credential{},
		nextHookID: firstHookID,
	}
	if s.clock == nil {
		s.clock = clock.System()
	}
	if s.secrets.r == nil {
		s.secrets.r = rand.Reader
	}
	if s.quota == 0 {
		s.quota = defaultKeyQuota
	}
	var err error
	if s.tokens, err = newSeededRand(s.secrets); err != nil {
		return nil, fmt.Errorf("reading the random source: %w", err)
	}
	rolls, err := newSeededRand(s.secrets)
	if err != nil {
		return nil, fmt.Errorf("reading the random source: %w", err)
	}
	s.faults = &faults{rolls: rolls}
	s.faults.set(opts.Latency, opts.FailRate)
	s.faults.setAnswerDelay(opts.AnswerDelay)
	s.revealAllowed.Store(!opts.DisableReveal)
	s.deliveries = newDeliverer(&opts, s.log, func() time.Time { return s.clock.Now() },
		func() (string, error) { return s.secrets.alphanumeric(nonceLength) })

	if err := s.load(); err != nil {
		return nil, err
	}
	s.purge(s.clock.Now())
	if err := s.openAccounts(opts.accountCount(), opts.APIKeys); err != nil {
		return nil, err
	}
	if err := s.openSigningKeys(opts.SigningKeys); err != nil {
		return nil, err
	}
	if err := s.persist(s.clock.Now()); err != nil {
		return nil, err
	}
	return s, nil
}

// load restores the data file, if there is one, with its seal key; without
// one the seal key is new and lives as long as the process.
func (s *Server) load() error {
	var content *dataFile
	var key []byte
	var err error
	if s.dataFile != "" {
		if content, err = loadDataFile(s.dataFile); err != nil {
			return err
		}
		if key, err = s.openSealKey(content); err != nil {
			return err
		}
	} else if key, err = s.newSealKey(); err != nil {
		return err
	}
	if s.sealer, err = newSealer(key); err != nil {
		return err
	}
	if content == nil {
		return nil
	}
	return s.restore(content)
}

func (o *Options) check() error {
	switch {
	case o.Accounts < 0:
		return errors.New("sandbox: Accounts must not be negative")
	case o.Accounts > 0 && len(o.APIKeys) > o.Accounts:
		return fmt.Errorf("sandbox: %d API keys given for %d accounts", len(o.APIKeys), o.Accounts)
	case o.KeyQuota < 0:
		return errors.New("sandbox: KeyQuota must not be negative")
	case o.RateLimit < 0:
		return errors.New("sandbox: RateLimit must not be negative")
	case o.Latency < 0:
		return errors.New("sandbox: Latency must not be negative")
	case o.AnswerDelay < 0:
		return errors.New("sandbox: AnswerDelay must not be negative")
	case !(o.FailRate >= 0 && o.FailRate <= 1):
		return errors.New("sandbox: FailRate must lie between 0 and 1")
	case o.Accounts > 0 && len(o.SigningKeys) > o.Accounts:
		return fmt.Errorf("sandbox: %d signing keys given for %d accounts", len(o.SigningKeys), o.Accounts)
	case !(o.DeliveryTimeScale >= 0 && o.DeliveryTimeScale <= 1):
		return errors.New("sandbox: DeliveryTimeScale must lie between 0 and 1")
	}
	for i, key := range o.SigningKeys {
		if !validSigningKey(key) {
			return fmt.Errorf("sandbox: signing key %d must be %d to %d characters of [A-Za-z0-9]", i+1, minKeyLength, maxSigningKeyLength)
		}
	}
	seen := map[string]int{}
	for i, key := range o.APIKeys {
		if !validKeyShape(key) {
			return fmt.Errorf("sandbox: API key %d must be %d to %d characters of [A-Za-z0-9]", i+1, minKeyLength, maxKeyLength)
		}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("sandbox: API keys %d and %d are the same", j+1, i+1)
		}
		seen[key] = i
	}
	return nil
}

func (o *Options) accountCount() int {
	if o.Accounts > 0 {
		return o.Accounts
	}
	return max(1, len(o.APIKeys))
}

// APIKeys returns the first key of each account, in order.
func (s *Server) APIKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.firstKeys...)
}

// SetFaults changes the latency and the share of failed requests, for
// instance between the steps of a test.
func (s *Server) SetFaults(latency time.Duration, failRate float64) {
	s.faults.set(latency, failRate)
}

// SetAnswerDelay changes how long every /api answer is held back after its
// request was handled; 0 answers at once.
func (s *Server) SetAnswerDelay(d time.Duration) {
	s.faults.setAnswerDelay(d)
}

// SetRevealAllowed turns reading keys again (GET /api_keys/{id}/credentials)
// on or off for every account, as an account's security setting would.
func (s *Server) SetRevealAllowed(allowed bool) {
	s.revealAllowed.Store(allowed)
}

// SetRateLimit changes the requests per second each account may make
// (burst twice that); 0 turns the limit off. Every account starts afresh.
func (s *Server) SetRateLimit(perSecond int) {
	s.limiter.set(perSecond)
}

// Stats returns the request counts that GET /_sandbox/stats serves.
func (s *Server) Stats() Stats {
	return s.stats.snapshot()
}

// Close stops the webhook deliveries still under way and writes the
// last_used_at times that are not on disk yet. Call it once the server
// takes no more requests.
func (s *Server) Close() error {
	s.deliveries.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.usageUnsaved {
		return nil
	}
	return s.persist(s.clock.Now())
}

// ServeHTTP answers a request of the contract under /api, the stats, or 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	requestID := s.tokens.token("req_", 20)
	var out reply
	switch {
	case r.URL.Path == apiPrefix || strings.HasPrefix(r.URL.Path, apiPrefix+"/"):
		var answered bool
		out, answered = s.serveAPI(r)
		if !answered {
			s.log.record(r, statusClientGone, time.Since(started), requestID)
			return
		}
	case r.URL.Path == statsPath:
		out = s.serveStats(r)
	case r.URL.Path == inboundPath:
		out = s.serveInbound(r)
	default:
		out = errorReply(unknownPath("no such path; the API lives under /api"))
	}
	out.write(w, requestID)
	s.log.record(r, out.status, time.Since(started), requestID)
}

// serveAPI runs a request through the injected latency, faults and answer
// delay. It reports false when the client went away before the request was
// handled; one that leaves during the answer delay was handled, and counts
// with the status it was to hear.
func (s *Server) serveAPI(r *http.Request) (reply, bool) {
	rt, id := matchRoute(strings.TrimPrefix(r.URL.Path, apiPrefix))
	template := unmatchedRoute
	if rt != nil {
		template = rt.template
	}
	fate := s.faults.next()
	if fate.latency > 0 || fate.answerDelay > 0 {
		// Go's server notices a client that hangs up only once the request
		// body has been read, so read it before any wait.
		r.Body = bufferBody(r.Body)
	}
	if !waitUnlessGone(r.Context(), fate.latency) {
		s.stats.add(r.Method, template, statusClientGone)
		return reply{}, false
	}
	var out reply
	if fate.fault.status == 0 || fate.fault.afterHandling {
		out = s.handleAPI(r, rt, id)
	}
	if fate.fault.status != 0 {
		out = fate.fault.reply()
	}
	s.stats.add(r.Method, template, out.status)
	waitUnlessGone(r.Context(), fate.answerDelay)
	return out, true
}

func (s *Server) handleAPI(r *http.Request, rt *route, id string) reply {
	if rt == nil {
		return errorReply(unknownPath("no such path in the API"))
	}
	if rt.serve != nil {
		return rt.serve(s, r)
	}
	ep := rt.endpoint(r.Method)
	if ep == nil {
		return methodNotAllowed(r.Method, rt.allowed())
	}
	var body []byte
	var bodyErr *apiError
	if ep.takeBody {
		body, bodyErr = readBody(r)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.purgeAndSave(now)
	cred, ok := s.authenticate(r, now)
	if !ok {
		return errorReply(errUnauthorized)
	}
	if allowed, retryAfter := s.limiter.take(cred.account.id, now); !allowed {
		return errorReply(&apiError{status: http.StatusTooManyRequests, code: "rate_limited",
			message: fmt.Sprintf("too many requests for this account; retry in %d s", retryAfter)}).
			withHeader("Retry-After", strconv.Itoa(retryAfter))
	}
	if !cred.key.holds(ep.scope) {
		return errorReply(forbidden("this key lacks the %s scope", ep.scope))
	}
	if bodyErr != nil {
		return errorReply(bodyErr)
	}
	return ep.handle(s, &call{req: r, body: body, now: now, account: cred.account, key: cred.key, id: id})
}

// authenticate resolves the presented key and marks it used. It runs with
// s.mu held.
func (s *Server) authenticate(r *http.Request, now time.Time) (credential, bool) {
	return s.authenticateKey(presentedKey(r), now)
}

// authenticateKey is authenticate for a key already read from the request.
func (s *Server) authenticateKey(presented string, now time.Time) (credential, bool) {
	if presented == "" {
		return credential{}, false
	}
	cred, ok := s.byHash[hashKey(presented)]
	if !ok || cred.key.expired(now) {
		return credential{}, false
	}
	used := wholeSeconds(now)
	if cred.key.LastUsedAt == nil || !cred.key.LastUsedAt.Equal(used) {
		cred.key.LastUsedAt = &used
		s.usageUnsaved = true
	}
	return cred, true
}

// presentedKey reads X-Api-Key, or else an Authorization: Bearer header.
func presentedKey(r *http.Request) string {
	if key := r.Header.Get("X-Api-Key"); key != "" {
		return key
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	return ""
}

// serveStats answers GET /_sandbox/stats, to the local machine only: it
// needs no key, so it must not leave the host.
func (s *Server) serveStats(r *http.Request) reply {
	if r.Method != http.MethodGet {
		return methodNotAllowed(r.Method, http.MethodGet)
	}
	if !fromLoopback(r.RemoteAddr) {
		return errorReply(forbidden("the stats are served to the local machine only"))
	}
	return jsonReply(http.StatusOK, s.Stats())
}

func fromLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
