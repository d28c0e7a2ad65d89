package sandbox

import (
	"net/http"
	"strings"
	"time"
)

const (
	apiPrefix = "/api"
	statsPath = "/_sandbox/stats"
)

// call is one authenticated request on its way to a handler.
type call struct {
	req     *http.Request
	body    []byte
	now     time.Time
	account *account
	key     *apiKey // the key that authenticated the request
	id      string  // the {id} of the path, if the route has one
}

type endpoint struct {
	method   string
	scope    string
	takeBody bool
	handle   func(*Server, *call) reply
}

type route struct {
	template  string // as the stats count it
	endpoints []endpoint
	// serve, when set, answers every method itself: seven.io's own API
	// authenticates and refuses in its own way.
	serve func(*Server, *http.Request) reply
}

var (
	keysRoute = route{template: "/api_keys", endpoints: []endpoint{
		{method: http.MethodGet, scope: scopeAPIKeys, handle: (*Server).listKeys},
		{method: http.MethodPost, scope: scopeAPIKeys, takeBody: true, handle: (*Server).createKey},
	}}
	keyRoute = route{template: "/api_keys/{id}", endpoints: []endpoint{
		{method: http.MethodGet, scope: scopeAPIKeys, handle: (*Server).getKey},
		{method: http.MethodPatch, scope: scopeAPIKeys, takeBody: true, handle: (*Server).patchKey},
		{method: http.MethodDelete, scope: scopeAPIKeys, handle: (*Server).deleteKey},
	}}
	credentialsRoute = route{template: "/api_keys/{id}/credentials", endpoints: []endpoint{
		{method: http.MethodGet, scope: scopeAPIKeys, handle: (*Server).readCredentials},
	}}
	balanceRoute = route{template: "/balance", endpoints: []endpoint{
		{method: http.MethodGet, scope: scopeBalance, handle: (*Server).balance},
	}}
	smsRoute = route{template: "/sms", endpoints: []endpoint{
		{method: http.MethodPost, scope: scopeSMS, takeBody: true, handle: (*Server).sendSMS},
	}}
	hooksRoute = route{template: hooksPath, serve: (*Server).serveHooks}
)

// matchRoute finds the route of a path below /api, and the {id} in it.
func matchRoute(apiPath string) (*route, string) {
	switch apiPath {
	case "/api_keys":
		return &keysRoute, ""
	case "/balance":
		return &balanceRoute, ""
	case "/sms":
		return &smsRoute, ""
	case hooksPath:
		return &hooksRoute, ""
	}
	rest, ok := strings.CutPrefix(apiPath, "/api_keys/")
	if !ok {
		return nil, ""
	}
	if id, ok := strings.CutSuffix(rest, "/credentials"); ok && validPathID(id) {
		return &credentialsRoute, id
	}
	if validPathID(rest) {
		return &keyRoute, rest
	}
	return nil, ""
}

func validPathID(id string) bool {
	return id != "" && !strings.Contains(id, "/")
}

func (rt *route) endpoint(method string) *endpoint {
	for i := range rt.endpoints {
		if rt.endpoints[i].method == method {
			return &rt.endpoints[i]
		}
	}
	return nil
}

func (rt *route) allowed() string {
	methods := make([]string, len(rt.endpoints))
	for i, ep := range rt.endpoints {
		methods[i] = ep.method
	}
	return strings.Join(methods, ", ")
}

func methodNotAllowed(method, allow string) reply {
	return errorReply(&apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
		message: method + " is not allowed here; use " + allow}).withHeader("Allow", allow)
}
