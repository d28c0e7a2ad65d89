package client

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBodyBytes bounds what is read of one answer: a full page of keys is far
// below it, and a body past it is broken rather than worth truncating.
const maxBodyBytes = 4 << 20

// The lengths an error message may quote of what the server sent: enough to
// recognise a proxy's page, not enough to flood a plan output.
const (
	snippetRunes = 100
	messageRunes = 300
	tokenRunes   = 64
)

// decodeResponse reads one answer of at most limit bytes: a 2xx body into
// out (nil: ignored), any other status into an *APIError. It never panics
// on what a server sends.
func decodeResponse(method, path string, resp *http.Response, limit int, out any) error {
	body, tooLarge, err := readAnswer(method, path, resp, limit)
	if err != nil {
		return err
	}
	return decodeBody(method, path, resp, body, tooLarge, out)
}

// readAnswer reads at most limit bytes of an answer's body; tooLarge says
// when there was more.
func readAnswer(method, path string, resp *http.Response, limit int) (body []byte, tooLarge string, err error) {
	body, err = io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", method, path, &networkError{op: "reading the response", err: err})
	}
	if len(body) > limit {
		tooLarge = "larger than " + byteSize(limit)
	}
	return body, tooLarge, nil
}

// decodeBody judges an answer whose body has been read: a 2xx into out (nil:
// ignored), any other status into an *APIError.
func decodeBody(method, path string, resp *http.Response, body []byte, tooLarge string, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromResponse(method, path, resp.StatusCode, resp.Header, body, tooLarge)
	}

	malformed := func(problem string) error {
		return &MalformedAnswerError{Method: method, Path: path, StatusCode: resp.StatusCode,
			RequestID: sanitize(resp.Header.Get("X-Request-Id"), tokenRunes), Problem: problem}
	}
	if tooLarge != "" {
		return malformed("the body is " + tooLarge)
	}
	if out == nil {
		return nil
	}
	if err := decodeObject(body, out); err != nil {
		// The body is not quoted: a 2xx answer may hold a key and its secret.
		if mt := mediaType(resp.Header); mt != "" && !isJSON(mt) {
			return malformed("unexpected " + mt + " content")
		}
		return malformed("malformed body: " + err.Error())
	}
	return nil
}

// decodeObject insists on a JSON object: every answer of the contract is
// one, and a bare null would otherwise decode into an empty value silently.
func decodeObject(body []byte, out any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return errors.New("empty body")
	}
	if body[0] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(body, out)
}

type errorEnvelope struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func errorFromResponse(method, path string, status int, header http.Header, body []byte, tooLarge string) *APIError {
	apiErr := &APIError{
		StatusCode: status,
		RequestID:  sanitize(header.Get("X-Request-Id"), tokenRunes),
		Method:     method,
		Path:       path,
		retryAfter: header.Get("Retry-After"),
	}
	var env errorEnvelope
	if tooLarge == "" && json.Unmarshal(body, &env) == nil && env.Error != nil && env.Error.Code != "" {
		apiErr.Code = sanitize(env.Error.Code, tokenRunes)
		// An error is never shown without words, even when the server sent none.
		apiErr.Message = cmp.Or(sanitize(env.Error.Message, messageRunes), http.StatusText(status), "no message")
		apiErr.Field = sanitize(env.Error.Field, tokenRunes)
		return apiErr
	}
	apiErr.Message = describeUnexpected(status, header, body, tooLarge)
	return apiErr
}

// describeUnexpected says in a short line what came instead of the
// contract's error JSON, typically a proxy's HTML page.
func describeUnexpected(status int, header http.Header, body []byte, tooLarge string) string {
	if tooLarge != "" {
		return "error response " + tooLarge
	}
	if location := header.Get("Location"); status >= 300 && status <= 399 && location != "" {
		return "redirect to " + sanitize(location, snippetRunes) + " not followed; set the endpoint to the URL the gateway answers at"
	}
	text := string(bytes.TrimSpace(body))
	if text == "" {
		if statusText := http.StatusText(status); statusText != "" {
			return statusText + " with an empty body"
		}
		return "empty response"
	}
	mt := mediaType(header)
	switch {
	case isJSON(mt) || (mt == "" && (text[0] == '{' || text[0] == '[')):
		return "malformed JSON error response: " + sanitize(text, snippetRunes)
	case mt == "text/html" || mt == "application/xhtml+xml":
		return "unexpected " + mt + " response: " + sanitize(stripTags(text), snippetRunes)
	case mt == "":
		return "unexpected response without content type: " + sanitize(text, snippetRunes)
	default:
		return "unexpected " + mt + " response: " + sanitize(text, snippetRunes)
	}
}

func byteSize(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func mediaType(header http.Header) string {
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return sanitize(mt, tokenRunes)
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// stripTags leaves the text of an HTML page, so that a proxy's
// "502 Bad Gateway" shows instead of its markup.
func stripTags(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanitize makes server text safe for one line of a terminal: invalid UTF-8
// and control or format characters go, runs of space fold into one, and
// at most limit runes are kept.
func sanitize(s string, limit int) string {
	// Only the start can show, so a body of megabytes is not scanned whole;
	// a rune cut here is invalid UTF-8 and dropped below.
	if maxBytes := limit * utf8.UTFMax * 4; len(s) > maxBytes {
		s = s[:maxBytes]
	}
	words := strings.FieldsFunc(s, func(r rune) bool {
		return r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r)
	})
	text := []rune(strings.Join(words, " "))
	if len(text) <= limit {
		return string(text)
	}
	return strings.TrimSpace(string(text[:limit])) + "…"
}
