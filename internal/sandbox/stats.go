package sandbox

import (
	"cmp"
	"net/http"
	"slices"
	"sync"
)

// Stats counts the /api requests the sandbox answered, by method, route and
// status, injected faults included.
type Stats struct {
	Total    int            `json:"total"`
	Requests []RequestCount `json:"requests"`
}

// RequestCount is how many requests of one method and route got one status.
// Route is a template such as "/api_keys/{id}"; a path that matches no route
// counts under "(unmatched)". Status 499 counts requests whose client went
// away before they were handled.
type RequestCount struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Status int    `json:"status"`
	Count  int    `json:"count"`
}

// Count returns how many requests of method and route were answered with
// status, or with any status when status is 0.
func (s Stats) Count(method, route string, status int) int {
	n := 0
	for _, rc := range s.Requests {
		if rc.Method == method && rc.Route == route && (status == 0 || rc.Status == status) {
			n += rc.Count
		}
	}
	return n
}

const (
	unmatchedRoute      = "(unmatched)"
	statusClientGone    = 499
	otherMethodsCounted = "OTHER"
)

type statsKey struct {
	method string
	route  string
	status int
}

type statsCounter struct {
	mu     sync.Mutex
	counts map[statsKey]int
}

func (c *statsCounter) add(method, route string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[statsKey{method: countedMethod(method), route: route, status: status}]++
}

// countedMethod folds methods outside HTTP's own set into one, so a client
// that invents methods cannot grow the table without bound.
func countedMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return otherMethodsCounted
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{Requests: make([]RequestCount, 0, len(c.counts))}
	for k, n := range c.counts {
		st.Total += n
		st.Requests = append(st.Requests, RequestCount{Method: k.method, Route: k.route, Status: k.status, Count: n})
	}
	slices.SortFunc(st.Requests, func(a, b RequestCount) int {
		return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Status, b.Status))
	})
	return st
}
