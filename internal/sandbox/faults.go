package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// faults makes the network and the gateway as unreliable as asked: a delay
// before each request, a share of requests answered with a 5xx, either
// before the request is handled or after it (the write happened, its answer
// is lost), and a delay of each answer after its request was handled, so
// that clients meet every kind for real.
type faults struct {
	mu          sync.Mutex
	latency     time.Duration
	failRate    float64
	answerDelay time.Duration
	rolls       *seededRand
}

// fate is what the faults hold in store for one request.
type fate struct {
	latency     time.Duration
	fault       fault
	answerDelay time.Duration
}

type fault struct {
	status        int // 0: no fault
	afterHandling bool
}

var faultStatuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}

func (f *faults) set(latency time.Duration, failRate float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = max(latency, 0)
	f.failRate = min(max(failRate, 0), 1)
}

func (f *faults) setAnswerDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answerDelay = max(d, 0)
}

// next decides the fate of one request. Nothing is drawn while the fail
// rate is 0, so turning faults on does not shift what came before.
func (f *faults) next() fate {
	f.mu.Lock()
	ft := fate{latency: f.latency, answerDelay: f.answerDelay}
	failRate := f.failRate
	f.mu.Unlock()
	if failRate == 0 || f.rolls.float64() >= failRate {
		return ft
	}
	ft.fault = fault{
		status:        faultStatuses[f.rolls.intN(len(faultStatuses))],
		afterHandling: f.rolls.intN(2) == 1,
	}
	return ft
}

func (ft fault) reply() reply {
	message := "the gateway failed before handling the request; it is safe to retry"
	if ft.afterHandling {
		message = "the gateway failed after handling the request and lost its answer; it is safe to retry"
	}
	return errorReply(&apiError{status: ft.status, code: "internal", message: message})
}

// waitUnlessGone waits d, or less if the client goes away, and says whether
// the client is still there.
func waitUnlessGone(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// bufferBody reads as much of a body as readBody would look at and hands
// back a reader of it; a read that fails surfaces again at readBody.
func bufferBody(body io.ReadCloser) io.ReadCloser {
	read, err := io.ReadAll(io.LimitReader(body, maxBodyBytes+1))
	_ = body.Close()
	return io.NopCloser(io.MultiReader(bytes.NewReader(read), errReader{err}))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}
