package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// requestLog writes one line per request: method, path, status, duration
// and request id. Never a header, a query or a body, where keys and secrets
// travel.
type requestLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *requestLog) record(r *http.Request, status int, took time.Duration, requestID string) {
	if l.w == nil {
		return
	}
	line := fmt.Sprintf("%s %s %d %s %s\n", r.Method, loggedPath(r), status, took.Round(time.Microsecond), requestID)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, line)
}

// loggedPath is the escaped path (so it cannot break the line) with every
// segment that could be a key blanked: a key never belongs in a URL, but a
// client may still put one there by mistake.
func loggedPath(r *http.Request) string {
	segments := strings.Split(r.URL.EscapedPath(), "/")
	for i, seg := range segments {
		if len(seg) >= minKeyLength && isAlphanumeric(seg) {
			segments[i] = "[redacted]"
		}
	}
	return strings.Join(segments, "/")
}
