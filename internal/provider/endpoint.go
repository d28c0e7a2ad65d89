package provider

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// The rules for the gateway's base URL, one reading for the endpoint
// attribute and for SMS_ENDPOINT, so that both are refused before the
// provider sends anything.

var (
	errUserInfo = errors.New("carries a user name or password")
	// errResourcePath is an endpoint that names one of the API's resources
	// rather than the API: the provider appends those paths itself, so
	// every request would go to a path the gateway does not serve.
	errResourcePath = errors.New("names a resource of the API rather than the API itself")
)

// apiResources are the first path segments the gateway serves under its
// base URL (the key contract and the webhook API). A base URL that ends in
// one of them, or holds api_keys anywhere, was copied from a request.
var apiResources = []string{"api_keys", "balance", "sms", "hooks"}

// checkEndpoint returns how the URL may be shown in a message (quoted, its
// password redacted, nothing of it when it does not parse) and what is
// wrong with it as the gateway's base URL.
func checkEndpoint(raw string) (string, error) {
	trimmed := strings.TrimSpace(raw)
	u, err := url.Parse(trimmed)
	if err != nil {
		return "(not shown)", errors.New("is not a URL")
	}
	shown := strconv.Quote(u.Redacted())
	switch {
	case u.User != nil:
		return shown, errUserInfo
	case trimmed != raw:
		return shown, errors.New("has white space or a line break around it; remove it")
	case strings.IndexFunc(raw, unicode.IsSpace) >= 0:
		return shown, errors.New("has white space in it")
	case u.Scheme != "http" && u.Scheme != "https":
		return shown, errors.New("does not start with http:// or https://")
	case u.Hostname() == "":
		return shown, errors.New("has no host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return shown, errors.New("carries a query or a fragment")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return shown, fmt.Errorf("has the port %s; a port is a number from 1 to 65535", port)
		}
	}
	if resource := resourceInPath(u.Path); resource != "" {
		return shown, fmt.Errorf("%w (/%s)", errResourcePath, resource)
	}
	return shown, nil
}

// resourceInPath returns the resource of the API that the path names, or
// "" for a path that may be a base URL.
func resourceInPath(p string) string {
	segments := slices.DeleteFunc(strings.Split(p, "/"), func(s string) bool { return s == "" })
	switch {
	case slices.Contains(segments, "api_keys"):
		return "api_keys"
	case len(segments) > 0 && slices.Contains(apiResources, segments[len(segments)-1]):
		return segments[len(segments)-1]
	}
	return ""
}

// sendsKeyInClear is true for an http:// endpoint whose host is not this
// machine's loopback: the API key would cross the network unencrypted.
// Only an endpoint that checkEndpoint accepts is asked.
func sendsKeyInClear(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	return !isLoopback(u.Hostname())
}

// isLoopback accepts 127.0.0.0/8, ::1 (also written as an IPv4-mapped
// address) and the name localhost. A name that merely starts with a
// loopback address, such as 127.0.0.1.example.com, is resolved by DNS and
// may lead anywhere.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// httpsForm is the endpoint with https:// in place of http://, to suggest.
func httpsForm(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return client.DefaultEndpoint
	}
	u.Scheme = "https"
	return u.String()
}

// endpointRemedy says what a wrong endpoint should look like.
func endpointRemedy(err error) string {
	if errors.Is(err, errResourcePath) {
		return fmt.Sprintf("The endpoint is the API's base URL, of the form https://HOST/api, such as %q; the "+
			"provider appends the paths of the resources itself.", client.DefaultEndpoint)
	}
	return fmt.Sprintf("Set it to the gateway's base URL, such as %q.", client.DefaultEndpoint)
}
